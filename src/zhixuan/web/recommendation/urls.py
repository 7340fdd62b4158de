"""Recommendation stages (staff pages under the election), the lot page for observers, and the
no-login online ballot ``/r/<code>/``."""

from django.urls import path

from zhixuan.web.recommendation import views

app_name = "recommendation"
_E = "elections/<int:election_id>/recommendation/"
_S = _E + "<slug:stage_key>/"
urlpatterns = [
    path(_E, views.overview, name="overview"),
    path(_E + "create/", views.create_stages, name="create_stages"),
    path(_E + "configure/", views.configure, name="configure"),
    path(_E + "results/", views.results, name="results"),
    path(_E + "lot/<str:purpose>/", views.lot_page, name="lot"),
    path(_E + "lot/<str:purpose>/commit/", views.lot_commit, name="lot_commit"),
    path(_E + "lot/<str:purpose>/draw/", views.lot_draw, name="lot_draw"),
    path(_S, views.stage_page, name="stage"),
    path(_S + "status/<str:verb>/", views.stage_status, name="stage_status"),
    path(_S + "counts/", views.counts, name="counts"),
    path(_S + "checkin/search/", views.checkin_search, name="checkin_search"),
    path(_S + "checkin/", views.checkin, name="checkin"),
    path(_S + "ballots/", views.paper_ballot, name="paper_ballot"),
    path(_S + "ballots/<int:ballot_id>/delete/", views.delete_ballot, name="delete_ballot"),
    path(_S + "totals/", views.group_total, name="group_total"),
    path(_S + "codes/", views.issue_codes, name="issue_codes"),
    path(_S + "screen/", views.screen, name="screen"),
    path(_S + "screen/live/", views.screen_live, name="screen_live"),
    path(_S + "control/", views.control, name="control"),
    path("r/", views.vote_entry, name="vote_entry"),
    path("r/<str:code>/", views.vote, name="vote"),
]
