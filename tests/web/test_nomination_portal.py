"""Registration: the public portal (N3), staff entry of paper applications (N2), who may see what."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from web_helpers import MEMBER_HEADER, PASSWORD, csv_bytes, member_row

from zhixuan.web.audit.models import AuditEntry
from zhixuan.web.elections.actions import do_publish_announcement
from zhixuan.web.nomination.models import Applicant, NominationRoute
from zhixuan.web.roster.actions import do_import_members, do_import_public_reps

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "建国华明军平志德文海"


def person(i: int) -> str:
    """A distinct real-looking name for roster row ``i`` (names are ordered by surname strokes, C4)."""
    return SURNAMES[(i - 1) % len(SURNAMES)] + GIVEN[(i - 1) // len(SURNAMES)]


def open_registration(election: Any, actor: Any, *, full: int = 25, probationary: int = 1, reps: int = 3) -> None:
    """Roster 0001..: ``full`` full members named ``person(i)``, then ``probationary`` probationary ones;
    public reps Q001..; then the announcement is published, which opens registration (N1)."""
    rows = [member_row(i, person(i)) for i in range(1, full + 1)]
    rows += [member_row(full + i, person(full + i), "预备党员") for i in range(1, probationary + 1)]
    do_import_members(actor, election=election, filename="m.csv", data=csv_bytes(MEMBER_HEADER, rows))
    if reps:
        data = csv_bytes(["编号", "姓名"], [[f"Q{i:03d}", f"代表{SURNAMES[i]}{GIVEN[i]}"] for i in range(1, reps + 1)])
        do_import_public_reps(actor, election=election, filename="q.csv", data=data)
    do_publish_announcement(actor, election=election)
    cache.clear()  # the portal's per-address submission counter


def application(**fields: Any) -> dict[str, Any]:
    data = {
        "name": "王建",
        "member_number": "0001",
        "gender": "男",
        "age": "38",
        "party_years": "12",
        "education": "大学本科",
        "identity": "乡镇干部",
        "current_post": "镇党政办主任",
        "phone": "13800001111",
        "statement": "发展集体经济，办好民生实事。",
        "pref_1": "secretary",
        "pref_2": "deputy_secretary",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def actions_of(election: Any) -> list[str]:
    return list(AuditEntry.objects.filter(chain__key=election.audit_chain).values_list("action", flat=True))


def test_n3_portal_application_gets_a_number_a_self_route_and_a_roster_link(election: Any, county_admin: Any) -> None:
    open_registration(election, county_admin)
    client = Client()
    page = client.get(f"/public/elections/{election.pk}/apply/")
    assert page.status_code == 200 and "竞职陈述" in page.content.decode()
    response = client.post(f"/public/elections/{election.pk}/apply/", application())
    assert response.status_code == 302
    done = client.get(response["Location"]).content.decode()
    assert "A001" in done and "党委书记" in done
    applicant = Applicant.objects.get(election=election)
    assert (applicant.number, applicant.source, applicant.member.number) == ("A001", "portal", "0001")
    assert [(p.preference, p.position.kind) for p in applicant.positions.all()] == [
        (1, "secretary"),
        (2, "deputy_secretary"),
    ]
    assert [r.kind for r in applicant.routes.all()] == ["self"]
    assert (applicant.age, applicant.party_years, applicant.education) == (38, 12, "大学本科")
    # The next applicant gets the next number.
    client.post(f"/public/elections/{election.pk}/apply/", application(name="李建", member_number="0002"))
    assert list(Applicant.objects.values_list("number", flat=True)) == ["A001", "A002"]
    assert actions_of(election).count("nomination.submit_application") == 2


def test_n3_a_third_position_is_refused_by_the_core_and_nothing_is_stored(election: Any, county_admin: Any) -> None:
    open_registration(election, county_admin)
    response = Client().post(f"/public/elections/{election.pk}/apply/", application(pref_3="member"))
    assert response.status_code == 422
    page = response.content.decode()
    # The core's N3 decision, in its words: the third preference exceeds the limit of 2.
    assert "第 3 志愿 党委委员 超过每人最多报名 2 个职位的限制，不予受理 (N3)" in page
    assert Applicant.objects.count() == 0
    assert "nomination.submit_application" not in actions_of(election)


def test_n3_the_same_position_twice_is_refused(election: Any, county_admin: Any) -> None:
    open_registration(election, county_admin)
    response = Client().post(f"/public/elections/{election.pk}/apply/", application(pref_2="secretary"))
    assert response.status_code == 422
    assert "与前面的志愿重复，不予受理 (N3)" in response.content.decode()
    assert Applicant.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"age": "十八"}, "年龄须填写整数（周岁）"),
        ({"age": "12"}, "年龄须在 18 至 100 周岁之间"),
        ({"phone": "call me"}, "联系电话只能包含数字"),
        ({"statement": ""}, "这个字段是必填项"),
        ({"pref_1": "", "pref_2": ""}, "请至少选择一个报名职位 (N3)"),
        ({"member_number": "9999"}, "名册中没有编号为 9999 的党员"),
        ({"name": "Wang", "member_number": ""}, "姓名中的「W」无法按姓氏笔画排序，请填写规范汉字姓名 (C4)"),
        ({"member_number": "0002"}, "党员编号 0002 在名册中对应 李建，与填写的姓名 王建 不一致"),
    ],
)
def test_bad_fields_are_named_and_nothing_is_stored(
    election: Any, county_admin: Any, fields: dict[str, str], message: str
) -> None:
    open_registration(election, county_admin)
    response = Client().post(f"/public/elections/{election.pk}/apply/", application(**fields))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Applicant.objects.count() == 0


def test_a_member_applies_only_once(election: Any, county_admin: Any) -> None:
    open_registration(election, county_admin)
    client = Client()
    client.post(f"/public/elections/{election.pk}/apply/", application())
    response = client.post(f"/public/elections/{election.pk}/apply/", application(pref_1="member", pref_2=""))
    assert response.status_code == 422
    assert "党员 王建 已报名（报名编号 A001），不能重复报名" in response.content.decode()
    assert Applicant.objects.count() == 1


def test_portal_is_closed_before_the_announcement_and_needs_csrf(election: Any, county_admin: Any) -> None:
    # Not announced: the election is not public at all.
    assert Client().get(f"/public/elections/{election.pk}/apply/").status_code == 404
    open_registration(election, county_admin)
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"/public/elections/{election.pk}/apply/", application()).status_code == 403
    assert Applicant.objects.count() == 0


def test_portal_limits_submissions_per_address(election: Any, county_admin: Any, settings: Any) -> None:
    settings.ZHIXUAN_APPLY_LIMIT = 1
    open_registration(election, county_admin)
    client = Client()
    assert client.post(f"/public/elections/{election.pk}/apply/", application()).status_code == 302
    response = client.post(f"/public/elections/{election.pk}/apply/", application(name="李建", member_number="0002"))
    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode()
    assert Applicant.objects.count() == 1


def test_staff_enter_a_paper_nomination_by_an_organisation(
    election: Any, county_admin: Any, qingquan_staff: Any
) -> None:
    open_registration(election, county_admin)
    client = Client()
    client.login(username="qingquan", password=PASSWORD)
    assert client.get(f"/elections/{election.pk}/nominations/add/").status_code == 200
    response = client.post(
        f"/elections/{election.pk}/nominations/add/",
        application(name="张建", member_number="0003", route="organisation", by="清泉村党总支", phone="", statement=""),
    )
    assert response.status_code == 302
    applicant = Applicant.objects.get(election=election)
    assert (applicant.number, applicant.source) == ("A001", "staff")
    assert [(r.kind, r.by) for r in applicant.routes.all()] == [("organisation", "清泉村党总支")]
    listing = client.get(f"/elections/{election.pk}/nominations/").content.decode()
    assert "张建" in listing and "清泉村党总支" in listing
    # An organisation route without its organisation is refused, nothing stored.
    response = client.post(
        f"/elections/{election.pk}/nominations/add/",
        application(name="刘建", member_number="0004", route="organisation", by=""),
    )
    assert response.status_code == 422 and "组织推荐须填写推荐组织名称 (N2)" in response.content.decode()
    assert Applicant.objects.count() == 1
    assert actions_of(election).count("nomination.add_applicant") == 1


def test_staff_add_an_organisation_route_and_withdraw(election: Any, county_admin: Any, qingquan_staff: Any) -> None:
    open_registration(election, county_admin)
    client = Client()
    client.post(f"/public/elections/{election.pk}/apply/", application())
    applicant = Applicant.objects.get()
    client.login(username="qingquan", password=PASSWORD)
    base = f"/elections/{election.pk}/nominations/{applicant.pk}"
    client.post(f"{base}/routes/", {"kind": "organisation", "by": "镇机关党支部"})
    assert [r.kind for r in NominationRoute.objects.filter(applicant=applicant)] == ["self", "organisation"]
    from zhixuan.web.elections.outcomes import election_outcome

    nomination = election_outcome(election).section("nomination")
    assert nomination is not None
    assert any(d.zh == "王建 经 自荐、组织推荐（镇机关党支部） 成为 党委书记 提名人选" for d in nomination.decisions)
    client.post(f"{base}/withdraw/", {"reason": "个人原因"})
    applicant.refresh_from_db()
    assert applicant.withdrawn_at is not None
    assert election_outcome(election).outcome("qualified") is None  # nobody is standing any more
    assert {"nomination.add_route", "nomination.withdraw_applicant"} <= set(actions_of(election))


def test_staff_of_another_township_get_404(election: Any, county_admin: Any, lingshan_staff: Any) -> None:
    open_registration(election, county_admin)
    Client().post(f"/public/elections/{election.pk}/apply/", application())
    applicant = Applicant.objects.get()
    route = applicant.routes.get()
    client = Client()
    client.login(username="lingshan", password=PASSWORD)
    for url in [
        f"/elections/{election.pk}/nominations/",
        f"/elections/{election.pk}/nominations/add/",
        f"/elections/{election.pk}/nominations/{applicant.pk}/",
        f"/elections/{election.pk}/nominations/routes/{route.pk}/signatures/",
        f"/elections/{election.pk}/review/",
        f"/elections/{election.pk}/sign/",
    ]:
        assert client.get(url).status_code == 404, url
    response = client.post(f"/elections/{election.pk}/nominations/{applicant.pk}/withdraw/")
    assert response.status_code == 404
    applicant.refresh_from_db()
    assert applicant.withdrawn_at is None


def test_the_election_page_card_counts_applicants_and_routes(
    election: Any, county_admin: Any, qingquan_staff: Any
) -> None:
    open_registration(election, county_admin)
    Client().post(f"/public/elections/{election.pk}/apply/", application())
    client = Client()
    client.login(username="qingquan", password=PASSWORD)
    page = client.get(f"/elections/{election.pk}/").content.decode()
    assert 'id="nomination-panel"' in page
    assert 'id="panel-applicants">1<' in page
    assert 'id="panel-pending">2<' in page  # two positions, not yet reviewed
    assert f"/elections/{election.pk}/nominations/" in page and f"/public/elections/{election.pk}/apply/" in page


def test_pages_read_in_english_on_request(election: Any, county_admin: Any, qingquan_staff: Any) -> None:
    open_registration(election, county_admin)
    client = Client()
    client.login(username="qingquan", password=PASSWORD)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    apply_page = client.get(f"/public/elections/{election.pk}/apply/").content.decode()
    assert "Online application" in apply_page and "Preference 1" in apply_page and "Statement" in apply_page
    review_page = client.get(f"/elections/{election.pk}/review/").content.decode()
    assert "Qualification review" in review_page and "Publish the notice" in review_page
