from django.urls import path

from zhixuan.web.board import views

app_name = "board"
urlpatterns = [
    path("public/elections/<int:election_id>/board/", views.index, name="index"),
    path("public/elections/<int:election_id>/board/verify/", views.verify, name="verify"),
    path("public/elections/<int:election_id>/board/record.yaml", views.record, name="record"),
]
