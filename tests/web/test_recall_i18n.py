"""The recall pages in English: the recall app's own catalogue is complete and a page switches after
``/i18n/setlang/`` — the app's labels and the core's decisions (A3, M1) both in English."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import Client
from test_recall_flow import open_petition, recall_vote, town  # noqa: F401  (town is a fixture)
from web_helpers import PASSWORD

from zhixuan.web.core.translations import parse_po
from zhixuan.web.elections.outcomes import election_outcome
from zhixuan.web.recall import selectors

APP = Path(settings.PACKAGE_DIR) / "recall"
PO = APP / "locale" / "en" / "LC_MESSAGES" / "django.po"
TEMPLATES = Path(settings.PACKAGE_DIR) / "templates" / "recall"


def test_catalogue_translates_every_string_of_the_recall_templates() -> None:
    messages = parse_po(PO.read_text(encoding="utf-8"))
    assert all(value for key, value in messages.items() if key)  # no empty msgstr
    assert messages["罢免联名"] == "Recall petitions"
    assert messages["我要签名"] == "Sign"
    used = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r'{% translate "([^"]+)" %}', template.read_text(encoding="utf-8")))
    # {% translate %} doubles a percent sign in its msgid.
    missing = sorted(s for s in used if s.replace("%", "%%") not in messages and s not in messages)
    assert missing == []


def test_petition_page_in_english_after_setlang(town: dict[str, Any]) -> None:  # noqa: F811
    petition = open_petition(town)
    recall_vote(town, petition, yes=21)
    client = Client()
    client.login(username=town["staff"].username, password=PASSWORD)
    url = f"/elections/{town['election'].pk}/recall/{petition.pk}/"
    assert "罢免表决会议" in client.get(url).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": url})
    page = client.get(url).content.decode()
    assert 'lang="en"' in page
    assert "Recall 唐明" in page and "Recall meeting" in page and "Count of the recall vote" in page
    assert "The scrutineer has confirmed the count." in page and "For recall <b>21</b>" in page
    # The core's decisions in its English wording, with their rule IDs.
    petition.refresh_from_db()
    verdict = selectors.vote_decision(petition, election_outcome(town["election"]))
    assert verdict is not None and verdict.code == "recalled"
    assert verdict.en.replace(">", "&gt;") in page
    assert "罢免表决会议" not in page and "录入我的计票" not in page
    index = client.get(f"/elections/{town['election'].pk}/recall/").content.decode()
    assert "Recall petitions" in index and "Voted" in index


def test_recall_audit_actions_have_english_labels() -> None:
    from django.utils import translation

    from zhixuan.web.audit.labels import ACTION_LABELS

    recall = {k: v for k, v in ACTION_LABELS.items() if k.startswith("recall.")}
    assert len(recall) == 16
    assert str(recall["recall.accept_vote"]) == "确认罢免表决结果"
    with translation.override("en"):
        assert str(recall["recall.accept_vote"]) == "Confirm the recall vote"
        assert all(not re.search(r"[\u4e00-\u9fff]", str(label)) for label in recall.values())
