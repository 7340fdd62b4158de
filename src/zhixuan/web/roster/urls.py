from django.urls import path

from zhixuan.web.roster import views

app_name = "roster"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("import/", views.import_file, name="import"),
    path("template/<str:kind>.xlsx", views.template_download, name="template"),
    path("export/<str:kind>.xlsx", views.export, name="export"),
    path("members/<int:member_id>/", views.member_update, name="member_update"),
    path("excusals/", views.excusal_request, name="excusal_request"),
    path("excusals/<int:excusal_id>/approve/", views.excusal_approve, name="excusal_approve"),
    path("excusals/<int:excusal_id>/withdraw/", views.excusal_withdraw, name="excusal_withdraw"),
]
