from django.urls import path

from zhixuan.web.evoting import views

app_name = "evoting"
urlpatterns = [
    path("elections/<int:election_id>/evoting/", views.desk, name="desk"),
    path("elections/<int:election_id>/evoting/issue/", views.issue, name="issue"),
    path("elections/<int:election_id>/evoting/deactivate/", views.deactivate, name="deactivate"),
    path("v/", views.enter_code, name="enter"),
    path("v/cast/", views.cast, name="cast"),
    path("v/<str:code>/", views.vote, name="vote"),
    path("public/receipt/", views.receipt, name="receipt"),
]
