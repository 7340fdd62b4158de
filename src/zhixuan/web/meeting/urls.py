from django.urls import path

from zhixuan.web.meeting import views

app_name = "meeting"
_base = "elections/<int:election_id>/meeting/"
urlpatterns = [
    path(_base, views.overview, name="overview"),
    path(f"{_base}create/", views.create, name="create"),
    path(f"{_base}open/", views.open_meeting, name="open_meeting"),
    path(f"{_base}close/", views.close_meeting, name="close_meeting"),
    path(f"{_base}checkin/", views.checkin, name="checkin"),
    path(f"{_base}checkin/search/", views.search, name="search"),
    path(f"{_base}checkin/record/", views.check_in, name="check_in"),
    path(f"{_base}checkin/<int:attendance_id>/out/", views.check_out, name="check_out"),
    path(f"{_base}quorum/", views.quorum, name="quorum"),
    path(f"{_base}cards/", views.cards, name="cards"),
    path(f"{_base}officers/", views.propose_officer, name="propose_officer"),
    path(f"{_base}officers/approve/", views.approve_officers, name="approve_officers"),
    path(f"{_base}officers/<int:officer_id>/user/", views.link_user, name="link_user"),
    path(f"{_base}rounds/next/", views.create_round, name="create_round"),
    path(f"{_base}rounds/<int:round_id>/", views.round_detail, name="round"),
    path(f"{_base}rounds/<int:round_id>/request/", views.request_step, name="request_step"),
    path(f"{_base}rounds/<int:round_id>/confirm/", views.confirm_step, name="confirm_step"),
    path(f"{_base}rounds/<int:round_id>/opt-in/", views.opt_in, name="opt_in"),
]
