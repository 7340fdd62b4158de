"""Issue 5 item 3, the recall (A3) through the web app.

The election of ``examples/three-round-township.yaml`` is imported and its meeting recorded as the
meeting apps store it (``test_results_report.hold_meeting``). The two excused members then lose
their voting rights, so 40 members have rights (a petition needs 8 = exactly 20%) and 应到会 is 40
(half is 20).

- the petition: 7 signatures are one short; 8 are exactly 20% and suffice; a repeated signer is
  counted once with the core's message; a probationary or unknown signer rejects the whole batch,
  each line named; a probationary member cannot sign online;
- the recall meeting: check-in with the M1 quorum, scrutineers by M2 (not the leader), two tellers'
  counts that must agree, a scrutineer's confirmation (S3, not by a teller);
- the vote: 20 yes (exactly half of 40) fails, 21 passes (A3); the recalled seat goes to a
  by-election whose winner the core decides under the round rules (M7);
- the exported record run by ``zhixuan run`` gives the same decisions; audit entries; 404 elsewhere.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from test_results_report import cli_run, hold_meeting, import_example
from web_helpers import make_user

from zhixuan.web.accounts.models import RoleAssignment
from zhixuan.web.audit.models import AuditEntry
from zhixuan.web.elections.outcomes import election_outcome
from zhixuan.web.recall import actions, selectors
from zhixuan.web.recall.models import Petition
from zhixuan.web.roster.models import Member

LEADER = "tangming"  # 唐明, deputy secretary elected in round 2
FULL = [f"m{i:02d}" for i in range(1, 21)] + [f"m{i:02d}" for i in range(24, 44)]  # 40 with rights
SIGNERS = ["m10", "m11", "m12", "m13", "m14", "m15", "m16", "m17"]  # 8 = 20% of 40
FULL = [n for n in FULL if n not in ("m24", "m25")] + ["m44", "m45"]
HALL = FULL[:32]  # 32 of 应到会 40: at least 4/5 (S0 preset, M1)


@pytest.fixture
def town(db: Any, county_admin: Any, county: Any) -> dict[str, Any]:
    from zhixuan.web.meeting.models import Meeting

    election, kinds = import_example(county_admin, county)
    Meeting.objects.filter(election=election).delete()  # the meeting recorded row by row, as its apps store it
    hold_meeting(election, kinds)
    # The two excused members (m24, m25) lose their rights: 40 members with rights, 应到会 40.
    Member.objects.filter(election=election, number__in=["m24", "m25"]).update(status="rights_suspended")
    staff = make_user("gongzuozu", "working_group", township=election.township)
    people = {
        "election": election,
        "admin": county_admin,
        "staff": staff,
        "teller1": make_user("jipiao1", "teller", election=election),
        "teller2": make_user("jipiao2", "teller", election=election),
        "scrutineer": make_user("jianpiao", "scrutineer", election=election),
    }
    return people


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def member_account(election: Any, number: str) -> Any:
    user = make_user(f"dangyuan-{number}", "member", election=election)
    RoleAssignment.objects.filter(user=user, role="member").update(
        member=Member.objects.get(election=election, number=number)
    )
    return user


def open_petition(town: dict[str, Any]) -> Petition:
    client = client_for(town["staff"])
    response = client.post(f"/elections/{town['election'].pk}/recall/", {"leader": LEADER, "reason": "不履行职责"})
    assert response.status_code == 302, response.content.decode()[-6000:]
    return Petition.objects.filter(election=town["election"], leader=LEADER).latest("pk")


def url(petition: Petition, tail: str = "") -> str:
    return f"/elections/{petition.election_id}/recall/{petition.pk}/{tail}"


def recall_vote(town: dict[str, Any], petition: Petition, yes: int) -> None:
    """Signatures, convening, check-in, officers, two agreeing tellers and the scrutineer's confirmation."""
    staff = town["staff"]
    actions.do_add_signatures(staff, petition=petition, text="\n".join(SIGNERS))
    actions.do_convene(staff, petition=petition, held_on=None, place="镇礼堂")
    actions.do_check_in(staff, petition=petition, text=" ".join(HALL))
    actions.do_set_officers(staff, petition=petition, scrutineers="m30 m31", tellers="m33 m34")
    actions.do_open_stage(town["scrutineer"], petition=petition, stage="vote")  # present: 32 (M1)
    counts = {"issued": 32, "yes": yes, "no": 31 - yes, "abstain": 1, "invalid": 0}
    actions.do_enter_vote_count(town["teller1"], petition=petition, data=counts)
    actions.do_enter_vote_count(town["teller2"], petition=petition, data=counts)
    actions.do_accept_vote(town["scrutineer"], petition=petition)


