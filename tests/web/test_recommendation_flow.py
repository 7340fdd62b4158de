"""Recommendation stages end to end (R1–R6, L1, S1, S2): set-up and weights, check-in, the speech
lot, paper ballots + group totals + online codes giving the core's scores, selection with a tie
broken by lot, access from another township."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from web_helpers import PASSWORD, create_election, reps_csv, roster_csv

# --- helpers (this module's own; conftest and web_helpers stay as they are) -------------------


def add_nominees(election: Any, spec: dict[str, list[tuple[str, str]]]) -> None:
    """Applicants written directly with the ORM (the nomination app is not exercised here): each
    self-nominated, a full member with 5 party years, for the positions listed in that order."""
    from zhixuan.web.nomination.models import Applicant, ApplicantPosition, NominationRoute
    from zhixuan.web.roster.models import Member

    positions = {p.kind: p for p in election.positions.all()}
    made: dict[str, Any] = {}
    for kind, people in spec.items():
        for number, name in people:
            applicant = made.get(number)
            if applicant is None:
                member = Member.objects.filter(election=election, status="full", applications=None).last()
                applicant = Applicant.objects.create(
                    election=election, number=number, name=name, party_years=5, member=member
                )
                NominationRoute.objects.create(applicant=applicant, kind="self")
                made[number] = applicant
            preference = ApplicantPosition.objects.filter(applicant=applicant).count() + 1
            ApplicantPosition.objects.create(applicant=applicant, position=positions[kind], preference=preference)


def load_roster(election: Any, admin: Any, members: int = 10, probationary: int = 1, reps: int = 2) -> None:
    from zhixuan.web.roster.actions import do_import_members, do_import_public_reps

    do_import_members(admin, election=election, filename="m.csv", data=roster_csv(members, probationary=probationary))
    do_import_public_reps(admin, election=election, filename="r.csv", data=reps_csv(reps))


def staff_client(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def audit_actions(election: Any) -> list[str]:
    from zhixuan.web.audit.models import AuditEntry

    return list(
        AuditEntry.objects.filter(chain__key=election.audit_chain).order_by("seq").values_list("action", flat=True)
    )


def member(election: Any, number: str) -> Any:
    from zhixuan.web.roster.models import Member

    return Member.objects.get(election=election, number=number)


# --- set-up and weights (R1, R2) -----------------------------------------------------------


def test_three_round_preset_gives_one_meeting_with_members_and_public_reps(county_admin: Any, election: Any) -> None:
    from zhixuan.web.recommendation.actions import do_create_stages

    [stage] = do_create_stages(county_admin, election=election)
    assert (stage.key, stage.name, stage.weight, stage.status) == ("recommendation", "推荐大会", "1", "preparing")
    assert [(g.key, g.name, g.weight) for g in stage.groups.all()] == [
        ("members", "党员", "7/10"),
        ("public", "群众代表", "3/10"),
    ]
    with pytest.raises(ValidationError, match="推荐环节已经设置"):
        do_create_stages(county_admin, election=election)


def test_group_weights_must_be_exact_and_sum_to_one(county_admin: Any, qingquan_staff: Any, election: Any) -> None:
    from zhixuan.web.recommendation.actions import do_create_stages

    [stage] = do_create_stages(county_admin, election=election)
    members_group, public_group = stage.groups.all()
    client = staff_client("qingquan")
    url = f"/elections/{election.pk}/recommendation/configure/"
    base = {f"name_{stage.pk}": "公开推荐会", f"seconds_{stage.pk}": "240", f"gname_{members_group.pk}": "党员",
            f"gname_{public_group.pk}": "群众代表"}  # fmt: skip

    page = client.post(url, {**base, f"gweight_{members_group.pk}": "7/10", f"gweight_{public_group.pk}": "2/10"},
                       follow=True).content.decode()  # fmt: skip
    assert "权重之和为 90.00%，应为 100%" in page and "R1" in page
    page = client.post(url, {**base, f"gweight_{members_group.pk}": "七成", f"gweight_{public_group.pk}": "3/10"},
                       follow=True).content.decode()  # fmt: skip
    assert "公开推荐会 · 党员：权重“七成”不是有效的分数" in page
    stage.refresh_from_db()
    assert stage.name == "推荐大会"  # nothing half-stored

    client.post(url, {**base, f"gweight_{members_group.pk}": "3/5", f"gweight_{public_group.pk}": "0.4"})
    stage.refresh_from_db()
    assert (stage.name, stage.speech_seconds) == ("公开推荐会", 240)
    assert [g.weight for g in stage.groups.all()] == ["3/5", "2/5"]
    assert "recommendation.configure_stages" in audit_actions(election)


def test_stage_weights_of_two_recommendations_sum_to_one(county_admin: Any, townships: dict[str, Any]) -> None:
    from zhixuan.web.recommendation.actions import do_configure_stages, do_create_stages
    from zhixuan.web.recommendation.forms import stage_inputs
    from zhixuan.web.recommendation.selectors import stages

    election = create_election(county_admin, townships["清泉镇"], preset="two-recommendation")
    mass, county = do_create_stages(county_admin, election=election)
    assert (mass.name, mass.weight, county.name, county.weight) == ("海推", "3/5", "县四大班子推荐", "2/5")
    assert [g.weight for g in mass.groups.all()] == ["1/2", "1/5", "3/10"]

    from django.http import QueryDict

    data = QueryDict(mutable=True)
    data.update({f"weight_{mass.pk}": "3/5", f"weight_{county.pk}": "1/2"})
    with pytest.raises(ValidationError) as exc:
        do_configure_stages(county_admin, election=election, stages=stage_inputs(data, stages(election)))
    assert "各推荐环节的权重之和应为 100%" in exc.value.messages[0] and "110.00%" in exc.value.messages[0]


# --- check-in (P1, once per stage) --------------------------------------------------------


def test_check_in_refuses_probationary_members_and_second_check_ins(county_admin: Any, election: Any) -> None:
    from zhixuan.web.recommendation.actions import do_check_in, do_create_stages
    from zhixuan.web.roster.models import PublicRep

    load_roster(election, county_admin)
    [stage] = do_create_stages(county_admin, election=election)
    members_group, public_group = stage.groups.all()

    with pytest.raises(ValidationError, match=r"党员1：预备党员，无选举权和被选举权.*\(P1\)"):
        do_check_in(county_admin, stage=stage, group=members_group, member=member(election, "0001"))
    do_check_in(county_admin, stage=stage, group=members_group, member=member(election, "0002"))
    with pytest.raises(ValidationError, match="0002 党员2 已在本环节“党员”组签到，每人只能签到一次"):
        do_check_in(county_admin, stage=stage, group=members_group, member=member(election, "0002"))
    with pytest.raises(ValidationError, match="“群众代表”组只能由名册中的群众代表签到"):
        do_check_in(county_admin, stage=stage, group=public_group, member=member(election, "0003"))
    rep = PublicRep.objects.get(election=election, number="Q001")
    do_check_in(county_admin, stage=stage, group=public_group, public_rep=rep)

    client = staff_client("county")
    counts = client.get(f"/elections/{election.pk}/recommendation/{stage.key}/counts/").content.decode()
    assert "党员2" in counts and "代表1" in counts
    # The live search marks the probationary member and who is already in.
    hits = client.get(
        f"/elections/{election.pk}/recommendation/{stage.key}/checkin/search/",
        {"group": members_group.pk, "q": "党员"},
    ).content.decode()
    assert "预备党员，无选举权" in hits and "已在“党员”组签到" in hits
    # Through the htmx form: a refusal is a 422 with the reason, nothing stored.
    response = client.post(
        f"/elections/{election.pk}/recommendation/{stage.key}/checkin/",
        {"group": members_group.pk, "member": member(election, "0001").pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422 and "预备党员" in response.content.decode()
    assert stage.checkins.count() == 2
    assert audit_actions(election).count("recommendation.check_in") == 2


# --- the speech lot (L1, R6) ----------------------------------------------------------------


def test_speech_lot_commitment_before_secret_after_and_order_from_the_core(
    county_admin: Any, qingquan_staff: Any, election: Any
) -> None:
    from zhixuan.rules import lot as lots
    from zhixuan.web.elections.outcomes import election_outcome
    from zhixuan.web.recommendation.models import Lot

    load_roster(election, county_admin)
    add_nominees(election, {"secretary": [("A1", "王一"), ("A2", "李二")], "deputy_secretary": [("A3", "张三")]})
    client = staff_client("qingquan")
    base = f"/elections/{election.pk}/recommendation/"
    client.post(base + "create/")
    client.post(base + "lot/speech/commit/")
    lot = Lot.objects.get(election=election, purpose="speech")
    assert len(bytes.fromhex(lot.secret)) == 32 and lot.commitment == lots.commitment(bytes.fromhex(lot.secret))

    # Before the draw: the commitment is public, the secret nowhere.
    election.announced_at = election.created_at
    election.save(update_fields=["announced_at"])
    observer_page = Client().get(base + "lot/speech/").content.decode()
    assert lot.commitment in observer_page and lot.secret not in observer_page
    for url in (base, base + "lot/speech/", base + "recommendation/", base + "recommendation/screen/",
                base + "recommendation/control/", base + "results/", f"/elections/{election.pk}/"):  # fmt: skip
        page = client.get(url)
        assert page.status_code == 200, url
        assert lot.secret not in page.content.decode(), url
    from zhixuan.web.audit.models import AuditEntry

    assert lot.secret not in str(list(AuditEntry.objects.values_list("data", flat=True)))

    page = client.post(base + "lot/speech/draw/", {"entropy": "3 1 6 2 5"}, follow=True).content.decode()
    lot.refresh_from_db()
    expected = lots.draw(["A1", "A2", "A3"], bytes.fromhex(lot.secret), "3 1 6 2 5", lot.label).order
    assert lot.result == list(expected)
    assert election_outcome(election).outcome("speech_order") == list(expected)  # the record reproduces it
    assert lot.secret in page and "zhixuan lot verify" in page and "3 1 6 2 5" in page
    assert audit_actions(election)[-2:] == ["recommendation.commit_lot", "recommendation.draw_lot"]

    # The projector follows the drawn order.
    client.post(base + "recommendation/status/open/")
    client.post(base + "recommendation/control/", {"verb": "next"})
    names = {"A1": "王一", "A2": "李二", "A3": "张三"}
    screen = client.get(base + "recommendation/screen/live/").content.decode()
    assert names[expected[0]] in screen and "第 1 位 / 共 3 位" in screen and names[expected[1]] in screen
    client.post(base + "recommendation/control/", {"verb": "start"})
    client.post(base + "recommendation/control/", {"verb": "pause"})
    stage = election.recommendation_stages.get()
    assert stage.current_speaker.number == expected[0] and stage.clock_remaining in (299, 300)
    with pytest.raises(ValidationError, match="该抽签已经完成"):
        from zhixuan.web.recommendation.actions import do_draw_lot

        do_draw_lot(county_admin, lot=lot, entropy="1")


# --- a whole stage: paper ballots, group totals, online codes → the core's scores --------------


def test_whole_stage_paper_totals_and_online_codes_give_the_core_scores(
    county_admin: Any, qingquan_staff: Any, election: Any
) -> None:
    from zhixuan.web.elections.outcomes import election_outcome
    from zhixuan.web.recommendation import actions, selectors
    from zhixuan.web.recommendation.models import RecommendationBallot

    load_roster(election, county_admin)
    add_nominees(election, {
        "secretary": [("A1", "王一"), ("A2", "李二")],
        "deputy_secretary": [("A2", "李二"), ("A3", "张三"), ("A4", "赵四")],
    })  # fmt: skip
    client = staff_client("qingquan")
    base = f"/elections/{election.pk}/recommendation/"
    client.post(base + "create/")
    stage = election.recommendation_stages.get()
    members_group, public_group = stage.groups.all()
    s = base + "recommendation/"
    assert (
        "只有进行中的环节才能录入推荐票"
        in client.post(
            s + "ballots/", {"group": members_group.pk, "pick_secretary": "A1"}, follow=True
        ).content.decode()
    )
    client.post(s + "status/open/")

    # Members: paper ballots as ticked (3 identical, 1, and 1 over-recommending the secretary).
    client.post(s + "ballots/", {"group": members_group.pk, "count": "3", "pick_secretary": "A1",
                                 "pick_deputy_secretary": ["A3", "A4"]})  # fmt: skip
    client.post(s + "ballots/", {"group": members_group.pk, "pick_secretary": "A2", "pick_deputy_secretary": "A3"})
    client.post(s + "ballots/", {"group": members_group.pk, "pick_secretary": ["A1", "A2"]})
    page = client.post(s + "ballots/", {"group": members_group.pk, "pick_secretary": "A9"}, follow=True)
    assert "A9 不是该职位资格审查合格的提名人选" in page.content.decode()

    # Members online: two checked in, two codes; one is used (twice), over-recommending the deputies.
    for number in ("0002", "0003"):
        client.post(s + "checkin/", {"group": members_group.pk, "member": member(election, number).pk})
    codes_page = client.post(s + "codes/", {"group": members_group.pk})
    codes = list(codes_page.context["codes"])
    assert len(codes) == 2 and all(c in codes_page.content.decode() for c in codes)
    from zhixuan.web.recommendation.models import VotingCode

    assert not VotingCode.objects.filter(code_hash__in=codes).exists()  # only hashes are stored
    voter = Client()
    form = voter.get(f"/r/{codes[0]}/").content.decode()
    assert "李二" in form and "最多推荐 2 人" in form
    ballot = {"pick_secretary": "A2", "pick_deputy_secretary": ["A2", "A3", "A4"]}
    assert "推荐票已投出" in voter.post(f"/r/{codes[0]}/", ballot).content.decode()
    again = voter.post(f"/r/{codes[0]}/", ballot).content.decode()
    assert "该推荐码已经使用过" in again
    online = RecommendationBallot.objects.get(stage=stage, source="online")
    assert (online.count, online.picks) == (1, {"deputy_secretary": ["A2", "A3", "A4"], "secretary": ["A2"]})
    assert {f.name for f in RecommendationBallot._meta.get_fields()} == {
        "id", "stage", "group", "picks", "count", "source"
    }  # S1: no code, voter or time  # fmt: skip

    # Public reps: counted totals.
    client.post(s + "totals/", {"group": public_group.pk, "position": "secretary", "valid": "2", "for_A1": "1",
                                "for_A2": "1"})  # fmt: skip
    client.post(s + "totals/", {"group": public_group.pk, "position": "deputy_secretary", "valid": "2",
                                "for_A2": "2", "for_A3": "1"})  # fmt: skip
    refused = client.post(s + "totals/", {"group": public_group.pk, "position": "secretary", "valid": "2",
                                          "for_A1": "3"}, follow=True).content.decode()  # fmt: skip
    assert "王一：得票 3 超过有效票 2" in refused

    assert client.get(base + "results/").context["r"].sections == []  # nothing before the stage closes
    client.post(s + "status/close/")
    assert "recommendation.cast_online" in audit_actions(election)

    results = selectors.stage_results(election)
    [section] = results.sections
    tables = {t.position: [(r.rank, r.name, r.score) for r in t.rows] for t in section.tables}
    # Hand-checked (R1, R5): members' valid secretary ballots 5 (the over-recommending one is invalid
    # for the secretary only), A1 3/5, A2 2/5; public 1/2 each.
    #   王一 = 7/10·3/5 + 3/10·1/2 = 57.00%, 李二 = 7/10·2/5 + 3/10·1/2 = 43.00%
    assert tables["党委书记"] == [(1, "王一", "57.00%"), (2, "李二", "43.00%")]
    # Deputies: members' valid 5 (the online ballot names 3 for 2 seats: invalid there only),
    #   张三 = 7/10·4/5 + 3/10·1/2 = 71.00%, 赵四 = 7/10·3/5 = 42.00%, 李二 = 3/10·2/2 = 30.00%
    assert tables["党委副书记"] == [(1, "张三", "71.00%"), (2, "赵四", "42.00%"), (3, "李二", "30.00%")]
    assert any(d.rule == "R5" and d.code == "over_recommended" for d in section.decisions)
    outcome = election_outcome(election)
    assert outcome.outcome("preliminary") == {"secretary": ["A1", "A2"], "deputy_secretary": ["A3", "A4"], "member": []}
    page = client.get(base + "results/").content.decode()
    assert "57.00%" in page and "width: 57.00%" in page and "R4" in page and "初步候选人" in page

    assert actions.code_hash(codes[1].lower()) == actions.code_hash(codes[1])  # typed in lower case still works
    for action in ("recommendation.create_stages", "recommendation.open_stage", "recommendation.record_paper_ballot",
                   "recommendation.issue_codes", "recommendation.record_group_total",
                   "recommendation.close_stage"):  # fmt: skip
        assert action in audit_actions(election)


def test_a_code_spent_once_even_when_two_submits_race(county_admin: Any, election: Any) -> None:
    """The conditional UPDATE on ``used`` lets exactly one of two submits through."""
    from zhixuan.web.recommendation import actions
    from zhixuan.web.recommendation.models import RecommendationBallot, VotingCode

    load_roster(election, county_admin)
    add_nominees(election, {"secretary": [("A1", "王一"), ("A2", "李二")]})
    [stage] = actions.do_create_stages(county_admin, election=election)
    actions.do_open_stage(county_admin, stage=stage)
    group = stage.groups.get(key="members")
    actions.do_check_in(county_admin, stage=stage, group=group, member=member(election, "0005"))
    [code] = actions.do_issue_codes(county_admin, stage=stage, group=group)
    # The second submit read the code as unused before the first spent it.
    stale = VotingCode.objects.get(code_hash=actions.code_hash(code))
    actions.do_cast_online(code, picks={"secretary": ["A1"]})
    assert stale.used is False
    with pytest.raises(actions.CodeRefused, match="已经使用过"):
        actions.do_cast_online(code, picks={"secretary": ["A2"]})
    assert [(b.picks, b.count) for b in RecommendationBallot.objects.filter(stage=stage)] == [
        ({"secretary": ["A1"]}, 1)
    ]


# --- selection at 1:2 with a tie at the cut-off broken by lot (R3, L1) ------------------------


def test_selection_tie_at_the_cut_off_is_broken_by_a_committed_lot(
    county_admin: Any, qingquan_staff: Any, townships: dict[str, Any]
) -> None:
    from zhixuan.rules import lot as lots
    from zhixuan.web.elections.outcomes import election_outcome
    from zhixuan.web.recommendation import actions
    from zhixuan.web.recommendation.models import Lot

    election = create_election(county_admin, townships["清泉镇"], overrides={"selection_ratio": 2, "cutoff_tie": "lot"})
    load_roster(election, county_admin)
    add_nominees(election, {"secretary": [("A1", "王一"), ("A2", "李二"), ("A3", "张三")]})
    [stage] = actions.do_create_stages(county_admin, election=election)
    actions.do_open_stage(county_admin, stage=stage)
    members_group, public_group = stage.groups.all()
    secretary = election.positions.get(kind="secretary")
    actions.do_record_group_total(county_admin, stage=stage, group=members_group, position=secretary, valid=10,
                                  votes={"A1": 6, "A2": 3, "A3": 3})  # fmt: skip
    actions.do_record_group_total(county_admin, stage=stage, group=public_group, position=secretary, valid=4,
                                  votes={"A1": 2, "A2": 1, "A3": 1})  # fmt: skip
    with pytest.raises(ValidationError, match="没有需要抽签的截止线并列"):
        actions.do_commit_lot(county_admin, election=election, purpose="selection")
    actions.do_close_stage(county_admin, stage=stage)

    client = staff_client("qingquan")
    base = f"/elections/{election.pk}/recommendation/"
    page = client.get(base + "results/").content.decode()
    # 王一 7/10·6/10 + 3/10·2/4 = 57.00%; 李二 = 张三 = 7/10·3/10 + 3/10·1/4 = 28.50%: two places at 1:2.
    assert "57.00%" in page and page.count("28.50%") >= 2
    assert "李二、张三 争 1 个名额，需公开抽签" in page and "截止线并列抽签" in page
    assert election_outcome(election).outcome("preliminary") is None

    client.post(base + "lot/selection/commit/")
    lot = Lot.objects.get(election=election, purpose="selection")
    assert lot.secret not in client.get(base + "lot/selection/").content.decode()
    client.post(base + "lot/selection/draw/", {"entropy": "4 4 2"})
    lot.refresh_from_db()
    drawn = lots.draw(["A2", "A3"], bytes.fromhex(lot.secret), "4 4 2", "R3 secretary").order
    assert lot.result == [{"label": "R3 secretary", "order": list(drawn)}]
    assert election_outcome(election).outcome("preliminary")["secretary"] == ["A1", drawn[0]]
    page = client.get(base + "results/").content.decode()
    assert "按抽签顺序确定" in page and "初步候选人（按姓氏笔画）" in page


# --- access --------------------------------------------------------------------------------


def test_staff_of_another_township_get_404(county_admin: Any, lingshan_staff: Any, election: Any) -> None:
    from zhixuan.web.recommendation.actions import do_create_stages

    do_create_stages(county_admin, election=election)
    client = staff_client("lingshan")
    base = f"/elections/{election.pk}/recommendation/"
    for url in (base, base + "results/", base + "recommendation/", base + "recommendation/screen/",
                base + "recommendation/control/", base + "lot/speech/"):  # fmt: skip
        assert client.get(url).status_code == 404, url
    assert client.post(base + "recommendation/status/open/").status_code == 404
    assert client.post(base + "lot/speech/commit/").status_code == 404
    assert election.recommendation_stages.get().status == "preparing"


def test_pages_read_in_english_on_request(county_admin: Any, election: Any) -> None:
    from zhixuan.web.recommendation.actions import do_create_stages, do_open_stage

    [stage] = do_create_stages(county_admin, election=election)
    do_open_stage(county_admin, stage=stage)
    client = staff_client("county")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(f"/elections/{election.pk}/recommendation/{stage.key}/").content.decode()
    assert "Enter paper ballots" in page and "Check-in and voting" in page and "Online recommendation codes" in page
