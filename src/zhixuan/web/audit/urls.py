from django.urls import path

from zhixuan.web.audit import views

app_name = "audit"
urlpatterns = [
    path("elections/<int:election_id>/", views.election_log, name="election_log"),
]
