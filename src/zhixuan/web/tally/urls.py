from django.urls import path

from zhixuan.web.tally import views

app_name = "tally"
_round = "elections/<int:election_id>/tally/rounds/<int:round_id>"
urlpatterns = [
    path("elections/<int:election_id>/tally/", views.round_list, name="rounds"),
    path(f"{_round}/", views.round_detail, name="round"),
    path(f"{_round}/ballot.pdf", views.ballot_pdf, name="ballot_pdf"),
    path(f"{_round}/issue/", views.record_issue, name="record_issue"),
    path(f"{_round}/agree/", views.agree, name="agree"),
    path(f"{_round}/sheet/", views.sheet, name="sheet"),
    path(f"{_round}/sheet/start/", views.start_sheet, name="start_sheet"),
    path(f"{_round}/sheet/ballots/", views.add_ballot, name="add_ballot"),
    path(f"{_round}/sheet/remove/", views.remove_entry, name="remove_entry"),
    path(f"{_round}/sheet/totals/", views.set_totals, name="set_totals"),
    path(f"{_round}/sheet/submit/", views.submit_sheet, name="submit_sheet"),
    path(f"{_round}/scans/", views.scans, name="scans"),
    path(f"{_round}/scans/<str:sheet_id>/", views.scan_sheet, name="scan_sheet"),
    path(f"{_round}/scans/<str:sheet_id>/image.jpg", views.scan_image, name="scan_image"),
    path(f"{_round}/scans/<str:sheet_id>/decide/", views.adjudicate, name="adjudicate"),
    path(f"{_round}/scans/<str:sheet_id>/challenge/", views.challenge, name="challenge"),
]
