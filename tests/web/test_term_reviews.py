"""A1 commitments and A2 annual reviews through the web app, on the elected team of
``examples/three-round-township.yaml`` (imported, and its meeting recorded as the meeting apps store it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from django.test import Client
from test_results_report import cli_run, hold_meeting, import_example
from web_helpers import PASSWORD, make_user

from zhixuan.web.audit.models import AuditEntry
from zhixuan.web.elections.outcomes import election_outcome
from zhixuan.web.term import selectors
from zhixuan.web.term.models import ElectronicRating, RatingCode, ReviewSession


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def team(county_admin: Any, county: Any) -> Any:
    election, kinds = import_example(county_admin, county)
    from zhixuan.web.meeting.models import Meeting

    if not Meeting.objects.filter(election=election).exists():  # the importer may record the meeting itself
        hold_meeting(election, kinds)
    return election


def login(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def url(election: Any, name: str, *args: Any) -> str:
    from django.urls import reverse

    return reverse(f"term:{name}", args=[election.pk, *args])


def test_elected_team_comes_from_the_core(team: Any) -> None:
    leaders = selectors.elected_leaders(team)
    assert [x.position for x in leaders][:1] == ["secretary"]
    assert len(leaders) == 7
    assert selectors.secretary(team).name == "周文斌"


def teller(election: Any, name: str) -> Any:
    return make_user(name, "working_group", township=election.township)


def cells(
    session: ReviewSession, table: dict[str, dict[str, list[int]]], default: dict[str, list[int]]
) -> dict[str, str]:
    """POST data of a paper entry: ``table[name][scale]`` = counts in grade order; others get ``default``."""
    data = {}
    for leader in session.leaders.all():
        for scale in session.scales:
            counts = table.get(leader.name, {}).get(scale, default[scale])
            for grade, n in zip(selectors.SCALE_GRADES[scale], counts, strict=True):
                data[f"c-{leader.leader}-{scale}-{grade}"] = str(n)
    return data


ALL_GOOD = {"satisfaction": [30, 0, 0], "competence": [30, 0, 0, 0]}
EDGES = {
    "周文斌": {"satisfaction": [15, 6, 9], "competence": [10, 10, 0, 10]},  # exactly 70 %; exactly 1/3
}


def open_session(admin: Client, election: Any, year: int, groups: list[tuple[str, str]]) -> ReviewSession:
    response = admin.post(url(election, "create_session"), {"year": year, "satisfaction": "on", "competence": "on"})
    assert response.status_code == 302
    data = {}
    for n, (name, weight) in enumerate(groups, start=1):
        data.update({f"name-{n}": name, f"weight-{n}": weight, f"key-{n}": ["members", "public_reps", "others"][n - 1]})
    admin.post(url(election, "groups", year), data)
    admin.post(url(election, "open", year))
    session = ReviewSession.objects.get(election=election, year=year)
    assert session.status == "open"
    return session


def enter(client: Client, election: Any, session: ReviewSession, group: Any, data: dict[str, str]) -> Any:
    return client.post(url(election, "paper", session.year, group.pk), {"collected": "30", "submit": "1", **data})


def test_a2_edges_exactly_70_percent_and_exactly_one_third_are_not_flagged(team: Any, county_admin: Any) -> None:
    admin = login(county_admin)
    session = open_session(admin, team, 2027, [("党员", "1")])
    group = session.groups.get()
    data = cells(session, EDGES, ALL_GOOD)
    for name in ("teller-a", "teller-b"):
        assert enter(login(teller(team, name)), team, session, group, data).status_code == 302
    assert admin.post(url(team, "agree", 2027, group.pk)).status_code == 302
    admin.post(url(team, "close", 2027))
    session.refresh_from_db()
    assert session.status == "closed"

    results = {(r.name, r.scale): r for r in selectors.session_results(team, session)}
    satisfaction = results[("周文斌", "satisfaction")]
    assert satisfaction.measure == pytest.approx(0.7) and str(satisfaction.measure) == "7/10"
    assert [d.code for d in satisfaction.decisions] == ["satisfaction_ok"]  # exactly 70 %: no warning talk
    competence = results[("周文斌", "competence")]
    assert str(competence.measure) == "1/3"
    assert [d.code for d in competence.decisions] == ["competence_ok"]  # exactly 1/3: no adjustment
    page = admin.get(url(team, "session", 2027)).content.decode()
    assert "周文斌 满意率（满意+基本满意，加权）70.00% 不低于 70.00%，无需诫勉谈话" in page
    assert "不称职票（加权）33.33% 未超过 1/3，无需组织调整" in page


def test_a2_flags_just_past_the_thresholds_with_weighted_groups(team: Any, county_admin: Any) -> None:
    admin = login(county_admin)
    session = open_session(admin, team, 2027, [("党员", "7/10"), ("群众代表", "3/10")])
    members, reps = session.groups.order_by("order")
    second, third = (x.name for x in selectors.elected_leaders(team)[1:3])
    low = {
        "周文斌": {"satisfaction": [10, 10, 10], "competence": [10, 9, 0, 11]},  # 20/30 = 66.67 %; 11/30 > 1/3
        second: {"satisfaction": [10, 10, 10], "competence": [10, 9, 0, 11]},
        third: {"satisfaction": [5, 9, 16], "competence": [10, 9, 0, 11]},
    }
    for group, table in ((members, low), (reps, {k: v for k, v in low.items() if k != "周文斌"})):
        for name in (f"{group.key}-a", f"{group.key}-b"):
            assert (
                enter(login(teller(team, name)), team, session, group, cells(session, table, ALL_GOOD)).status_code
                == 302
            )
        admin.post(url(team, "agree", 2027, group.pk))
    closed = admin.post(url(team, "close", 2027), follow=True).content.decode()
    assert "测评已结束" in closed, closed[closed.find("alert") : closed.find("alert") + 600]
    results = {(r.name, r.scale): r for r in selectors.session_results(team, session)}
    sat = results[("周文斌", "satisfaction")]
    # weighted: 7/10 · 2/3 + 3/10 · 1 = 23/30 — above 70 % although the members' group alone is below.
    assert str(sat.measure) == "23/30" and sat.flags == []
    comp = results[("周文斌", "competence")]
    assert str(comp.measure) == "77/300"  # 7/10 · 11/30
    assert comp.flags == []
    assert [g.total for g in sat.groups] == [30, 30]
    # Both groups below: the weighted rate is below too.
    assert str(results[(second, "satisfaction")].measure) == "2/3"
    assert results[(second, "satisfaction")].flags == ["warning_talk"]
    assert str(results[(second, "competence")].measure) == "11/30"
    assert results[(second, "competence")].flags == ["organisational_adjustment"]
    assert str(results[(third, "satisfaction")].measure) == "7/15"
    assert results[(third, "satisfaction")].flags == ["warning_talk", "recall_may_be_proposed"]
    page = login(county_admin).get(url(team, "session", 2027)).content.decode()
    assert f"{third} 满意率（满意+基本满意，加权）46.67% 低于 50.00%，可以提出罢免（A3）" in page
    assert 'data-code="organisational_adjustment"' in page


def test_weights_not_summing_to_one_are_refused_and_nothing_is_stored(team: Any, county_admin: Any) -> None:
    admin = login(county_admin)
    admin.post(url(team, "create_session"), {"year": 2027, "satisfaction": "on"})
    session = ReviewSession.objects.get(election=team, year=2027)
    before = [(g.name, g.weight) for g in session.groups.all()]
    response = admin.post(
        url(team, "groups", 2027),
        {"key-1": "members", "name-1": "党员", "weight-1": "1/2", "name-2": "群众代表", "weight-2": "1/3"},
        follow=True,
    )
    assert "测评组未保存：各测评组权重之和必须恰好为 1，现在是 5/6 (A2)。" in response.content.decode()
    response = admin.post(
        url(team, "groups", 2027),
        {"name-1": "党员", "weight-1": "0.5", "name-2": "群众", "weight-2": "1/2"},
        follow=True,
    )
    assert "第 1 行「党员」的权重“0.5”不是分数" in response.content.decode()
    assert [(g.name, g.weight) for g in session.groups.all()] == before == [("党员", "1/2"), ("群众代表", "1/2")]
    response = admin.post(
        url(team, "groups", 2027),
        {
            "key-1": "members",
            "name-1": "党员",
            "weight-1": "1/2",
            "key-2": "public_reps",
            "name-2": "群众代表",
            "weight-2": "3/10",
            "name-3": "村干部",
            "weight-3": "1/5",
        },
        follow=True,
    )
    assert "测评组和权重已保存" in response.content.decode()
    assert [(g.name, g.weight) for g in session.groups.all()] == [
        ("党员", "1/2"),
        ("群众代表", "3/10"),
        ("村干部", "1/5"),
    ]


def test_two_tellers_must_agree_before_the_counts_are_used(team: Any, county_admin: Any) -> None:
    admin = login(county_admin)
    session = open_session(admin, team, 2027, [("党员", "1")])
    group = session.groups.get()
    a, b = login(teller(team, "teller-a")), login(teller(team, "teller-b"))
    enter(a, team, session, group, cells(session, EDGES, ALL_GOOD))
    refused = admin.post(url(team, "agree", 2027, group.pk), follow=True).content.decode()
    assert "须有两名计票人分别录入并提交，目前已提交 1 份" in refused
    typo = {"周文斌": {"satisfaction": [16, 6, 8], "competence": [10, 10, 0, 10]}}
    enter(b, team, session, group, cells(session, typo, ALL_GOOD))
    page = b.get(url(team, "paper", 2027, group.pk)).content.decode()
    # Side by side, one column per teller.
    assert '<td>周文斌 · 满意度 · 满意</td><td class="text-end">15</td><td class="text-end">16</td>' in page
    assert '<td>周文斌 · 满意度 · 不满意</td><td class="text-end">9</td><td class="text-end">8</td>' in page
    refused = admin.post(url(team, "agree", 2027, group.pk), follow=True).content.decode()
    assert "两名计票人的录入不一致：周文斌 · 满意度 · 满意：15 / 16；周文斌 · 满意度 · 不满意：9 / 8" in refused
    closed = admin.post(url(team, "close", 2027), follow=True).content.decode()
    assert "党员 的纸质测评表尚未由两名计票人核对一致" in closed
    session.refresh_from_db()
    assert session.status == "open"
    assert selectors.group_counts(group)[selectors.secretary(team).number]["satisfaction"]["satisfied"] == 0
    # A submitted entry cannot be edited; a third teller's entry that agrees with the first settles it.
    assert "您已提交本组的录入" in enter(b, team, session, group, cells(session, EDGES, ALL_GOOD)).content.decode()


def test_one_time_codes_rate_once_and_nothing_links_a_code_to_a_rating(team: Any, county_admin: Any) -> None:
    admin = login(county_admin)
    session = open_session(admin, team, 2027, [("党员", "1")])
    group = session.groups.get()
    page = admin.post(url(team, "codes", 2027, group.pk), {"count": "3"}).content.decode()
    import re

    codes = re.findall(r'zx-code">([A-Z0-9]{5}-[A-Z0-9]{5})<', page)
    assert len(codes) == 3 and RatingCode.objects.filter(group=group).count() == 3
    assert not any(c.replace("-", "") in str(RatingCode.objects.values_list("code_hash", flat=True)) for c in codes)
    voter = Client()
    secretary = selectors.secretary(team)
    marks = {
        f"r-{secretary.number}-satisfaction": "basically_satisfied",
        f"r-{secretary.number}-competence": "competent",
    }
    form = voter.post("/public/term/rate/", {"code": codes[0].lower()}).content.decode()
    assert "周文斌" in form and f'name="r-{secretary.number}-satisfaction"' in form
    assert "测评已提交" in voter.post("/public/term/rate/", {"code": codes[0], "rate": "1", **marks}).content.decode()
    again = voter.post("/public/term/rate/", {"code": codes[0], "rate": "1", **marks})
    assert again.status_code == 422
    assert f"测评码 {codes[0]} 已经使用过，每个测评码只能测评一次。" in again.content.decode()
    unknown = voter.post("/public/term/rate/", {"code": "ABCDE-FGHJK"})
    assert "无效" in unknown.content.decode()
    assert ElectronicRating.objects.count() == 1
    rating = ElectronicRating.objects.get()
    assert rating.marks == {secretary.number: {"satisfaction": "basically_satisfied", "competence": "competent"}}
    assert {f.name for f in ElectronicRating._meta.get_fields()} == {"id", "group", "marks"}
    assert len(rating.id) == 32  # random key: no cast order
    assert not AuditEntry.objects.filter(action__startswith="term.cast").exists()
    assert RatingCode.objects.filter(used=True).count() == 1
    counts = selectors.group_counts(group)[secretary.number]
    assert counts == {
        "satisfaction": {"satisfied": 0, "basically_satisfied": 1, "dissatisfied": 0},
        "competence": {"excellent": 0, "competent": 1, "basically_competent": 0, "incompetent": 0},
    }


def test_commitment_item_by_item_published_on_the_board_and_reviewed_each_year(team: Any, county_admin: Any) -> None:
    from zhixuan.web.elections.actions import do_publish_announcement

    staff = login(teller(team, "wg"))
    response = staff.post(url(team, "commitment"), {"item-1": "", "item-2": "  "})
    assert response.status_code == 422 and "请至少填写一项任期目标 (A1)。" in response.content.decode()
    targets = ["三年内全乡人均纯收入年均增长 10%", "建成 2 个特色农业产业基地", "每半年向党员大会报告一次工作"]
    staff.post(url(team, "commitment"), {f"item-{n}": t for n, t in enumerate(targets, start=1)})
    staff.post(url(team, "publish_commitment"))
    commitment = team.term_commitment
    assert commitment.published_at is not None and commitment.leader_name == "周文斌"
    assert [i.text for i in commitment.items.all()] == targets
    # Published items are fixed (A1).
    refused = staff.post(url(team, "commitment"), {"item-1": "改过的目标"})
    assert "任期目标承诺已公开，不能再修改条目 (A1)。" in refused.content.decode()

    year = commitment.published_at.year
    missing = staff.post(url(team, "review_commitment", year), {"status-t1": "done", "status-t3": "abandoned"})
    text = missing.content.decode()
    assert missing.status_code == 422
    assert "第 2 项「建成 2 个特色农业产业基地」未选择完成情况" in text
    assert "第 3 项「每半年向党员大会报告一次工作」标为已放弃，必须写明理由" in text
    assert not commitment.items.filter(reviews__year=year).exists()  # nothing half-stored
    staff.post(
        url(team, "review_commitment", year),
        {"status-t1": "in_progress", "status-t2": "done", "status-t3": "abandoned", "note-t3": "改为每季度报告"},
    )
    outcome = election_outcome(team)
    codes = [d.code for d in outcome.section("commitment").decisions]
    assert codes == ["commitment_published", "commitment_reviewed"]
    review = outcome.section("commitment").decisions[1]
    assert review.zh == (
        f"周文斌 {year} 年度任期目标承诺 3 项：未启动 0 项、推进中 1 项、已完成 1 项、已放弃 1 项（完成率 33.33%）"
    )
    if team.announced_at is None:
        do_publish_announcement(county_admin, election=team)
    board = Client().get(f"/public/elections/{team.pk}/board/").content.decode()
    assert "党委书记任期目标承诺" in board and "建成 2 个特色农业产业基地" in board
    assert f"{year} 已放弃" in board and "改为每季度报告" in board and review.zh in board
    actions_logged = list(
        AuditEntry.objects.filter(action__startswith="term.").order_by("pk").values_list("action", flat=True)
    )
    assert actions_logged == ["term.save_commitment", "term.publish_commitment", "term.review_commitment"]


def closed_year(admin: Client, election: Any, year: int, table: dict[str, Any]) -> ReviewSession:
    session = open_session(admin, election, year, [("党员", "1/2"), ("群众代表", "1/2")])
    for group in session.groups.all():
        for name in (f"{group.key}-{year}-a", f"{group.key}-{year}-b"):
            enter(login(teller(election, name)), election, session, group, cells(session, table, ALL_GOOD))
        admin.post(url(election, "agree", year, group.pk))
    admin.post(url(election, "close", year))
    session.refresh_from_db()
    assert session.status == "closed"
    return session


def test_the_exported_record_reproduces_the_apps_decisions_with_zhixuan_run(
    team: Any, county_admin: Any, tmp_path: Path
) -> None:
    admin = login(county_admin)
    staff = login(teller(team, "wg"))
    staff.post(url(team, "commitment"), {"item-1": "修通村村公路", "item-2": "建成卫生院"})
    staff.post(url(team, "publish_commitment"))
    closed_year(admin, team, 2027, EDGES)
    closed_year(admin, team, 2028, {"周文斌": {"satisfaction": [5, 9, 16], "competence": [10, 9, 0, 11]}})
    app = [
        (r.year, r.name, r.scale, [(d.rule, d.code, d.zh) for d in r.decisions]) for r in selectors.rating_results(team)
    ]
    assert len(app) == 7 * 2 * 2
    run = cli_run(team, tmp_path)
    sections = {s["key"]: s for s in run["sections"]}
    cli = [(d["rule"], d["code"], d["zh"]) for d in sections["ratings"]["decisions"]]
    assert cli == [d for *_, ds in app for d in ds]
    assert [d["code"] for d in sections["commitment"]["decisions"]] == ["commitment_published"]
    flagged = [(y, n, s, [c for _, c, _ in ds]) for y, n, s, ds in app if n == "周文斌"]
    assert flagged == [
        (2027, "周文斌", "satisfaction", ["satisfaction_ok"]),
        (2027, "周文斌", "competence", ["competence_ok"]),
        (2028, "周文斌", "satisfaction", ["warning_talk", "recall_may_be_proposed"]),
        (2028, "周文斌", "competence", ["organisational_adjustment"]),
    ]
    # The trend chart shows both years for every leader; 2028 is flagged for the secretary.
    page = admin.get(url(team, "overview")).content.decode()
    assert page.count("<svg") == 2 and "周文斌 2028: 46.67%" in page and "周文斌 2027: 70.00%" in page

    # The public record carries the published commitment but not the ratings (they feed the county's decisions).
    from zhixuan.web.elections.actions import do_publish_announcement

    if team.announced_at is None:
        do_publish_announcement(county_admin, election=team)
    public = yaml.safe_load(Client().get(f"/public/elections/{team.pk}/board/record.yaml").content)
    assert [i["text"] for i in public["commitment"]["items"]] == ["修通村村公路", "建成卫生院"]
    assert "ratings" not in public

    # Excel and PDF for the county.
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(admin.get(url(team, "results_xlsx")).content))
    rows = list(book["测评结果"].iter_rows(values_only=True))
    assert rows[0][:6] == ("年度", "姓名", "职务", "量表", "测评组", "权重")
    weighted = [r for r in rows if r[1] == "周文斌" and r[0] == 2028 and r[4] == "加权" and r[3] == "满意度"]
    assert weighted[0][6:9] == ("16.67%", "30.00%", "53.33%") and weighted[0][-1] == "诫勉谈话、可提出罢免"
    decisions = list(book["决定"].iter_rows(values_only=True))
    assert ("A2", "organisational_adjustment") in {(r[3], r[4]) for r in decisions}
    pdf = admin.get(url(team, "results_pdf"))
    assert pdf.content.startswith(b"%PDF")
    (tmp_path / "results.pdf").write_bytes(pdf.content)
    from test_results_report import pdf_text

    text = pdf_text(tmp_path / "results.pdf")
    assert "低于 50.00%，可以提出罢免" in text.replace("\n", "") or "可以提出罢免" in text


def test_other_townships_staff_get_404_and_the_county_only_pages_need_the_county(
    team: Any, county_admin: Any, county: Any
) -> None:
    from zhixuan.web.elections.actions import do_create_township

    admin = login(county_admin)
    session = open_session(admin, team, 2027, [("党员", "1")])
    group = session.groups.get()
    report = session.leaders.first()
    other = do_create_township(None, county=county, name="远山镇")
    outsider = login(make_user("outsider", "working_group", township=other))
    own = login(teller(team, "wg"))
    pages = [
        url(team, "overview"),
        url(team, "commitment"),
        url(team, "session", 2027),
        url(team, "paper", 2027, group.pk),
        url(team, "report", 2027, report.pk),
        url(team, "form_pdf", 2027),
        url(team, "results_xlsx"),
    ]
    for page in pages:
        assert outsider.get(page).status_code == 404, page
    assert outsider.post(url(team, "close", 2027)).status_code == 404
    assert own.get(url(team, "session", 2027)).status_code == 200
    # The township's working group runs the review; the county sets it up and exports.
    assert own.get(url(team, "results_xlsx")).status_code == 404
    assert own.post(url(team, "groups", 2027), {"name-1": "党员", "weight-1": "1"}).status_code == 404


def test_report_text_and_attachment_and_the_paper_form(team: Any, county_admin: Any, tmp_path: Path) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin = login(county_admin)
    admin.post(url(team, "create_session"), {"year": 2027, "satisfaction": "on", "competence": "on"})
    session = ReviewSession.objects.get(election=team, year=2027)
    report = session.leaders.get(name="周文斌")
    upload = SimpleUploadedFile("述职报告.txt", "一年来，全乡……".encode(), content_type="text/plain")
    staff = login(teller(team, "wg"))
    staff.post(url(team, "report", 2027, report.pk), {"text": "一年来的工作", "attachment": upload})
    report.refresh_from_db()
    assert report.text == "一年来的工作" and report.attachment.name.startswith("term/reports/")
    download = staff.get(url(team, "attachment", 2027, report.pk))
    assert b"".join(download.streaming_content).decode() == "一年来，全乡……"
    pdf = staff.get(url(team, "form_pdf", 2027))
    (tmp_path / "form.pdf").write_bytes(pdf.content)
    from test_results_report import pdf_text

    text = pdf_text(tmp_path / "form.pdf")
    assert "2027 年度述职测评表" in text and "测评组：党员" in text and "测评组：群众代表" in text
    assert "不称职" in text and "周文斌" in text
    entry = AuditEntry.objects.filter(action="term.save_report").get()
    assert entry.data["leader"] == report.leader and entry.data["chars"] == 6


def test_the_pages_in_english(team: Any, county_admin: Any) -> None:
    from django.utils import translation

    admin = login(county_admin)
    session = open_session(admin, team, 2027, [("党员", "1")])
    group = session.groups.get()
    for name in ("teller-a", "teller-b"):
        enter(login(teller(team, name)), team, session, group, cells(session, EDGES, ALL_GOOD))
    admin.post(url(team, "agree", 2027, group.pk))
    admin.post(url(team, "close", 2027))
    admin.post("/i18n/setlang/", {"language": "en", "next": "/"})
    try:
        page = admin.get(url(team, "session", 2027)).content.decode()
        assert "2027 annual review" in page and "Rater groups and weights" in page
        assert "周文斌: satisfaction (satisfied + basically satisfied, weighted) 70.00% is not below 70.00%" in page
        assert "No flag" in page
        overview = admin.get(url(team, "overview")).content.decode()
        assert "Trend across years" in overview and "Satisfaction rate (weighted)" in overview
        rate = Client()
        rate.post("/i18n/setlang/", {"language": "en", "next": "/"})
        assert (
            "Rating code ABCDE-FGHJK is not valid"
            in rate.post("/public/term/rate/", {"code": "abcde-fghjk"}).content.decode()
        )
    finally:
        translation.activate("zh-hans")