# --- the petition ---------------------------------------------------------------------------------


def test_a3_exactly_20_percent_suffices_one_short_fails(town: dict[str, Any]) -> None:
    petition = open_petition(town)
    staff = client_for(town["staff"])
    response = staff.post(url(petition, "signatures/"), {"numbers": "\n".join(SIGNERS[:7])})
    assert response.status_code == 302
    page = staff.get(url(petition)).content.decode()
    assert "7 / 8" in page
    assert "有效签名 7 人，占有表决权党员 40 人的 17.50%，需不少于 20.00%（8 人），尚差 1 人" in page
    # One short: the recall meeting cannot be convened.
    response = staff.post(url(petition, "convene/"), {"place": "镇礼堂"})
    assert response.status_code == 422
    assert "尚差 1 人" in response.content.decode()
    assert Petition.objects.get(pk=petition.pk).convened_at is None

    staff.post(url(petition, "signatures/"), {"numbers": SIGNERS[7]})
    page = staff.get(url(petition)).content.decode()
    assert "8 / 8" in page
    assert "有效签名 8 人，占有表决权党员 40 人的 20.00%，需不少于 20.00%（8 人），达到要求" in page
    assert staff.post(url(petition, "convene/"), {"place": "镇礼堂"}).status_code == 302
    assert Petition.objects.get(pk=petition.pk).convened_at is not None


def test_a3_duplicate_signer_counted_once_with_a_message(town: dict[str, Any]) -> None:
    petition = open_petition(town)
    staff = client_for(town["staff"])
    staff.post(url(petition, "signatures/"), {"numbers": "m10 m11"})
    response = staff.post(url(petition, "signatures/"), {"numbers": "m11\nm12\nm12"}, follow=True)
    page = response.content.decode()
    assert "m11 已签名，重复签名不计" in page
    assert "m12 已签名，重复签名不计" in page
    assert selectors.signer_numbers(petition) == ["m10", "m11", "m12"]
    assert len(selectors.petition_check(petition).valid) == 3


