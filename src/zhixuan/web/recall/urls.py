from django.urls import path

from zhixuan.web.recall import views

app_name = "recall"
urlpatterns = [
    path("elections/<int:election_id>/recall/", views.index, name="index"),
    path("elections/<int:election_id>/recall/<int:petition_id>/", views.petition, name="petition"),
    path("elections/<int:election_id>/recall/<int:petition_id>/signatures/", views.signatures, name="signatures"),
    path("elections/<int:election_id>/recall/<int:petition_id>/sign/", views.sign, name="sign"),
    path("elections/<int:election_id>/recall/<int:petition_id>/convene/", views.convene, name="convene"),
    path("elections/<int:election_id>/recall/<int:petition_id>/check-in/", views.check_in, name="check_in"),
    path("elections/<int:election_id>/recall/<int:petition_id>/officers/", views.officers, name="officers"),
    path("elections/<int:election_id>/recall/<int:petition_id>/ballot/", views.ballot, name="ballot"),
    path("elections/<int:election_id>/recall/<int:petition_id>/count/", views.vote_count, name="vote_count"),
    path("elections/<int:election_id>/recall/<int:petition_id>/accept/", views.accept_vote, name="accept_vote"),
    path(
        "elections/<int:election_id>/recall/<int:petition_id>/by-election/",
        views.by_candidates,
        name="by_candidates",
    ),
    path("elections/<int:election_id>/recall/<int:petition_id>/by-election/count/", views.by_count, name="by_count"),
    path(
        "elections/<int:election_id>/recall/<int:petition_id>/by-election/accept/",
        views.accept_by_election,
        name="accept_by",
    ),
]
urlpatterns += [
    path("elections/<int:election_id>/recall/<int:petition_id>/code/", views.issue_code, name="issue_code"),
    path("elections/<int:election_id>/recall/<int:petition_id>/check-out/", views.check_out, name="check_out"),
    path("elections/<int:election_id>/recall/<int:petition_id>/voting/", views.voting, name="voting"),
    path("elections/<int:election_id>/recall/<int:petition_id>/by-election/ballot/", views.by_ballot, name="by_ballot"),
]
