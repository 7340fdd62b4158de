"""A2 paper rating forms entered one by one, like the meeting's paper tally: each teller enters every printed
form on their own entry (a grade per leader and scale, blank or double ticks not counted), submits when the forms
entered equal the forms taken from the box, and the two entries are compared cell by cell and form by form, side
by side, until they agree; then the agreed forms are the group's paper ratings. Totals stay as an alternative."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from test_results_report import hold_meeting, import_example
from test_term_reviews import login, open_session, teller, url

from zhixuan.web.audit.models import AuditEntry
from zhixuan.web.term import actions, selectors
from zhixuan.web.term.models import PaperCount, ReviewSession

FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def team(county_admin: Any, county: Any) -> Any:
    """The team elected by ``examples/three-round-township.yaml`` (as in test_term_reviews)."""
    election, kinds = import_example(county_admin, county)
    hold_meeting(election, kinds)
    return election


def form_data(session: ReviewSession, grades: dict[str, tuple[str, str]], default: tuple[str, str]) -> dict[str, str]:
    """POST data of one form: ``grades[name]`` = (satisfaction, competence) grade, blank for a blank cell."""
    data = {}
    for leader in session.leaders.all():
        sat, comp = grades.get(leader.name, default)
        data[f"f-{leader.leader}-satisfaction"] = sat
        data[f"f-{leader.leader}-competence"] = comp
    return data


GOOD = ("satisfied", "excellent")


def add(client: Client, election: Any, session: ReviewSession, group: Any, data: dict[str, str], count: int = 1) -> Any:
    return client.post(url(election, "add_form", session.year, group.pk), {**data, "count": str(count)}, **FETCH)


def enter_forms(
    client: Client, election: Any, session: ReviewSession, group: Any, forms: list[tuple[dict, int]]
) -> None:
    assert client.post(url(election, "start_forms", session.year, group.pk)).status_code == 302
    for data, count in forms:
        assert add(client, election, session, group, data, count).status_code == 200


def test_two_tellers_enter_forms_one_by_one_and_resolve_a_difference(team: Any, county_admin: Any) -> None:
    admin = login(county_admin)
    session = open_session(admin, team, 2027, [("党员", "1")])
    group = session.groups.get()
    secretary = selectors.secretary(team)
    low = form_data(session, {"周文斌": ("dissatisfied", "incompetent")}, GOOD)
    blank = form_data(session, {"周文斌": ("", "excellent")}, GOOD)  # 周文斌's satisfaction left blank
    a, b = login(teller(team, "teller-a")), login(teller(team, "teller-b"))
    enter_forms(a, team, session, group, [(form_data(session, {}, GOOD), 25), (low, 4), (blank, 1)])
    # Teller B misreads one of the low forms as a good one.
    enter_forms(b, team, session, group, [(form_data(session, {}, GOOD), 26), (low, 3), (blank, 1)])
    ledger = a.get(url(team, "paper", 2027, group.pk)).content.decode()
    assert '<span class="zx-stat" id="entered-count">30</span>' in ledger
    assert "周文斌 —/优秀" in ledger  # the blank cell reads as —

    # Submitting needs the forms entered to equal the forms collected.
    refused = a.post(url(team, "submit_forms", 2027, group.pk), {"collected": "31"}, follow=True).content.decode()
    assert "已录入 30 张测评表，与收回的 31 张不符" in refused
    for client in (a, b):
        client.post(url(team, "submit_forms", 2027, group.pk), {"collected": "30"})
    page = b.get(url(team, "paper", 2027, group.pk)).content.decode()
    # Side by side: the cells that differ, and the forms each teller entered a different number of times.
    assert '<td>周文斌 · 满意度 · 满意</td><td class="text-end">25</td><td class="text-end">26</td>' in page
    assert (
        "<td>测评表「周文斌 不满意/不称职" in page and '<td class="text-end">4</td><td class="text-end">3</td>' in page
    )
    refused = admin.post(url(team, "agree", 2027, group.pk), follow=True).content.decode()
    assert "两名计票人的录入不一致" in refused
    assert not PaperCount.objects.filter(group=group, agreed=True).exists()

    # Teller B finds the form: removes one good form, adds the low one; the change withdraws the submission.
    entry_b = PaperCount.objects.get(group=group, teller__username="teller-b")
    good_b = entry_b.forms.get(count=26)
    b.post(url(team, "remove_form", 2027, group.pk), {"form": str(good_b.pk)}, **FETCH)
    add(b, team, session, group, form_data(session, {}, GOOD), 25)
    add(b, team, session, group, low, 1)
    entry_b.refresh_from_db()
    assert entry_b.submitted_at is None and entry_b.collected == 30
    assert (
        "须有两名计票人分别录入并提交" in admin.post(url(team, "agree", 2027, group.pk), follow=True).content.decode()
    )
    b.post(url(team, "submit_forms", 2027, group.pk), {"collected": "30"})
    admin.post(url(team, "agree", 2027, group.pk))
    agreed = selectors.agreed_paper(group)
    assert agreed is not None and agreed.collected == 30
    counts = selectors.group_counts(group)[secretary.number]
    assert counts["satisfaction"] == {"satisfied": 25, "basically_satisfied": 0, "dissatisfied": 4}  # blank not counted
    assert counts["competence"]["incompetent"] == 4 and sum(counts["competence"].values()) == 30
    admin.post(url(team, "close", 2027))
    session.refresh_from_db()
    assert session.status == "closed"
    result = next(
        r for r in selectors.session_results(team, session) if r.name == "周文斌" and r.scale == "satisfaction"
    )
    assert result.measure_text == "86.21%"  # 25 of 29 valid ratings (A2)
    # The audit log has each form's contents as read, and nothing about who filled it in (S1).
    logged = AuditEntry.objects.filter(action="term.save_paper", data__has_key="form").first()
    assert logged is not None and set(logged.data) == {"year", "group", "form", "count"}


def test_bad_forms_are_refused_and_nothing_is_stored(team: Any, county_admin: Any) -> None:
    admin = login(county_admin)
    session = open_session(admin, team, 2027, [("党员", "1")])
    group = session.groups.get()
    a = login(teller(team, "teller-a"))
    # Before choosing form-by-form entry, a form is refused.
    response = add(a, team, session, group, form_data(session, {}, GOOD))
    assert response.status_code == 422 and "请先选择“逐张录入”" in response.content.decode()
    a.post(url(team, "start_forms", 2027, group.pk))
    wrong = form_data(session, {"周文斌": ("excellent", "excellent")}, GOOD)  # a competence grade on satisfaction
    response = add(a, team, session, group, wrong)
    assert response.status_code == 422 and "周文斌 的测评等次“excellent”不在本测评表上" in response.content.decode()
    response = add(a, team, session, group, form_data(session, {}, GOOD), 0)
    assert response.status_code == 422 and "相同测评表张数须为正整数" in response.content.decode()
    entry = PaperCount.objects.get(group=group)
    assert entry.forms.count() == 0 and entry.collected == 0
    # The forms teller cannot also type totals; undo with nothing entered says so.
    refused = a.post(url(team, "paper", 2027, group.pk), {"collected": "1", "submit": "1"}).content.decode()
    assert "您正在逐张录入本组的测评表，不能再填写汇总数" in refused
    assert "没有可撤销的测评表" in a.post(url(team, "remove_form", 2027, group.pk), **FETCH).content.decode()
    # A teller who typed totals cannot switch to forms.
    b = login(teller(team, "teller-b"))
    b.post(url(team, "paper", 2027, group.pk), {"collected": "3", "save": "1", "c-x-satisfaction-satisfied": "0"})
    assert "您已填写本组的汇总数" in b.post(url(team, "start_forms", 2027, group.pk), follow=True).content.decode()


def test_a_forms_entry_and_a_totals_entry_agree_when_the_counts_do(team: Any, county_admin: Any) -> None:
    admin = login(county_admin)
    session = open_session(admin, team, 2027, [("党员", "1")])
    group = session.groups.get()
    a = login(teller(team, "teller-a"))
    enter_forms(a, team, session, group, [(form_data(session, {}, GOOD), 10)])
    a.post(url(team, "submit_forms", 2027, group.pk), {"collected": "10"})
    totals = selectors.empty_counts(session)
    for scales in totals.values():
        scales["satisfaction"]["satisfied"] = 10
        scales["competence"]["excellent"] = 10
    other = teller(team, "teller-b")
    actions.do_save_paper_count(other, group=group, collected=10, counts=totals, submit=True)
    admin.post(url(team, "agree", 2027, group.pk))
    assert selectors.agreed_paper(group) is not None


def test_the_entry_screen_and_the_printable_form(team: Any, county_admin: Any) -> None:
    admin = login(county_admin)
    session = open_session(admin, team, 2027, [("党员", "1")])
    group = session.groups.get()
    a = login(teller(team, "teller-a"))
    first = a.get(url(team, "paper", 2027, group.pk)).content.decode()
    assert 'id="start-forms"' in first and 'id="entry"' in first  # form by form recommended, totals still there
    a.post(url(team, "start_forms", 2027, group.pk))
    page = a.get(url(team, "paper", 2027, group.pk)).content.decode()
    assert 'id="form-grid"' in page and 'id="entry"' not in page
    assert page.count('data-row="') == session.leaders.count() * 2  # a row per leader and scale
    response = a.get(url(team, "form_pdf", 2027))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
