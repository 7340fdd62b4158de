from django.urls import path

from zhixuan.web.elections import import_views, views

app_name = "elections"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("elections/new/", views.election_create, name="create"),
    path("elections/import/", import_views.scenario_import, name="import"),
    path("elections/<int:election_id>/", views.election_detail, name="detail"),
    path("elections/<int:election_id>/timeline/", views.election_timeline, name="timeline"),
    path("elections/<int:election_id>/publish/", views.election_publish, name="publish"),
    path("elections/<int:election_id>/advance/", views.election_advance, name="advance"),
    path("elections/<int:election_id>/scenario.yaml", views.election_scenario, name="scenario"),
    path("public/", views.public_index, name="public_index"),
    path("public/elections/<int:election_id>/", views.public_announcement, name="public_announcement"),
    path(
        "public/elections/<int:election_id>/announcement.pdf",
        views.public_announcement_pdf,
        name="public_announcement_pdf",
    ),
]
