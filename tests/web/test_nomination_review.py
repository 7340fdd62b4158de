"""Qualification review (N4): the core's automatic check, the working group's decision with a written
reason, the public notice with its objection window, objections and their outcome."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from test_nomination_portal import actions_of, application, open_registration
from web_helpers import PASSWORD

from zhixuan.web.elections.models import Position
from zhixuan.web.elections.outcomes import election_outcome
from zhixuan.web.nomination.actions import do_publish_notice, do_record_review
from zhixuan.web.nomination.models import Applicant, Objection, ReviewDecision, ReviewNotice


@pytest.fixture
def staff(election: Any, county_admin: Any, qingquan_staff: Any) -> Client:
    """Three portal applicants for secretary: 王建 (12 years), 李建 (1 year: fails the 3-year condition),
    张建 (8 years); the working group's client."""
    open_registration(election, county_admin)
    public = Client()
    public.post(f"/public/elections/{election.pk}/apply/", application(pref_2=""))
    public.post(
        f"/public/elections/{election.pk}/apply/",
        application(name="李建", member_number="0002", party_years="1", pref_2=""),
    )
    public.post(
        f"/public/elections/{election.pk}/apply/",
        application(name="张建", member_number="0003", party_years="8", pref_2=""),
    )
    assert list(Applicant.objects.values_list("number", flat=True)) == ["A001", "A002", "A003"]
    client = Client()
    client.login(username="qingquan", password=PASSWORD)
    return client


def review(client: Client, election: Any, number: str, verdict: str, reason: str = "") -> Any:
    applicant = Applicant.objects.get(election=election, number=number)
    secretary = Position.objects.get(election=election, kind="secretary")
    return client.post(
        f"/elections/{election.pk}/review/{applicant.pk}/",
        {"position": secretary.pk, "verdict": verdict, "reason": reason},
        follow=True,
    )


def test_n4_the_review_page_shows_the_cores_automatic_check(election: Any, staff: Client) -> None:
    page = staff.get(f"/elections/{election.pk}/review/").content.decode()
    assert "王建 符合 党委书记 职位资格条件" in page
    assert "李建（党委书记）：党龄 1 年，不满 3 年" in page
    assert "李建 不符合 党委书记 职位资格条件：党龄 1 年，不满 3 年" in page


def test_n4_not_qualified_needs_a_written_reason(election: Any, staff: Client) -> None:
    page = review(staff, election, "A003", "not_qualified").content.decode()
    assert "认定不合格须写明理由 (N4)" in page
    assert not ReviewDecision.objects.exists()
    page = review(staff, election, "A003", "not_qualified", "档案记载受过党内警告处分，影响期未满").content.decode()
    assert "已记录 张建（党委书记）的审查结论" in page
    decision = ReviewDecision.objects.get()
    assert (decision.qualified, decision.reason) == (False, "档案记载受过党内警告处分，影响期未满")
    # The core turns the working group's reason into the disqualification (N4).
    assert election_outcome(election).outcome("qualified") == {
        "secretary": ["A001"],
        "deputy_secretary": [],
        "member": [],
    }
    assert "档案记载受过党内警告处分，影响期未满" in staff.get(f"/elections/{election.pk}/review/").content.decode()


def test_n4_a_failed_condition_cannot_be_declared_qualified(election: Any, staff: Client, qingquan_staff: Any) -> None:
    applicant = Applicant.objects.get(number="A002")
    secretary = Position.objects.get(election=election, kind="secretary")
    with pytest.raises(ValidationError) as caught:
        do_record_review(qingquan_staff, applicant=applicant, position=secretary, qualified=True)
    assert "李建 不符合资格条件，不能认定为合格：" in caught.value.messages
    assert "李建（党委书记）：党龄 1 年，不满 3 年 (N4)" in caught.value.messages
    assert not ReviewDecision.objects.exists()


def test_n4_the_notice_needs_every_decision_then_freezes_the_qualified_list(
    election: Any, staff: Client, qingquan_staff: Any
) -> None:
    review(staff, election, "A001", "qualified")
    with pytest.raises(ValidationError) as caught:
        do_publish_notice(qingquan_staff, election=election)
    assert caught.value.messages == [
        "以下人选尚未作出审查结论 (N4)：",
        "A002 李建（党委书记）",
        "A003 张建（党委书记）",
    ]
    review(staff, election, "A002", "not_qualified", "党龄不足 3 年")
    review(staff, election, "A003", "qualified")
    response = staff.post(f"/elections/{election.pk}/review/notice/", {"days": "5"}, follow=True)
    assert "资格审查结果已公示" in response.content.decode()
    notice = ReviewNotice.objects.get(election=election)
    assert notice.objections_until - notice.published_at == timedelta(days=5)
    secretary = notice.content["positions"][0]
    assert secretary["kind"] == "secretary"
    assert secretary["qualified"] == [{"number": "A001", "name": "王建"}, {"number": "A003", "name": "张建"}]
    public = Client().get(f"/public/elections/{election.pk}/notice/").content.decode()
    assert "王建" in public and "张建" in public and "李建" not in public
    # Registration is closed and decisions are frozen once the notice is out.
    closed = Client().post(f"/public/elections/{election.pk}/apply/", application(name="刘建", member_number="0004"))
    assert closed.status_code == 409 and "报名已截止或尚未开始" in closed.content.decode()
    assert "审查结果已公示，不能再修改" in review(staff, election, "A003", "not_qualified", "x").content.decode()


