"""URL map: private pages under their apps, public pages without login, language switch."""

from django.urls import include, path

from zhixuan.web.core import views as core

urlpatterns = [
    # Electronic voting first: a meeting's busiest request (``POST /v/cast/``) is then resolved without
    # trying every other app's patterns. No other app has a ``v/`` or ``public/receipt/`` path.
    path("", include("zhixuan.web.evoting.urls")),
    path("", core.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("zhixuan.web.accounts.urls")),
    path("audit/", include("zhixuan.web.audit.urls")),
    path("elections/<int:election_id>/roster/", include("zhixuan.web.roster.urls")),
    path("", include("zhixuan.web.nomination.urls")),
    path("", include("zhixuan.web.recommendation.urls")),
    path("", include("zhixuan.web.candidates.urls")),
    path("", include("zhixuan.web.meeting.urls")),
    path("", include("zhixuan.web.tally.urls")),
    path("", include("zhixuan.web.results.urls")),
    path("", include("zhixuan.web.board.urls")),
    path("", include("zhixuan.web.term.urls")),
    path("", include("zhixuan.web.recall.urls")),
    path("", include("zhixuan.web.elections.urls")),
]
