"""Results of the members' meeting (M11): staff pages under the election, the projector (大屏), and the
public observer page without login."""

from django.urls import URLPattern, URLResolver, path

from zhixuan.web.results import views

app_name = "results"
_E = "elections/<int:election_id>/results/"
urlpatterns: list[URLPattern | URLResolver] = [
    path(_E, views.overview, name="overview"),
    path(_E + "report/create/", views.create_report, name="create_report"),
    path(_E + "report/sign/", views.sign_report, name="sign_report"),
    path(_E + "report/submit/", views.submit_report, name="submit_report"),
    path(_E + "report/approve/", views.approve_report, name="approve_report"),
    path(_E + "report.pdf", views.report_pdf, name="report_pdf"),
    path(_E + "rounds/<int:round_id>/voting-time/", views.voting_time, name="voting_time"),
    path(_E + "screen/", views.screen, name="screen"),
    path(_E + "screen/live/", views.screen_live, name="screen_live"),
    path("public/elections/<int:election_id>/meeting/", views.observe, name="observe"),
    path("public/elections/<int:election_id>/meeting/live/", views.observe_live, name="observe_live"),
]