def publish(election: Any, staff: Client, qingquan_staff: Any) -> None:
    review(staff, election, "A001", "qualified")
    review(staff, election, "A002", "not_qualified", "党龄不足 3 年")
    review(staff, election, "A003", "qualified")
    do_publish_notice(qingquan_staff, election=election)


def test_n4_an_upheld_objection_disqualifies_the_nominee(election: Any, staff: Client, qingquan_staff: Any) -> None:
    publish(election, staff, qingquan_staff)
    public = Client()
    # A reason is mandatory; a name is not.
    response = public.post(f"/public/elections/{election.pk}/notice/", {"nominee": "A003|secretary", "reason": ""})
    assert response.status_code == 422 and "这个字段是必填项" in response.content.decode()
    response = public.post(
        f"/public/elections/{election.pk}/notice/",
        {"nominee": "A003|secretary", "reason": "任村支书期间违规发放补贴"},
    )
    assert response.status_code == 302
    public.post(
        f"/public/elections/{election.pk}/notice/",
        {"nominee": "A001|secretary", "by": "陈某", "reason": "学历造假"},
    )
    assert Objection.objects.filter(upheld=None).count() == 2
    first, second = Objection.objects.order_by("pk")

    page = staff.get(f"/elections/{election.pk}/review/").content.decode()
    assert "任村支书期间违规发放补贴" in page and "陈某" in page
    # A conclusion must be written.
    staff.post(f"/elections/{election.pk}/review/objections/{first.pk}/", {"verdict": "upheld", "outcome": ""})
    first.refresh_from_db()
    assert first.upheld is None
    staff.post(
        f"/elections/{election.pk}/review/objections/{first.pk}/",
        {"verdict": "upheld", "outcome": "经纪委核查属实"},
    )
    staff.post(
        f"/elections/{election.pk}/review/objections/{second.pk}/",
        {"verdict": "rejected", "outcome": "经核对学历证书和学信网记录，学历真实"},
    )
    first.refresh_from_db()
    assert (first.upheld, first.outcome) == (True, "经纪委核查属实")

    outcome = election_outcome(election)
    assert outcome.outcome("qualified") == {"secretary": ["A001"], "deputy_secretary": [], "member": []}
    notice_page = Client().get(f"/public/elections/{election.pk}/notice/").content.decode()
    assert "张建（党委书记）公示期间异议成立：任村支书期间违规发放补贴，取消资格" in notice_page
    assert "王建（党委书记）公示期间异议经核查不成立，资格审查结论不变" in notice_page
    assert '<span class="zx-rule">N4</span>' in notice_page
    # The working group's own not-qualified decision (李建) is not presented as a public objection.
    assert "李建" not in notice_page
    staff_page = staff.get(f"/elections/{election.pk}/review/").content.decode()
    assert "张建（党委书记）公示期间异议成立：任村支书期间违规发放补贴，取消资格" in staff_page
    assert "李建（党委书记）公示期间异议成立" not in staff_page


def test_n4_objections_are_refused_after_the_window(election: Any, staff: Client, qingquan_staff: Any) -> None:
    publish(election, staff, qingquan_staff)
    ReviewNotice.objects.filter(election=election).update(objections_until=timezone.now() - timedelta(minutes=1))
    response = Client().post(
        f"/public/elections/{election.pk}/notice/", {"nominee": "A001|secretary", "reason": "迟到的异议"}
    )
    assert "公示期已结束，不再受理异议 (N4)" in response.content.decode()
    assert not Objection.objects.exists()


def test_every_action_writes_an_audit_entry(election: Any, staff: Client, qingquan_staff: Any) -> None:
    from test_nomination_joint import joint_nominee

    route = joint_nominee(election, qingquan_staff, 5, position="member")
    staff.post(f"/elections/{election.pk}/nominations/routes/{route.pk}/signatures/", {"numbers": "0006\n0007"})
    staff.post(
        f"/elections/{election.pk}/nominations/{route.applicant.pk}/routes/",
        {"kind": "organisation", "by": "镇机关党支部"},
    )
    staff.post(f"/elections/{election.pk}/nominations/{route.applicant.pk}/withdraw/")
    publish(election, staff, qingquan_staff)
    Client().post(f"/public/elections/{election.pk}/notice/", {"nominee": "A001|secretary", "reason": "反映问题"})
    objection = Objection.objects.get()
    staff.post(
        f"/elections/{election.pk}/review/objections/{objection.pk}/", {"verdict": "rejected", "outcome": "不属实"}
    )
    logged = set(actions_of(election))
    assert {
        "nomination.submit_application",
        "nomination.add_applicant",
        "nomination.add_signatures",
        "nomination.add_route",
        "nomination.withdraw_applicant",
        "nomination.record_review",
        "nomination.publish_notice",
        "nomination.file_objection",
        "nomination.decide_objection",
    } <= logged
    assert actions_of(election).count("nomination.record_review") == 3
