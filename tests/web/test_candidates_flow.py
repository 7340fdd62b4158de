"""Inspection (C3), the county committee's vote (C2), the competitive check (C1) and the published
formal lists in surname-stroke order (C4), through the candidates app's actions and pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from test_candidates_example_fixture import load_example, names
from web_helpers import PASSWORD, create_election

from zhixuan.web.audit.models import AuditEntry
from zhixuan.web.candidates.actions import do_publish_formal_list, do_record_county_vote, do_record_inspection
from zhixuan.web.candidates.models import CountyVote, FormalListPublication, InspectionOutcome
from zhixuan.web.candidates.selectors import preliminary_ids
from zhixuan.web.elections.outcomes import election_outcome
from zhixuan.web.nomination.models import Applicant

LINGSHAN = "three-round-township.yaml"
QINGQUAN = "qingquan-two-recommendation.yaml"


def _client(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def _applicant(election: Any, name: str) -> Applicant:
    return Applicant.objects.get(election=election, name=name)


def _pass_all(actor: Any, election: Any, *, fail: dict[str, str] | None = None) -> None:
    fail = fail or {}
    preliminary = preliminary_ids(election, election_outcome(election))
    assert preliminary is not None
    for number in sorted({i for ids in preliminary.values() for i in ids}):
        applicant = Applicant.objects.get(election=election, number=number)
        reason = fail.get(applicant.name, "")
        do_record_inspection(actor, election=election, applicant=applicant, passed=not reason, reason=reason)


@pytest.fixture
def lingshan(county_admin: Any, townships: Any) -> Any:
    return load_example(county_admin, townships["清泉镇"], LINGSHAN)


@pytest.fixture
def qingquan(county_admin: Any, townships: Any) -> Any:
    return load_example(county_admin, townships["清泉镇"], QINGQUAN)


def test_c3_a_failed_inspection_removes_the_candidate(lingshan: Any, qingquan_staff: Any) -> None:
    _pass_all(qingquan_staff, lingshan, fail={"蒋涛": "群众反映其在村级工程中优亲厚友，经核实属实"})
    outcome = election_outcome(lingshan)
    formal = outcome.outcome("formal")
    assert isinstance(formal, dict)
    assert "蒋涛" not in names(lingshan, formal["member"])
    assert len(formal["member"]) == 7  # 8 preliminary − 1; still ≥ 4 + ceil(4 × 20%) = 5 (C1)
    section = outcome.section("formal")
    assert section is not None
    failed = [d for d in section.decisions if d.code == "inspection_failed"]
    assert [d.zh for d in failed] == ["蒋涛：考察不合格（群众反映其在村级工程中优亲厚友，经核实属实），取消候选人资格"]
    entry = AuditEntry.objects.filter(action="candidates.record_inspection", data__name="蒋涛").get()
    assert entry.data["passed"] is False and entry.chain.key == lingshan.audit_chain


def test_c3_a_fail_needs_a_written_reason_and_nothing_is_stored(lingshan: Any, qingquan_staff: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        do_record_inspection(
            qingquan_staff, election=lingshan, applicant=_applicant(lingshan, "何丽"), passed=False, reason="  "
        )
    assert exc.value.messages == ["何丽 考察不合格，必须填写考察意见（理由）(C3)。"]
    assert not InspectionOutcome.objects.exists()
    response = _client("qingquan").post(
        f"/elections/{lingshan.pk}/candidates/inspection/{_applicant(lingshan, '何丽').pk}/",
        {"outcome": "fail", "reason": ""},
        follow=True,
    )
    assert "何丽：考察不合格必须填写理由 (C3)。" in response.content.decode()
    assert not InspectionOutcome.objects.exists()


def test_only_preliminary_candidates_are_inspected(lingshan: Any, qingquan_staff: Any) -> None:
    outsider = _applicant(lingshan, "彭玉兰")  # 6th of the deputies at 1:2 → not preliminary
    with pytest.raises(ValidationError) as exc:
        do_record_inspection(qingquan_staff, election=lingshan, applicant=outsider, passed=True, reason="")
    assert exc.value.messages == ["彭玉兰 不是初步候选人，不能录入考察结果 (C3)。"]


def test_partial_inspection_is_shown_as_needed_input(lingshan: Any, qingquan_staff: Any) -> None:
    do_record_inspection(
        qingquan_staff, election=lingshan, applicant=_applicant(lingshan, "周文斌"), passed=True, reason=""
    )
    page = _client("qingquan").get(f"/elections/{lingshan.pk}/candidates/").content.decode()
    assert 'id="needs"' in page and "何丽 未记录考察结果" in page
    assert "待考察" in page and '<span class="zx-rule">C3</span>' in page
    with pytest.raises(ValidationError) as exc:
        do_publish_formal_list(qingquan_staff, election=lingshan)
    assert any("何丽 未记录考察结果（inspection） (C3)" in m for m in exc.value.messages)


def test_c1_failure_blocks_publishing_with_the_cores_message(lingshan: Any, qingquan_staff: Any) -> None:
    _pass_all(qingquan_staff, lingshan, fail={"何丽": "个人有关事项报告不实"})
    core = "党委书记：职数 1 名，候选人 1 名，须差额选举，候选人应多于职数，至少需要 2 名，还差 1 名"
    with pytest.raises(ValidationError) as exc:
        do_publish_formal_list(qingquan_staff, election=lingshan)
    assert exc.value.messages == [f"{core} (C1)"]
    assert not FormalListPublication.objects.exists()
    assert not AuditEntry.objects.filter(action="candidates.publish_formal_list").exists()
    page = _client("qingquan").get(f"/elections/{lingshan.pk}/candidates/").content.decode()
    assert core in page
    assert '<button class="btn btn-primary" type="submit" disabled>' in page


def test_c2_county_vote_selects_formal_candidates_to_the_ratio(qingquan: Any, county_admin: Any) -> None:
    import yaml
    from test_candidates_example_fixture import EXAMPLES

    doc = yaml.safe_load((EXAMPLES / QINGQUAN).read_text(encoding="utf-8"))
    fails = {r["candidate"]: r.get("reason", "") for r in doc["inspection"] if not r["passed"]}
    _pass_all(county_admin, qingquan, fail={_applicant_name(qingquan, k): v for k, v in fails.items()})
    # Before the vote everyone who passed inspection is listed, and publishing waits for the vote.
    with pytest.raises(ValidationError) as exc:
        do_publish_formal_list(county_admin, election=qingquan)
    assert exc.value.messages == ["尚未录入县委票决结果（组织信任票） (C2)"]

    post = {"voters": "31", "held_on": "2026-04-01"}
    post.update({f"votes_{k}": str(v) for k, v in doc["county_vote"]["for"].items()})
    response = _client("county").post(f"/elections/{qingquan.pk}/candidates/county-vote/", post)
    assert response.status_code == 302
    vote = CountyVote.objects.get(election=qingquan)
    assert vote.voters == 31 and vote.votes["wufeng"] == 27

    formal = election_outcome(qingquan).outcome("formal")
    assert isinstance(formal, dict)
    # formal_ratio 3/2: ceil(1 × 1.5) = 2, ceil(2 × 1.5) = 3, ceil(4 × 1.5) = 6 (C2), by strokes (C4).
    assert names(qingquan, formal["secretary"]) == ["吴凤", "张俊东"]
    assert names(qingquan, formal["deputy_secretary"]) == ["韦建", "陈辉", "范梅凤"]
    assert names(qingquan, formal["member"]) == ["于金勇", "王婷", "王煦", "李松红", "张孝菊", "侯建中"]

    response = _client("county").post(f"/elections/{qingquan.pk}/candidates/publish/")
    assert response.status_code == 302
    published = FormalListPublication.objects.get(election=qingquan)
    lists = {p["kind"]: [c["name"] for c in p["candidates"]] for p in published.content["positions"]}
    assert lists["member"] == ["于金勇", "王婷", "王煦", "李松红", "张孝菊", "侯建中"]
    assert {d["rule"] for d in published.content["decisions"]} == {"C1", "C4"}
    actions = list(AuditEntry.objects.filter(chain__key=qingquan.audit_chain).values_list("action", flat=True))
    assert actions[-2:] == ["candidates.record_county_vote", "candidates.publish_formal_list"]
    assert actions.count("candidates.record_inspection") == 35  # every preliminary candidate (R3: 5 + 10 + 20)
    # Frozen: nothing changes after publication.
    with pytest.raises(ValidationError):
        do_record_inspection(
            county_admin, election=qingquan, applicant=_applicant(qingquan, "吴凤"), passed=True, reason=""
        )


def _applicant_name(election: Any, number: str) -> str:
    return Applicant.objects.get(election=election, number=number).name


def test_c2_county_vote_is_the_countys_act_and_checked(qingquan: Any, qingquan_staff: Any, county_admin: Any) -> None:
    _pass_all(county_admin, qingquan)
    response = _client("qingquan").post(f"/elections/{qingquan.pk}/candidates/county-vote/", {"voters": "31"})
    assert response.status_code == 403
    preliminary = election_outcome(qingquan).outcome("preliminary")
    assert isinstance(preliminary, dict)
    votes = {n: 0 for ids in preliminary.values() for n in ids}
    votes["wufeng"] = 40
    del votes["linhong"]
    with pytest.raises(ValidationError) as exc:
        do_record_county_vote(county_admin, election=qingquan, voters=31, votes=votes, held_on=None)
    assert exc.value.messages == ["缺少 林红 的赞成票数。", "吴凤 的赞成票 40 票不可能：参加票决的只有 31 人。"]
    assert not CountyVote.objects.exists()
    # The page keeps what was typed and names the field.
    post = {"voters": "31", **{f"votes_{n}": "1" for n in votes}, "votes_wufeng": "40", "votes_linhong": ""}
    page = _client("county").post(f"/elections/{qingquan.pk}/candidates/county-vote/", post)
    assert page.status_code == 422
    body = page.content.decode()
    assert "请填写 林红 的赞成票数。" in body and 'value="40"' in body


def test_c2_no_county_vote_where_the_preset_has_none(lingshan: Any, county_admin: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        do_record_county_vote(county_admin, election=lingshan, voters=30, votes={}, held_on=None)
    assert exc.value.messages == ["本选举的程序没有县委票决（组织信任票）环节 (C2)。"]
    page = _client("county").get(f"/elections/{lingshan.pk}/candidates/").content.decode()
    assert 'id="county-vote"' not in page


def test_c4_published_list_is_in_surname_stroke_order(county_admin: Any, townships: Any, qingquan_staff: Any) -> None:
    """Standard preset, no recommendation stages: the qualified nominees are the preliminary candidates."""
    from zhixuan.web.nomination.models import ApplicantPosition, NominationRoute
    from zhixuan.web.roster.models import Member

    election = create_election(county_admin, townships["清泉镇"], preset="standard", seats={"member": 3}, conditions=[])
    member = election.positions.get(kind="member")
    for number, name in [("a1", "陈明"), ("a2", "丁小强"), ("a3", "王毅"), ("a4", "丁宁"), ("a5", "王沪宁")]:
        person = Member.objects.create(election=election, number=f"m-{number}", name=name, status="full")
        applicant = Applicant.objects.create(election=election, number=number, name=name, member=person)
        ApplicantPosition.objects.create(applicant=applicant, position=member, preference=1)
        NominationRoute.objects.create(applicant=applicant, kind="self")
    _pass_all(qingquan_staff, election)
    publication = do_publish_formal_list(qingquan_staff, election=election)
    [listed] = publication.content["positions"]
    # 丁 (2 strokes) < 王 (4) < 陈 (7); a single given name first: 丁宁 before 丁小强, 王毅 before 王沪宁.
    assert [c["name"] for c in listed["candidates"]] == ["丁宁", "丁小强", "王毅", "王沪宁", "陈明"]
    entry = AuditEntry.objects.get(action="candidates.publish_formal_list")
    assert entry.data["formal"] == {"member": ["a4", "a2", "a3", "a5", "a1"]}


def test_staff_of_another_township_get_404(lingshan: Any, lingshan_staff: Any) -> None:
    client = _client("lingshan")
    assert client.get(f"/elections/{lingshan.pk}/candidates/").status_code == 404
    applicant = _applicant(lingshan, "周文斌")
    url = f"/elections/{lingshan.pk}/candidates/inspection/{applicant.pk}/"
    assert client.post(url, {"outcome": "pass"}).status_code == 404
    assert client.post(f"/elections/{lingshan.pk}/candidates/publish/").status_code == 404
    assert not InspectionOutcome.objects.exists()
    assert Client().get(f"/elections/{lingshan.pk}/candidates/").status_code == 302  # login first


def test_page_and_panel_show_the_cores_decisions(lingshan: Any, qingquan_staff: Any) -> None:
    _pass_all(qingquan_staff, lingshan)
    client = _client("qingquan")
    page = client.get(f"/elections/{lingshan.pk}/candidates/").content.decode()
    assert "党委委员按姓氏笔画为序：于敏、田军、余志强、袁超、董小红、蒋涛、蔡秀兰、潘建华" in page
    assert '<span class="zx-rule">C4</span>' in page and "competitive" not in page
    assert "党委书记：职数 1 名，候选人 2 名，须差额选举，候选人应多于职数" in page
    response = client.post(f"/elections/{lingshan.pk}/candidates/publish/", follow=True)
    assert "正式候选人名单已公布。" in response.content.decode()
    detail = client.get(f"/elections/{lingshan.pk}/").content.decode()
    assert 'id="candidates-panel"' in detail and "正式候选人名单已于" in detail
    assert "于敏、田军、余志强" in detail
