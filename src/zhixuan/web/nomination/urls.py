from django.urls import path

from zhixuan.web.nomination import views

app_name = "nomination"
urlpatterns = [
    path("public/elections/<int:election_id>/apply/", views.apply, name="apply"),
    path("public/elections/<int:election_id>/apply/done/", views.apply_done, name="apply_done"),
    path("public/elections/<int:election_id>/notice/", views.public_notice, name="notice"),
    path("elections/<int:election_id>/nominations/", views.nominations, name="list"),
    path("elections/<int:election_id>/nominations/add/", views.add_applicant, name="add_applicant"),
    path("elections/<int:election_id>/nominations/<int:applicant_id>/", views.applicant_detail, name="applicant"),
    path("elections/<int:election_id>/nominations/<int:applicant_id>/routes/", views.add_route, name="add_route"),
    path("elections/<int:election_id>/nominations/<int:applicant_id>/withdraw/", views.withdraw, name="withdraw"),
    path(
        "elections/<int:election_id>/nominations/routes/<int:route_id>/signatures/",
        views.signatures,
        name="signatures",
    ),
    path("elections/<int:election_id>/sign/", views.sign, name="sign"),
    path("elections/<int:election_id>/review/", views.review, name="review"),
    path("elections/<int:election_id>/review/<int:applicant_id>/", views.record_review, name="record_review"),
    path("elections/<int:election_id>/review/notice/", views.publish_notice, name="publish_notice"),
    path(
        "elections/<int:election_id>/review/objections/<int:objection_id>/",
        views.decide_objection,
        name="decide_objection",
    ),
]
