"""Issue 4 item 8, the results and the result report (M11, S2, S3).

The election of ``examples/three-round-township.yaml`` is imported up to its formal candidates, and its
members' meeting is recorded row by row as the meeting, tally and e-voting apps store it: approved
scrutineers and tellers, three rounds with the agreed paper sheets (some ballots cast electronically
instead), 何丽's opt-in after round 1 and the supplementary vote of round 3 (M3, M9).

- the staff results page shows every accepted round, the public nothing before publication;
- the result report's content is what ``zhixuan run --json`` computes on the exported record: the
  same winners per vote, the same decisions (rule, code, text) in the same order — and the same
  winners as the example file itself (``tests/test_examples.py``);
- the report freezes the audit chain head (S2); only approved scrutineers sign (M2); it is submitted
  once all have signed, and the county admin records the approval (批复文号).
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone
from web_helpers import PASSWORD, make_user

from zhixuan.scenario.loader import load_path
from zhixuan.scenario.runner import run_scenario
from zhixuan.web.audit.models import AuditEntry
from zhixuan.web.audit.selectors import chain_head, verify_chain
from zhixuan.web.elections.scenario_export import election_scenario
from zhixuan.web.elections.scenario_import import do_import_scenario
from zhixuan.web.results import actions, selectors

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "three-round-township.yaml"
# Ballots cast on phones instead of paper: (round key, index of the ballot record in the file, how many).
ELECTRONIC = {("r2-deputy", 4): 3, ("r3-member", 0): 2}


def import_example(admin: Any, county: Any, path: Path = EXAMPLE) -> tuple[Any, dict[str, str]]:
    # Up to the formal candidates: the meeting is recorded below, row by row (the import would hold it too).
    doc = {k: v for k, v in load_path(path).items() if k != "meeting"}
    election, prepared = do_import_scenario(
        admin, county=county, text=json.dumps(doc, ensure_ascii=False), filename=f"{path.stem}.json"
    )
    return election, dict(prepared.position_ids)


def hold_meeting(
    election: Any, kinds: dict[str, str], path: Path = EXAMPLE, *, status: str = "published"
) -> dict[str, Any]:
    """Record the file's meeting block as the meeting apps store it; returns the users made."""
    from zhixuan.web.evoting.models import ElectronicBallot
    from zhixuan.web.meeting.models import Attendance, Meeting, Officer, OptIn, Round
    from zhixuan.web.nomination.models import Applicant
    from zhixuan.web.roster.models import Member
    from zhixuan.web.tally.models import TallySheet

    block = load_path(path)["meeting"]
    plan = run_scenario(load_path(path)).outcome["rounds"]  # ballot order and seats of each vote
    now = timezone.now()
    meeting = Meeting.objects.create(election=election, title="清泉镇党员大会", held_on=now.date(), place="镇礼堂")
    members = {m.number: m for m in Member.objects.filter(election=election)}
    users: dict[str, Any] = {"scrutineers": [], "tellers": []}
    for role, key in (("scrutineer", "scrutineers"), ("teller", "tellers")):
        for number in block.get(key, []):
            user = make_user(f"{key[:-1]}-{number}", role, election=election)
            Officer.objects.create(meeting=meeting, member=members[number], role=role, user=user, approved_at=now)
            users[key].append(user)
    present = max(r["present"] for r in block["rounds"])
    # The file's 36 present with voting rights (P1), and one probationary member who sits in without a ballot.
    full = [m for m in members.values() if m.status == "full"]
    others = [m for m in members.values() if m.status == "probationary"]
    for member in full[:present] + others[:1]:
        Attendance.objects.create(meeting=meeting, member=member, method="number", checked_in_at=now)
    applicants = {a.number: a for a in Applicant.objects.filter(election=election)}
    positions = {p.kind: p for p in election.positions.all()}
    votes = iter(plan)
    order = 0

    def vote_row(entry: dict[str, Any], key: str, kind: str, parent: Any) -> Any:
        nonlocal order
        order += 1
        planned = next(votes)
        rnd = Round.objects.create(
            meeting=meeting,
            order=order,
            key=key,
            position=positions[kinds[block_round["position"]]],
            kind=kind,
            followup_of=parent,
            seats=planned["seats"],
            candidates=planned["candidates"],
            status=status,
            present=entry["present"],
            issued=entry.get("issued", entry["present"]),
            opened_at=now,
            closed_at=now,
        )
        sheet = TallySheet.objects.create(
            round=rnd, teller=users["tellers"][0], mode="ballots", submitted_at=now, agreed=True
        )
        for i, ballot in enumerate(entry["ballots"]):
            marks = {k: v for k, v in ballot.items() if k != "count"}
            count = ballot.get("count", 1)
            online = ELECTRONIC.get((key, i), 0)
            for _ in range(online):
                ElectronicBallot.objects.create(
                    id=secrets.token_hex(16), round=rnd, marks=marks, receipt_hash=secrets.token_hex(32)
                )
            if count - online:
                sheet.entries.create(marks=marks, count=count - online)
        return rnd

    for block_round in block["rounds"]:
        rnd = vote_row(block_round, block_round["id"], "regular", None)
        for number in block_round.get("opt_ins", []):
            OptIn.objects.create(round=rnd, applicant=applicants[number], stands=True)
        for f, followup in enumerate(block_round.get("followups", []), start=1):
            vote_row(followup, f"{block_round['id']}/{followup['kind']}-{f}", followup["kind"], rnd)
    users["meeting"] = meeting
    return users


