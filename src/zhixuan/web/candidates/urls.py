from django.urls import path

from zhixuan.web.candidates import views

app_name = "candidates"
urlpatterns = [
    path("elections/<int:election_id>/candidates/", views.overview, name="overview"),
    path(
        "elections/<int:election_id>/candidates/inspection/<int:applicant_id>/",
        views.inspection,
        name="inspection",
    ),
    path("elections/<int:election_id>/candidates/county-vote/", views.county_vote, name="county_vote"),
    path("elections/<int:election_id>/candidates/publish/", views.publish, name="publish"),
]