def test_a3_probationary_or_unknown_signer_rejects_the_batch(town: dict[str, Any]) -> None:
    petition = open_petition(town)
    staff = client_for(town["staff"])
    response = staff.post(url(petition, "signatures/"), {"numbers": "m10\nm21\nx99\nm24"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "有错误，本次录入均未保存" in page
    assert "第 2 行 m21 王小川（预备党员）：m21 不是有表决权的党员（P1），其签名不计入罢免联名" in page
    assert "第 3 行 x99：名册中没有这个编号 (A3)" in page
    assert "第 4 行 m24" in page  # rights suspended (P1)
    assert selectors.signer_numbers(petition) == []  # nothing stored, not even m10

    # Online: a probationary member is refused, a full member signs once.
    probationary = client_for(member_account(town["election"], "m22"))
    response = probationary.post(url(petition, "sign/"), follow=True)
    assert "m22 不是有表决权的党员（P1）" in response.content.decode()
    full = client_for(member_account(town["election"], "m18"))
    full.post(url(petition, "sign/"))
    response = full.post(url(petition, "sign/"), follow=True)
    assert "m18 已签名，重复签名不计" in response.content.decode()
    assert selectors.signer_numbers(petition) == ["m18"]
    assert petition.signatures.get().online is True


def test_petition_only_against_an_elected_leader(town: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="不是本次选举产生的当选人"):
        actions.do_open_petition(town["staff"], election=town["election"], leader="m40")


# --- the recall meeting and vote --------------------------------------------------------------------


def test_a3_yes_exactly_half_of_expected_fails(town: dict[str, Any]) -> None:
    petition = open_petition(town)
    recall_vote(town, petition, yes=20)
    page = client_for(town["staff"]).get(url(petition)).content.decode()
    assert "唐明 未被罢免：赞成罢免 20 = 应到会 40 的一半，未过半数" in page
    assert "实到会 32 人，不低于应到会 40 人的 4/5" in page
    assert 'id="by-election"' not in page


def test_a3_one_more_than_half_passes_and_the_by_election_fills_the_seat(town: dict[str, Any], tmp_path: Any) -> None:
    petition = open_petition(town)
    recall_vote(town, petition, yes=21)
    staff = client_for(town["staff"])
    page = staff.get(url(petition)).content.decode()
    assert "唐明 被罢免：赞成罢免 21 &gt; 应到会 40 的一半，其职位出缺，须补选" in page
    assert 'id="by-election"' in page
    # The by-election: a scrutineer cannot stand (M2); two tellers agree; a scrutineer confirms (S3).
    response = staff.post(url(petition, "by-election/"), {"numbers": "m40\nm30"})
    assert response.status_code == 422
    assert "第 2 行 m30：" in response.content.decode() and "不能作为候选人 (M2)" in response.content.decode()
    assert staff.post(url(petition, "by-election/"), {"numbers": "m40\nm41"}).status_code == 302
    totals = {
        "issued": 32, "valid": 30, "invalid": 2,
        "for_m40": 18, "against_m40": 10, "abstain_m40": 2,
        "for_m41": 11, "against_m41": 17, "abstain_m41": 2,
    }  # fmt: skip
    # No count before a scrutineer opens the by-election (its present is recorded then, M1).
    early = client_for(town["teller1"]).post(url(petition, "by-election/count/"), totals)
    assert early.status_code == 422 and "补选尚未开始：须由监票人宣布开始表决" in early.content.decode()
    start = client_for(town["scrutineer"]).post(url(petition, "voting/"), {"stage": "by_election", "step": "start"})
    assert start.status_code == 302
    wrong = {**totals, "abstain_m41": 3}
    response = client_for(town["teller1"]).post(url(petition, "by-election/count/"), wrong)
    assert response.status_code == 422
    assert "赞成 11 + 不赞成 17 + 弃权 3 ≠ 有效票 30 (M5)" in response.content.decode()
    client_for(town["teller1"]).post(url(petition, "by-election/count/"), totals)
    client_for(town["teller2"]).post(url(petition, "by-election/count/"), totals)
    response = client_for(town["teller1"]).post(url(petition, "by-election/accept/"))
    assert "计票结果须由监票人确认 (S3)" in response.content.decode()
    assert client_for(town["scrutineer"]).post(url(petition, "by-election/accept/")).status_code == 302
    page = staff.get(url(petition)).content.decode()
    assert "当选：赞成 18 &gt; 实到会 32 的一半" in page

    outcome = election_outcome(town["election"])
    elected = outcome.outcome("elected")
    assert "m40" in elected["deputy_secretary"]  # type: ignore[index]
    assert LEADER not in elected["deputy_secretary"]  # type: ignore[index]

    # The download reproduces the app's decisions: ``zhixuan run`` on the exported record.
    run = cli_run(town["election"], tmp_path)
    recall = next(s for s in run["sections"] if s["key"] == "recall")
    app = outcome.section("recall")
    assert app is not None
    assert [(d["rule"], d["code"], d["zh"]) for d in recall["decisions"]] == [
        (d.rule, d.code, d.zh) for d in app.decisions
    ]
    assert run["outcome"]["elected"] == elected
    by = next(s for s in run["sections"] if s["key"] == f"round:{petition.by_election_key}")
    assert [d["zh"] for d in by["decisions"]] == [
        d.zh for d in outcome.section(f"round:{petition.by_election_key}").decisions
    ]  # type: ignore[union-attr]


def test_meeting_guards_quorum_officers_and_tellers(town: dict[str, Any]) -> None:
    petition = open_petition(town)
    staff = town["staff"]
    actions.do_add_signatures(staff, petition=petition, text=" ".join(SIGNERS))
    actions.do_convene(staff, petition=petition, held_on=None, place="")
    # The leader (唐明 is m05) cannot be a scrutineer (M2).
    with pytest.raises(ValidationError) as exc:
        actions.do_set_officers(staff, petition=petition, scrutineers="m05 m30", tellers="")
    assert "m05 是本次大会的候选人，不能担任监票人" in " ".join(exc.value.messages)
    actions.do_set_officers(staff, petition=petition, scrutineers="m30 m31", tellers="m33")
    # Below quorum the vote cannot open (M1): 31 of 40 is less than 4/5; nothing is counted before it opens.
    actions.do_check_in(staff, petition=petition, text=" ".join(HALL[:31]))
    counts = {"issued": 31, "yes": 20, "no": 11, "abstain": 0, "invalid": 0}
    with pytest.raises(ValidationError, match="实到会 31 人，低于应到会 40 人的 4/5"):
        actions.do_open_stage(town["scrutineer"], petition=petition, stage="vote")
    with pytest.raises(ValidationError, match="罢免表决尚未开始"):
        actions.do_enter_vote_count(town["teller1"], petition=petition, data=counts)
    # Only a scrutineer opens it (S3).
    actions.do_check_in(staff, petition=petition, text=HALL[31])
    with pytest.raises(ValidationError, match="须由监票人确认 \\(S3\\)"):
        actions.do_open_stage(town["teller1"], petition=petition, stage="vote")
    actions.do_open_stage(town["scrutineer"], petition=petition, stage="vote")
    with pytest.raises(ValidationError, match="罢免表决已经开始"):
        actions.do_open_stage(town["scrutineer"], petition=petition, stage="vote")
    # More ballots back than handed out: the vote is void (M6).
    with pytest.raises(ValidationError, match="多于发出票数 32"):
        actions.do_enter_vote_count(town["teller1"], petition=petition, data={**counts, "issued": 32, "no": 13})
    actions.do_enter_vote_count(town["teller1"], petition=petition, data={**counts, "issued": 32})
    actions.do_enter_vote_count(town["teller2"], petition=petition, data={**counts, "issued": 32, "yes": 21, "no": 10})
    with pytest.raises(ValidationError, match="两名计票人的录入尚不一致"):
        actions.do_accept_vote(town["scrutineer"], petition=petition)
    assert selectors.differences(petition, "vote") == ["no", "yes"]


def test_audit_entries_and_nothing_logged_for_a_refused_batch(town: dict[str, Any]) -> None:
    petition = open_petition(town)
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        actions.do_add_signatures(town["staff"], petition=petition, text="m10\nm21")
    assert AuditEntry.objects.count() == before
    recall_vote(town, petition, yes=25)
    actions_logged = list(
        AuditEntry.objects.filter(action__startswith="recall.").order_by("pk").values_list("action", flat=True)
    )
    assert actions_logged == [
        "recall.open_petition",
        "recall.add_signatures",
        "recall.convene",
        "recall.check_in",
        "recall.set_officers",
        "recall.open_stage",
        "recall.enter_vote_count",
        "recall.enter_vote_count",
        "recall.accept_vote",
    ]
    opened = AuditEntry.objects.get(action="recall.open_stage")
    assert opened.data["stage"] == "vote" and opened.data["present"] == 32 and opened.data["m1"] == "quorum_met"
    accepted = AuditEntry.objects.get(action="recall.accept_vote")
    assert accepted.data["counts"]["yes"] == 25 and accepted.data["expected"] == 40


def test_other_township_gets_404(town: dict[str, Any], county: Any) -> None:
    from zhixuan.web.elections.actions import do_create_township

    petition = open_petition(town)
    other = client_for(
        make_user("qingshan", "working_group", township=do_create_township(None, county=county, name="青山镇"))
    )
    assert other.get(f"/elections/{town['election'].pk}/recall/").status_code == 404
    assert other.get(url(petition)).status_code == 404
    assert other.post(url(petition, "signatures/"), {"numbers": "m10"}).status_code == 404
    assert selectors.signer_numbers(petition) == []