def cli_run(election: Any, tmp_path: Path) -> dict[str, Any]:
    """``zhixuan run --json`` on the exported record, as anyone with the download would run it."""
    record = tmp_path / "record.yaml"
    record.write_text(yaml.safe_dump(election_scenario(election), allow_unicode=True), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "zhixuan.cli.main", "run", "--json", str(record)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr
    return json.loads(run.stdout)


@pytest.fixture
def held(county_admin: Any, county: Any) -> tuple[Any, dict[str, Any]]:
    election, kinds = import_example(county_admin, county)
    return election, hold_meeting(election, kinds)


def test_report_content_is_what_zhixuan_run_computes_on_the_exported_record(
    held: tuple[Any, dict[str, Any]], county_admin: Any, tmp_path: Path
) -> None:
    election, _users = held
    report = actions.do_create_result_report(county_admin, election=election)
    cli = cli_run(election, tmp_path)
    content = report.content
    names = {**{m["id"]: m["name"] for m in cli_roster(election)}}

    # The same votes, with the same counts and winners, in the same order.
    cli_votes = cli["outcome"]["rounds"]
    votes = [v for r in content["rounds"] for v in r["votes"]]
    assert (
        [v["key"] for v in votes]
        == [v["key"] for v in cli_votes]
        == [
            "r1-secretary",
            "r2-deputy",
            "r3-member",
            "r3-member/supplementary-1",
        ]
    )
    for mine, theirs in zip(votes, cli_votes, strict=True):
        assert (mine["issued"], mine["collected"], mine["valid"], mine["invalid"]) == (
            theirs["issued"],
            theirs["collected"],
            theirs["valid"],
            theirs["invalid"],
        )
        assert mine["winners"] == [names[w] for w in theirs["winners"]]
    # Each round's decisions are the core's, word for word, with their rule IDs.
    cli_sections = {s["key"]: s for s in cli["sections"]}
    for rnd in content["rounds"]:
        theirs = cli_sections[f"round:{rnd['key']}"]["decisions"]
        assert [(d["rule"], d["code"], d["zh"]) for d in rnd["decisions"]] == [
            (d["rule"], d["code"], d["zh"]) for d in theirs
        ]
    # Winners per position, by surname strokes (C4, M11), and the very winners of the example file.
    assert {e["position"]: e["numbers"] for e in content["elected"]} == {
        "secretary": ["zhouwb"],
        "deputy_secretary": ["heli", "tangming"],
        "member": ["yumin", "denghb", "tianjun", "dongxh"],
    }
    assert {e["position"]: e["names"] for e in content["elected"]}["member"] == ["于敏", "邓海波", "田军", "董小红"]
    from_file = run_scenario(load_path(EXAMPLE)).outcome["elected"]
    assert {e["position"]: sorted(e["numbers"]) for e in content["elected"]} == {
        "secretary": sorted(from_file["secretary"]),
        "deputy_secretary": sorted(from_file["deputy"]),
        "member": sorted(from_file["member"]),
    }
    # M11: every candidate by votes; M7: 于敏's 18 of 36 is exactly half and loses round 3 proper.
    r3 = next(v for v in votes if v["key"] == "r3-member")
    assert [row[1] for row in r3["rows"]] == sorted((row[1] for row in r3["rows"]), reverse=True)
    assert ["于敏", 18, 0, 18, ""] in r3["rows"]
    # Attendance and the settings in force are on the report.
    assert content["expected"] == 40
    assert [v["present"] for v in votes] == [36, 36, 36, 36]
    assert content["settings"]["quorum_fraction"] == "4/5"
    assert [s["name"] for s in content["scrutineers"]] == ["孙志华", "马玉珍", "朱国庆"]


def cli_roster(election: Any) -> list[dict[str, Any]]:
    doc = election_scenario(election)
    return [*doc["roster"]["members"], *doc.get("applicants", [])]


def test_report_freezes_the_audit_chain_head_and_the_chain_records_it(
    held: tuple[Any, dict[str, Any]], county_admin: Any
) -> None:
    election, _users = held
    before = chain_head(election.audit_chain)
    report = actions.do_create_result_report(county_admin, election=election)
    assert report.chain_head == before  # S2: the head as it stood when the content was frozen
    entry = AuditEntry.objects.filter(chain__key=election.audit_chain).order_by("-seq").first()
    assert entry is not None and entry.action == "results.create_report"
    assert entry.data["chain_head"] == before
    assert entry.data["content_sha256"] == actions.content_digest(report.content)
    assert entry.data["elected"]["secretary"] == ["zhouwb"]
    assert verify_chain(election.audit_chain).ok


def test_only_approved_scrutineers_sign_then_submit_then_the_county_approves(
    held: tuple[Any, dict[str, Any]], county_admin: Any
) -> None:
    election, users = held
    qingquan_staff = make_user("qingquan", "working_group", township=election.township)
    report = actions.do_create_result_report(qingquan_staff, election=election)
    teller = users["tellers"][0]
    # A teller, the working group and the county admin are not scrutineers (M2): they cannot sign.
    for outsider in (teller, qingquan_staff, county_admin):
        with pytest.raises(PermissionDenied, match="监票人"):
            actions.do_sign_report(outsider, report=report)
    # A proposed scrutineer the meeting has not approved cannot sign either.
    from zhixuan.web.meeting.models import Officer

    pending = Officer.objects.get(member__number="m30")
    Officer.objects.filter(pk=pending.pk).update(approved_at=None)
    with pytest.raises(PermissionDenied):
        actions.do_sign_report(users["scrutineers"][0], report=report)
    Officer.objects.filter(pk=pending.pk).update(approved_at=timezone.now())

    first, second, third = users["scrutineers"]
    actions.do_sign_report(first, report=report)
    with pytest.raises(ValidationError, match="孙志华 已经签过字"):
        actions.do_sign_report(first, report=report)
    actions.do_sign_report(second, report=report)
    with pytest.raises(ValidationError, match="以下监票人尚未签字：朱国庆"):
        actions.do_submit_report(qingquan_staff, report=report)
    with pytest.raises(ValidationError, match="已有监票人签字"):
        actions.do_create_result_report(qingquan_staff, election=election)
    actions.do_sign_report(third, report=report)

    with pytest.raises(ValidationError, match="尚未报县委"):
        actions.do_approve_report(county_admin, report=report, approval_ref="青组干〔2026〕7号")
    actions.do_submit_report(qingquan_staff, report=report)
    with pytest.raises(PermissionDenied):
        actions.do_approve_report(qingquan_staff, report=report, approval_ref="青组干〔2026〕7号")
    with pytest.raises(ValidationError, match="请填写批复文号"):
        actions.do_approve_report(county_admin, report=report, approval_ref="  ")
    approved = actions.do_approve_report(county_admin, report=report, approval_ref="青组干〔2026〕7号")
    assert approved.approval_ref == "青组干〔2026〕7号"
    assert approved.approved_by == county_admin
    assert approved.approved_at is not None
    assert list(report.signatures.order_by("signed_at").values_list("officer__member__name", flat=True)) == [
        "孙志华",
        "马玉珍",
        "朱国庆",
    ]
    actions_logged = list(
        AuditEntry.objects.filter(chain__key=election.audit_chain, action__startswith="results.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions_logged == [
        "results.create_report",
        "results.sign_report",
        "results.sign_report",
        "results.sign_report",
        "results.submit_report",
        "results.approve_report",
    ]
    with pytest.raises(ValidationError, match="批复已录入"):
        actions.do_approve_report(county_admin, report=report, approval_ref="另一个文号")


def test_no_report_while_a_round_is_not_published(county_admin: Any, county: Any) -> None:
    election, kinds = import_example(county_admin, county)
    hold_meeting(election, kinds)
    from zhixuan.web.meeting.models import Round

    Round.objects.filter(key="r3-member/supplementary-1").update(status="accepted")
    with pytest.raises(ValidationError) as exc:
        actions.do_create_result_report(county_admin, election=election)
    assert exc.value.messages == [
        "轮次 r3-member/supplementary-1 当前为“计票结果已确认”：全部轮次宣布结果后才能生成报告单 (S3)。"
    ]
    assert selectors.report_of(election) is None


def test_no_report_while_a_supplementary_vote_is_still_needed(county_admin: Any, county: Any) -> None:
    election, kinds = import_example(county_admin, county)
    hold_meeting(election, kinds)
    from zhixuan.web.meeting.models import Round

    Round.objects.filter(key="r3-member/supplementary-1").delete()
    with pytest.raises(ValidationError) as exc:
        actions.do_create_result_report(county_admin, election=election)
    (message,) = exc.value.messages
    assert message.startswith("尚需投票：") and message.endswith("(M9)")
    assert "于敏、潘建华、袁超" in message


def test_the_report_pdf_is_an_a4_document_with_the_chain_head(
    held: tuple[Any, dict[str, Any]], county_admin: Any, tmp_path: Path
) -> None:
    election, users = held
    report = actions.do_create_result_report(county_admin, election=election)
    actions.do_sign_report(users["scrutineers"][0], report=report)
    client = Client()
    assert client.login(username="county", password=PASSWORD)
    response = client.get(f"/elections/{election.pk}/results/report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF") and b"/MediaBox [ 0 0 595.2756 841.8898 ]" in body
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(body)
    text = pdf_text(pdf)
    assert "选举结果报告单" in text
    assert report.chain_head in text.replace("\n", "")
    assert "于敏" in text and "孙志华" in text and "未签字" in text


def pdf_text(path: Path) -> str:
    import shutil

    from web_helpers import require_tool

    tool = shutil.which("pdftotext")
    require_tool(tool, "poppler-utils' pdftotext")
    run = subprocess.run([tool, "-layout", str(path), "-"], capture_output=True, text=True, check=True)  # type: ignore[list-item]
    return run.stdout
