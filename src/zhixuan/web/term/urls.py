from django.urls import path

from zhixuan.web.term import views

app_name = "term"
E = "elections/<int:election_id>/term/"
Y = E + "reviews/<int:year>/"
urlpatterns = [
    path(E, views.overview, name="overview"),
    path(E + "commitment/", views.commitment, name="commitment"),
    path(E + "commitment/publish/", views.publish_commitment, name="publish_commitment"),
    path(E + "commitment/review/", views.review_year, name="review_year"),
    path(E + "commitment/<int:year>/", views.review_commitment, name="review_commitment"),
    path(E + "reviews/new/", views.create_session, name="create_session"),
    path(E + "ratings.xlsx", views.results_xlsx, name="results_xlsx"),
    path(E + "ratings.pdf", views.results_pdf, name="results_pdf"),
    path(Y, views.session, name="session"),
    path(Y + "groups/", views.groups, name="groups"),
    path(Y + "open/", views.open_session, name="open"),
    path(Y + "close/", views.close_session, name="close"),
    path(Y + "form.pdf", views.form_pdf, name="form_pdf"),
    path(Y + "reports/<int:report_id>/", views.report, name="report"),
    path(Y + "reports/<int:report_id>/attachment/", views.attachment, name="attachment"),
    path(Y + "paper/<int:group_id>/", views.paper, name="paper"),
    path(Y + "paper/<int:group_id>/agree/", views.agree, name="agree"),
    path(Y + "paper/<int:group_id>/forms/start/", views.start_forms, name="start_forms"),
    path(Y + "paper/<int:group_id>/forms/add/", views.add_form, name="add_form"),
    path(Y + "paper/<int:group_id>/forms/remove/", views.remove_form, name="remove_form"),
    path(Y + "paper/<int:group_id>/forms/submit/", views.submit_forms, name="submit_forms"),
    path(Y + "codes/<int:group_id>/", views.issue_codes, name="codes"),
    path("public/term/rate/", views.rate, name="rate"),
]
