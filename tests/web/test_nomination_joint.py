"""Joint nominations (N2): at least 20 valid signatories from the roster of recommenders (P1), each
signing at most once per position; paper signatures entered in batches, members signing online."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from test_nomination_portal import actions_of, open_registration, person
from web_helpers import PASSWORD, make_user

from zhixuan.web.elections.outcomes import election_outcome
from zhixuan.web.nomination import selectors
from zhixuan.web.nomination.actions import ApplicantInput, do_add_applicant, do_add_signatures
from zhixuan.web.nomination.models import Applicant, NominationRoute, Signature
from zhixuan.web.roster.models import Member

FULL = 45  # members 0001..0045 are full members; 0046 is probationary


def numbers(first: int, last: int) -> str:
    return "\n".join(f"{i:04d}" for i in range(first, last + 1))


def joint_nominee(election: Any, actor: Any, i: int, position: str = "secretary") -> NominationRoute:
    data = ApplicantInput(name=person(i), member_number=f"{i:04d}", positions=[position], age=40, party_years=10)
    applicant = do_add_applicant(actor, election=election, data=data, route="joint")
    return applicant.routes.get()


@pytest.fixture
def staff_client(election: Any, county_admin: Any, qingquan_staff: Any) -> Client:
    open_registration(election, county_admin, full=FULL, probationary=1)
    client = Client()
    client.login(username="qingquan", password=PASSWORD)
    return client


def test_n2_nineteen_signatures_do_not_nominate_twenty_do(
    election: Any, qingquan_staff: Any, staff_client: Client
) -> None:
    route = joint_nominee(election, qingquan_staff, 1)
    # 18 members and one public rep: 19 valid signatories.
    do_add_signatures(qingquan_staff, route=route, text=numbers(2, 19) + "\nQ001")
    check = selectors.joint_checks(election)[route.pk]
    assert (check.valid, len(check.valid_signatures)) == (False, 19)
    assert (
        check.decision.zh
        == "联名推荐 王建 任 党委书记 不成立：有效联名 19 人 < 20 人（签名 19 个，不在名册 0 个，重复 0 个）"
    )
    page = staff_client.get(f"/elections/{election.pk}/nominations/routes/{route.pk}/signatures/").content.decode()
    assert "19 / 20" in page and "有效联名 19 人 &lt; 20 人" in page
    assert election_outcome(election).outcome("qualified") == {"secretary": [], "deputy_secretary": [], "member": []}

    # The twentieth, entered through the page.
    response = staff_client.post(
        f"/elections/{election.pk}/nominations/routes/{route.pk}/signatures/", {"numbers": "0020"}
    )
    assert response.status_code == 302
    check = selectors.joint_checks(election)[route.pk]
    assert (check.valid, len(check.valid_signatures)) == (True, 20)
    assert check.decision.code == "joint_nomination_valid"
    outcome = election_outcome(election)
    assert outcome.outcome("qualified") == {"secretary": ["A001"], "deputy_secretary": [], "member": []}
    nomination = outcome.section("nomination")
    assert nomination is not None
    assert any(d.zh == "王建 经 联名推荐（有效联名 20 人） 成为 党委书记 提名人选" for d in nomination.decisions)
    assert actions_of(election).count("nomination.add_signatures") == 2


def test_n2_a_batch_with_bad_lines_is_rejected_whole_with_each_line_named(
    election: Any, qingquan_staff: Any, staff_client: Client
) -> None:
    route = joint_nominee(election, qingquan_staff, 1)
    rival = joint_nominee(election, qingquan_staff, 2)
    do_add_signatures(qingquan_staff, route=rival, text="0030")
    before = Signature.objects.count()
    response = staff_client.post(
        f"/elections/{election.pk}/nominations/routes/{route.pk}/signatures/",
        {"numbers": "0021\n9999\n0046\n0030\n0021\n0022"},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "有错误，本批签名均未保存" in page
    assert "第 2 行 9999：名册中没有编号 9999（须为党员或群众代表）(N2)" in page
    assert f"第 3 行 0046：{person(46)}（0046）为预备党员，没有推荐权，不能联名 (P1)" in page
    assert f"第 4 行 0030：{person(30)}（0030）已为该职位联名推荐 李建，同一职位只能签名一次 (N2)" in page
    assert "第 5 行 0021：与第 1 行重复 (N2)" in page
    assert Signature.objects.count() == before  # nothing of the batch is stored, not even 0021 and 0022
    assert actions_of(election).count("nomination.add_signatures") == 1


def test_n2_empty_batch_and_non_joint_routes_are_refused(election: Any, qingquan_staff: Any, staff_client: Any) -> None:
    route = joint_nominee(election, qingquan_staff, 1)
    with pytest.raises(ValidationError, match="请填写签名人的名册编号"):
        do_add_signatures(qingquan_staff, route=route, text=" \n ")
    applicant = do_add_applicant(
        qingquan_staff,
        election=election,
        data=ApplicantInput(name=person(2), member_number="0002", positions=["member"], age=40, party_years=10),
        route="organisation",
        by="镇机关党支部",
    )
    with pytest.raises(ValidationError, match="只有联名推荐需要签名"):
        do_add_signatures(qingquan_staff, route=applicant.routes.get(), text="0003")


def test_n2_a_joint_route_is_added_for_a_position_applied_for(election: Any, staff_client: Client) -> None:
    staff_client.post(
        f"/elections/{election.pk}/nominations/add/",
        {
            "name": person(1),
            "member_number": "0001",
            "gender": "男",
            "age": "40",
            "party_years": "10",
            "education": "大专",
            "pref_1": "deputy_secretary",
            "route": "self",
        },
    )
    applicant = Applicant.objects.get()
    url = f"/elections/{election.pk}/nominations/{applicant.pk}/routes/"
    refused = staff_client.post(url, {"kind": "joint", "position": "secretary"}, follow=True)
    assert "联名推荐须针对 王建 报名的职位 (N2, N3)" in refused.content.decode()
    response = staff_client.post(url, {"kind": "joint", "position": "deputy_secretary"})
    route = NominationRoute.objects.get(applicant=applicant, kind="joint")
    assert response["Location"] == f"/elections/{election.pk}/nominations/routes/{route.pk}/signatures/"
    assert route.position.kind == "deputy_secretary"


def test_n2_members_sign_online_once_per_position(election: Any, qingquan_staff: Any, staff_client: Client) -> None:
    first = joint_nominee(election, qingquan_staff, 1)
    second = joint_nominee(election, qingquan_staff, 2)
    make_user("m21", "member", election=election, member=Member.objects.get(election=election, number="0021"))
    member = Client()
    member.login(username="m21", password=PASSWORD)
    page = member.get(f"/elections/{election.pk}/sign/").content.decode()
    assert person(1) in page and person(2) in page and "联名签名" in page

    response = member.post(f"/elections/{election.pk}/sign/", {"route": first.pk}, follow=True)
    assert "您已为 王建 联名签名" in response.content.decode()
    signature = Signature.objects.get(route=first)
    assert (signature.signer_number, signature.source) == ("0021", "online")

    # The same position again, for the other nominee: refused (N2).
    response = member.post(f"/elections/{election.pk}/sign/", {"route": second.pk}, follow=True)
    assert f"{person(21)}（0021）已为该职位联名推荐 王建，同一职位只能签名一次 (N2)" in response.content.decode()
    assert not Signature.objects.filter(route=second).exists()
    assert "您已签名" in member.get(f"/elections/{election.pk}/sign/").content.decode()
    assert actions_of(election).count("nomination.sign_online") == 1


def test_n2_a_probationary_member_or_an_unlinked_account_cannot_sign(
    election: Any, qingquan_staff: Any, staff_client: Client
) -> None:
    route = joint_nominee(election, qingquan_staff, 1)
    make_user("m46", "member", election=election, member=Member.objects.get(election=election, number="0046"))
    make_user("observer", "observer", election=election)
    probationary = Client()
    probationary.login(username="m46", password=PASSWORD)
    assert "没有推荐权" in probationary.get(f"/elections/{election.pk}/sign/").content.decode()
    response = probationary.post(f"/elections/{election.pk}/sign/", {"route": route.pk}, follow=True)
    assert f"{person(46)}（0046）为预备党员，没有推荐权，不能联名 (P1)" in response.content.decode()
    unlinked = Client()
    unlinked.login(username="observer", password=PASSWORD)
    response = unlinked.post(f"/elections/{election.pk}/sign/", {"route": route.pk}, follow=True)
    assert "您的账号没有关联本次选举名册中的党员或群众代表，不能签名 (N2)" in response.content.decode()
    assert not Signature.objects.exists()
