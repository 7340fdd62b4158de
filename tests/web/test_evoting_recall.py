# ruff: noqa: F811  -- the ``town`` fixture of test_recall_flow is imported and requested by name
"""Issue 5 item 3: the recall meeting votes on paper and electronically, as the members' meeting does.

The town of ``test_recall_flow`` (40 members with voting rights, 应到会 40, a petition of exactly 20 %
against 唐明). At the recall meeting:

- check-in by membership number, by the QR code of the member card and by roster search, each recorded
  with its way; the check-in slip prints a one-time voting code, only for members with rights (P1);
- a scrutineer opens and closes each stage's electronic voting (S3); the phone page casts one ballot
  per code per stage (同意罢免 / 不同意罢免 / 弃权; a mark per by-election candidate), refuses a second
  one and a closed stage, and gives a receipt that the public board finds, counted once accepted;
- the tellers count the paper ballots; the accepted totals add the electronic ballots (M6), and the
  core decides A3 and the by-election (an electronic over-vote is invalid, M5) on the exported record,
  which ``zhixuan run`` reproduces;
- the A4 paper ballots of both stages are PDFs without serial (S1);
- secrecy: no column links a voter or a code to a ballot, no time on ballots or code uses (S1);
- concurrency: every code sent twice at once gives exactly one ballot.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, connections, models
from django.test import Client
from test_recall_flow import FULL, HALL, LEADER, SIGNERS, client_for, open_petition, town, url  # noqa: F401
from test_results_report import cli_run

from zhixuan.web.audit.models import AuditEntry
from zhixuan.web.elections.outcomes import election_outcome
from zhixuan.web.evoting.actions import CastRefused, code_hash
from zhixuan.web.recall import actions, selectors
from zhixuan.web.recall.models import CheckIn, CodeUse, ElectronicBallot, Petition, VotingCode
from zhixuan.web.roster.models import Member


def convened(town: dict[str, Any]) -> Petition:
    petition = open_petition(town)
    actions.do_add_signatures(town["staff"], petition=petition, text=" ".join(SIGNERS))
    return actions.do_convene(town["staff"], petition=petition, held_on=None, place="镇礼堂")


def hall_with_codes(town: dict[str, Any], petition: Petition, electronic: int) -> list[str]:
    """The 32 of the hall checked in; the first ``electronic`` of them take a voting code."""
    actions.do_check_in(town["staff"], petition=petition, text=" ".join(HALL))
    actions.do_set_officers(town["staff"], petition=petition, scrutineers="m30 m31", tellers="m33 m34")
    return [actions.do_issue_code(town["staff"], petition=petition, member_number=n) for n in HALL[:electronic]]


def phone_vote(code: str, data: dict[str, str]) -> tuple[str, str]:
    """Review and cast on the phone page as the browser posts it; (status, receipt or message)."""
    phone = Client()
    review = phone.post(f"/v/{code}/", {**data, "step": "review"})
    assert review["X-Vote-Status"] == "review", review.content.decode()[-2000:]
    cast = phone.post(f"/v/{code}/", {**data, "step": "cast"})
    page = cast.content.decode()
    found = re.search(r'id="receipt">([A-Z0-9-]+)<', page)
    return cast["X-Vote-Status"], found.group(1) if found else page


def accept_vote(town: dict[str, Any], petition: Petition, paper: dict[str, int]) -> Petition:
    if "vote" not in Petition.objects.get(pk=petition.pk).stages:  # a paper-only vote: opened by a scrutineer
        actions.do_open_stage(town["scrutineer"], petition=petition, stage="vote")
    actions.do_enter_vote_count(town["teller1"], petition=petition, data=paper)
    actions.do_enter_vote_count(town["teller2"], petition=petition, data=paper)
    return actions.do_accept_vote(town["scrutineer"], petition=petition)


# --- check-in: the meeting's ways -------------------------------------------------------------------


def test_check_in_by_number_qr_card_and_roster_search_and_the_slip_code(town: dict[str, Any]) -> None:
    petition = convened(town)
    staff = client_for(town["staff"])
    assert staff.post(url(petition, "check-in/"), {"method": "number", "number": "m01"}).status_code == 302
    assert staff.post(url(petition, "check-in/"), {"method": "qr", "number": "m02"}).status_code == 302
    found = staff.get(url(petition), {"q": "m03"}).content.decode()
    assert 'id="member-m03"' in found and 'name="method" value="search"' in found
    # Picked from the search, with a voting code printed on the check-in slip.
    slip = staff.post(url(petition, "check-in/"), {"method": "search", "number": "m03", "code": "1"})
    assert slip.status_code == 200 and slip["Cache-Control"] == "no-store"
    code = re.search(r'id="slip-code">([A-Z0-9-]+)<', slip.content.decode()).group(1)  # type: ignore[union-attr]
    assert VotingCode.objects.get(petition=petition).code_hash == code_hash(code)
    assert dict(CheckIn.objects.filter(petition=petition).values_list("member__number", "method")) == {
        "m01": "number",
        "m02": "qr",
        "m03": "search",
    }
    # Twice, or a number not on the roster: refused with the line named, nothing stored.
    again = staff.post(url(petition, "check-in/"), {"method": "qr", "number": "m02"})
    assert again.status_code == 422 and "：已经签到" in again.content.decode()
    unknown = staff.post(url(petition, "check-in/"), {"method": "number", "number": "x99"})
    assert "x99：名册中没有这个编号 (M1)" in unknown.content.decode()
    assert CheckIn.objects.filter(petition=petition).count() == 3
    # A probationary member may attend but gets no code (P1); a member not checked in gets none either.
    actions.do_check_in(town["staff"], petition=petition, text="m21", method="qr")
    with pytest.raises(ValidationError, match="没有表决权，不发投票码 \\(P1\\)"):
        actions.do_issue_code(town["staff"], petition=petition, member_number="m21")
    with pytest.raises(ValidationError, match="m40 尚未签到"):
        actions.do_issue_code(town["staff"], petition=petition, member_number="m40")
    assert VotingCode.objects.filter(petition=petition).count() == 1
    # The audit log says how many codes there are, never which.
    issued = AuditEntry.objects.get(action="recall.issue_code")
    assert issued.data == {"leader": LEADER, "codes": 1}
    assert code.replace("-", "") not in str(AuditEntry.objects.values_list("data", flat=True)[::1])


# --- the recall vote: paper + electronic --------------------------------------------------------------


def test_paper_and_electronic_recall_vote_combined_and_decided_by_the_core(town: dict[str, Any], tmp_path: Any) -> None:
    petition = convened(town)
    codes = hall_with_codes(town, petition, electronic=12)
    # Before the scrutineer opens it, the phone page waits; a teller cannot open it (S3).
    assert Client().get(f"/v/{codes[0]}/")["X-Vote-Status"] == "waiting"
    with pytest.raises(ValidationError, match="须由监票人确认 \\(S3\\)"):
        actions.do_open_voting(town["teller1"], petition=petition, stage="vote")
    actions.do_open_voting(town["scrutineer"], petition=petition, stage="vote")

    page = Client().get(f"/v/{codes[0]}/").content.decode()
    assert "罢免表决：唐明" in page and "同意罢免" in page and "不同意罢免" in page
    # 8 agree, 3 disagree, 1 abstains; the receipt is shown once.
    choices = ["yes"] * 8 + ["no"] * 3 + ["abstain"]
    receipts = []
    for code, choice in zip(codes, choices, strict=True):
        status, receipt = phone_vote(code, {"round": "vote", "choice": choice})
        assert status == "cast", receipt[-1500:]
        receipts.append(receipt)
    # The same code again: refused, nothing stored.
    status, message = phone_vote(codes[0], {"round": "vote", "choice": "no"})
    assert status == "already_voted" and "每个投票码每轮只能投一次" in message
    assert ElectronicBallot.objects.filter(petition=petition, stage="vote").count() == 12
    # An empty choice is not a ballot.
    nothing = Client().post(f"/v/{codes[1]}/", {"round": "vote", "step": "review"})
    assert "请选择“同意罢免”“不同意罢免”或“弃权”。" in nothing.content.decode()

    # The receipt on the public board: stored, not yet counted.
    board = Client().get("/public/receipt/", {"receipt": receipts[0]}).content.decode()
    assert 'id="receipt-pending"' in board and "罢免表决" in board

    # The tellers' paper count cannot be accepted while electronic voting is open.
    paper = {"issued": 20, "yes": 14, "no": 5, "abstain": 0, "invalid": 1}
    actions.do_enter_vote_count(town["teller1"], petition=petition, data=paper)
    actions.do_enter_vote_count(town["teller2"], petition=petition, data=paper)
    with pytest.raises(ValidationError, match="电子投票尚未结束"):
        actions.do_accept_vote(town["scrutineer"], petition=petition)
    actions.do_close_voting(town["scrutineer"], petition=petition, stage="vote")
    late = Client().post(f"/v/{codes[-1]}/", {"round": "vote", "choice": "yes", "step": "cast"})
    assert late["X-Vote-Status"] == "round_not_open" and "这一轮投票已经结束" in late.content.decode()
    assert Client().get(f"/v/{codes[-1]}/")["X-Vote-Status"] == "waiting"

    actions.do_accept_vote(town["scrutineer"], petition=petition)
    petition.refresh_from_db()
    # Paper 14 + electronic 8 = 22 > half of 应到会 40: recalled (A3). Issued = 20 paper + 12 codes (M6).
    assert {k: petition.vote_counts[k] for k in ("issued", "yes", "no", "abstain", "invalid")} == {
        "issued": 32,
        "yes": 22,
        "no": 8,
        "abstain": 1,
        "invalid": 1,
    }
    verdict = selectors.vote_decision(petition, election_outcome(petition.election))
    assert verdict is not None and verdict.code == "recalled" and verdict.rule == "A3"
    assert "赞成罢免 22 &gt; 应到会 40 的一半" in client_for(town["staff"]).get(url(petition)).content.decode()
    board = Client().get("/public/receipt/", {"receipt": receipts[0]}).content.decode()
    assert 'id="receipt-counted"' in board

    closed = AuditEntry.objects.get(action="recall.close_voting")
    assert closed.data["electronic_ballots"] == 12 and closed.data["codes_used"] == 12
    assert len(closed.data["ballots_sha256"]) == 64
    # The download reproduces it: ``zhixuan run`` on the exported record gives the same A3 decisions.
    run = cli_run(town["election"], tmp_path)
    recall = next(s for s in run["sections"] if s["key"] == "recall")
    app = election_outcome(town["election"]).section("recall")
    assert [(d["rule"], d["code"], d["zh"]) for d in recall["decisions"]] == [
        (d.rule, d.code, d.zh)
        for d in app.decisions  # type: ignore[union-attr]
    ]


def test_m6_paper_ballots_and_codes_together_at_most_one_per_member_present(town: dict[str, Any]) -> None:
    petition = convened(town)
    hall_with_codes(town, petition, electronic=10)
    actions.do_open_voting(town["scrutineer"], petition=petition, stage="vote")
    too_many = {"issued": 23, "yes": 10, "no": 10, "abstain": 0, "invalid": 0}
    with pytest.raises(ValidationError, match="发出纸质票 23 张 \\+ 电子投票码 10 个，多于到会有表决权党员 32 人"):
        actions.do_enter_vote_count(town["teller1"], petition=petition, data=too_many)
    # Every member present takes a code; one slip each: a second only once the first is handed back.
    for number in HALL[10:]:
        actions.do_issue_code(town["staff"], petition=petition, member_number=number)
    with pytest.raises(ValidationError, match="已领取投票码，原投票码条交回并作废后才能补发 \\(M6\\)"):
        actions.do_issue_code(town["staff"], petition=petition, member_number=HALL[0])
    # A member leaves without handing the slip back: the code cannot be named (S1) and stays usable, so
    # a member arriving later gets no code while 32 are out for 32 present (M6).
    actions.do_close_voting(town["scrutineer"], petition=petition, stage="vote")
    actions.do_check_out(town["staff"], petition=petition, number=HALL[1], slip_not_returned=True)
    actions.do_check_in(town["staff"], petition=petition, text="m21")  # probationary: attends, no ballot
    actions.do_check_in(town["staff"], petition=petition, text=FULL[32])
    with pytest.raises(ValidationError, match="投票码已与到会有表决权党员人数相同，不能再发放 \\(M6\\)"):
        actions.do_issue_code(town["staff"], petition=petition, member_number=FULL[32])


# --- the by-election: paper + electronic ----------------------------------------------------------------


def test_by_election_on_phones_and_paper_with_an_electronic_over_vote_invalid(
    town: dict[str, Any], tmp_path: Any
) -> None:
    petition = convened(town)
    codes = hall_with_codes(town, petition, electronic=6)
    accept_vote(town, petition, {"issued": 26, "yes": 22, "no": 4, "abstain": 0, "invalid": 0})  # not e-voted
    petition.refresh_from_db()
    assert petition.vote_counts["issued"] == 26  # codes count only for a stage voted electronically
    actions.do_set_by_candidates(town["staff"], petition=petition, text="m40\nm41")
    # The by-election's electronic voting opens only once its candidates are set, by a scrutineer.
    actions.do_open_voting(town["scrutineer"], petition=petition, stage="by_election")
    ballots = [
        {"mark-m40": "for", "mark-m41": "against"},
        {"mark-m40": "for", "mark-m41": "against"},
        {"mark-m40": "for"},
        {"mark-m40": "against", "mark-m41": "for"},
        {},  # blank: valid, abstains on both
        {"mark-m40": "for", "mark-m41": "for"},  # over-vote: invalid (M5)
    ]
    warned = Client().post(f"/v/{codes[5]}/", {"round": "by_election", **ballots[5], "step": "review"})
    assert "超过本轮应选 1 名，这张选票将作为无效票" in warned.content.decode()
    for code, ballot in zip(codes, ballots, strict=True):
        status, receipt = phone_vote(code, {"round": "by_election", **ballot})
        assert status == "cast", receipt[-1500:]
    # A code of the recall vote stage votes again in the by-election, once.
    assert phone_vote(codes[0], {"round": "by_election", "mark-m40": "for"})[0] == "already_voted"
    actions.do_close_voting(town["scrutineer"], petition=petition, stage="by_election")

    paper = {
        "issued": 26, "valid": 25, "invalid": 1,
        "candidates": {"m40": {"for": 15, "against": 8, "abstain": 2}, "m41": {"for": 9, "against": 14, "abstain": 2}},
    }  # fmt: skip
    actions.do_enter_by_count(town["teller1"], petition=petition, data=paper)
    actions.do_enter_by_count(town["teller2"], petition=petition, data=paper)
    actions.do_accept_by_election(town["scrutineer"], petition=petition)
    petition.refresh_from_db()
    by = petition.by_counts
    assert (by["issued"], by["valid"], by["invalid"]) == (32, 30, 2)
    assert by["candidates"] == {
        "m40": {"for": 18, "against": 9, "abstain": 3},
        "m41": {"for": 10, "against": 16, "abstain": 4},
    }
    outcome = election_outcome(town["election"])
    assert "m40" in outcome.outcome("elected")["deputy_secretary"]  # type: ignore[index]
    run = cli_run(town["election"], tmp_path)
    section = next(s for s in run["sections"] if s["key"] == f"round:{petition.by_election_key}")
    assert [d["zh"] for d in section["decisions"]] == [
        d.zh
        for d in outcome.section(f"round:{petition.by_election_key}").decisions  # type: ignore[union-attr]
    ]
    assert run["outcome"]["elected"] == outcome.outcome("elected")


def test_stage_guards(town: dict[str, Any]) -> None:
    petition = convened(town)
    codes = hall_with_codes(town, petition, electronic=2)
    with pytest.raises(ValidationError, match="只有罢免通过、职位出缺时才进行补选"):
        actions.do_open_voting(town["scrutineer"], petition=petition, stage="by_election")
    with pytest.raises(CastRefused) as refused:
        actions.do_cast(code=codes[0], stage="vote", marks={"choice": "yes"})
    assert refused.value.reason == "round_not_open"
    actions.do_open_voting(town["scrutineer"], petition=petition, stage="vote")
    with pytest.raises(CastRefused) as refused:
        actions.do_cast(code=codes[0], stage="vote", marks={"choice": "maybe"})
    assert refused.value.reason == "bad_ballot"
    with pytest.raises(CastRefused) as refused:
        actions.do_cast(code="AAAAA-BBBBB", stage="vote", marks={"choice": "yes"})
    assert refused.value.reason == "unknown_code"
    actions.do_close_voting(town["scrutineer"], petition=petition, stage="vote")
    with pytest.raises(ValidationError, match="已经开始过，不能再次开始"):
        actions.do_open_voting(town["scrutineer"], petition=petition, stage="vote")
    assert ElectronicBallot.objects.count() == 0 and CodeUse.objects.count() == 0


# --- paper ballots ------------------------------------------------------------------------------------


def test_recall_and_by_election_paper_ballots_are_a4_pdfs_without_serial(town: dict[str, Any]) -> None:
    if shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None:
        pytest.fail("poppler-utils missing: run scripts/test-tools.sh")
    petition = convened(town)
    staff = client_for(town["staff"])

    def fetch(tail: str) -> tuple[bytes, str]:
        response = staff.get(url(petition, tail))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        pdf = response.content
        text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
        return pdf, text.stdout.decode("utf-8")

    pdf, text = fetch("ballot/")
    assert "党员大会罢免表决票" in text and "是否同意罢免 唐明" in text
    assert all(word in text for word in ("同意罢免", "不同意罢免", "弃权", "本票不编号、不记名"))
    png = subprocess.run(["pdftoppm", "-r", "40", "-png", "-"], input=pdf, capture_output=True, check=True).stdout
    assert png.startswith(b"\x89PNG")
    assert (
        subprocess.run(["pdftoppm", "-r", "40", "-png", "-"], input=fetch("ballot/")[0], capture_output=True).stdout
        == png
    )
    assert staff.get(url(petition, "by-election/ballot/")).status_code == 404  # no candidates yet

    hall_with_codes(town, petition, electronic=0)
    accept_vote(town, petition, {"issued": 32, "yes": 25, "no": 7, "abstain": 0, "invalid": 0})
    petition = actions.do_set_by_candidates(town["staff"], petition=petition, text="m41\nm40")
    _pdf, text = fetch("by-election/ballot/")
    names = dict(
        Member.objects.filter(election=town["election"], number__in=["m40", "m41"]).values_list("number", "name")
    )
    ordered = [n for _number, n in selectors.by_candidates_in_order(petition)]
    assert sorted(ordered) == sorted(names.values())
    assert [text.index(n) for n in ordered] == sorted(text.index(n) for n in ordered)  # strokes order (C4)
    assert "补选" in text and "另选他人" not in text


# --- secrecy (S1) ---------------------------------------------------------------------------------------


def test_no_column_links_a_voter_or_a_code_to_a_recall_ballot() -> None:
    ballot = {f.name: f for f in ElectronicBallot._meta.concrete_fields}
    assert set(ballot) == {"id", "petition", "stage", "marks", "receipt_hash"}
    use = {f.name: f for f in CodeUse._meta.concrete_fields}
    assert set(use) == {"id", "code", "stage"}
    code = {f.name for f in VotingCode._meta.concrete_fields}
    assert code == {"id", "petition", "code_hash", "active"}  # no member
    for fields in (ballot, use):
        assert isinstance(fields["id"], models.CharField)  # random keys, no sequence
        assert not any(isinstance(f, models.DateTimeField | models.DateField) for f in fields.values())
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete:
                assert field.related_model is not ElectronicBallot, f"{model._meta.label}.{field.name}"
                if field.related_model is VotingCode:
                    assert model is CodeUse, f"{model._meta.label}.{field.name}"


def test_closing_rewrites_the_stage_in_a_random_order(town: dict[str, Any]) -> None:
    petition = convened(town)
    codes = hall_with_codes(town, petition, electronic=8)
    actions.do_open_voting(town["scrutineer"], petition=petition, stage="vote")
    for code in codes:
        actions.do_cast(code=code, stage="vote", marks={"choice": "yes"})
    before_ballots = set(ElectronicBallot.objects.values_list("pk", flat=True))
    before_uses = set(CodeUse.objects.values_list("pk", flat=True))
    receipts = set(ElectronicBallot.objects.values_list("receipt_hash", flat=True))
    actions.do_close_voting(town["scrutineer"], petition=petition, stage="vote")
    assert not before_ballots & set(ElectronicBallot.objects.values_list("pk", flat=True))
    assert not before_uses & set(CodeUse.objects.values_list("pk", flat=True))
    assert set(ElectronicBallot.objects.values_list("receipt_hash", flat=True)) == receipts  # receipts still found
    assert CodeUse.objects.count() == 8


# --- concurrency ----------------------------------------------------------------------------------------

VOTERS = 32


@pytest.mark.django_db(transaction=True)
def test_every_code_sent_twice_at_once_gives_one_ballot(town: dict[str, Any]) -> None:
    """Threads with their own connections and clients post each code twice at the same moment. On
    PostgreSQL they run in parallel and the unique (code, stage) of ``CodeUse`` refuses the twin; the
    in-memory SQLite test database takes them in turns (see ``test_evoting_concurrency``)."""
    people = town
    petition = convened(people)
    codes = hall_with_codes(people, petition, electronic=VOTERS)
    actions.do_open_voting(people["scrutineer"], petition=petition, stage="vote")
    start = threading.Event()
    turns = threading.Lock() if connection.vendor == "sqlite" else contextlib.nullcontext()
    choices = ["yes", "no", "abstain"]

    def submit(task: tuple[int, str]) -> str:
        i, code = task
        start.wait()
        try:
            with turns:
                response = Client().post(f"/v/{code}/", {"round": "vote", "choice": choices[i % 3], "step": "cast"})
        finally:
            connections.close_all()
        assert response.status_code == 200
        return str(response["X-Vote-Status"])

    tasks = [(i, code) for i, code in enumerate(codes) for _ in range(2)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        futures = [pool.submit(submit, t) for t in tasks]
        start.set()
        outcomes = Counter(f.result() for f in futures)
    assert outcomes == {"cast": VOTERS, "already_voted": VOTERS}, (connection.vendor, outcomes)
    assert ElectronicBallot.objects.filter(petition=petition, stage="vote").count() == VOTERS
    assert CodeUse.objects.filter(stage="vote").values("code").distinct().count() == VOTERS
    assert selectors.electronic_vote_counts(petition) == {"ballots": 32, "yes": 11, "no": 11, "abstain": 10}
