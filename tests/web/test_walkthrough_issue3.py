"""Issue 3 item 13: one election of 清泉镇, from the announcement to the published formal candidates,
taken through every step by clicking in the Chinese UI of Debian's Chromium.

The people: the county admin (``county``: creates the election, publishes the announcement N1,
publishes the formal list), the township working group (``qingquan``: roster P1/P2/P4, nominations
N2/N3, review and the public notice N4, the recommendation meeting R1/R5/R6/L1, inspection C3), a
member account (``zhengHong``, roster 0010: signs a joint nomination online, N2) and the anonymous public (applies on
the portal N3, files an objection N4, watches the lot L1, votes online with a one-time code S1,
reads the board). Only the accounts are made in code; everything else is typed and clicked.

The three-round preset (S0) has no county-committee vote (C2); its recommendation meeting has two
groups, members 7/10 and public reps 3/10 (R1). Selection keeps 1:2 (``selection_ratio = 2``, R3).

Screenshots: ``test-artifacts/screenshots/walkthrough3-NN-<page>.png``.
"""

from __future__ import annotations

import hashlib
import io
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from web_helpers import PASSWORD, SCREENSHOTS, csv_bytes, make_user

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
PROJECTOR = {"width": 1920, "height": 1080}

# The roster: 0001..0036. 0035 and 0036 are probationary (P1); 0031, 0032, 0034 are migrant workers
# (stay expected, P2); 0033 gets an approved excusal (P2).
NAMES = [
    "王建国", "李明", "张丽华", "刘强", "陈静", "周涛", "赵军", "马云飞", "吴敏", "郑红",
    "孙伟", "钱芳", "冯磊", "褚艳", "卫东", "蒋涛", "沈洁", "韩冰", "杨帆", "朱琳",
    "秦岭", "尤佳", "许诺", "何平", "吕梁", "施展", "孔亮", "曹阳", "严肃", "华英",
    "金鑫", "魏巍", "陶然", "姜虹", "戚薇", "谢安",
]  # fmt: skip
PROBATIONARY = {35, 36}
MIGRANT = {31, 32, 34}
REPS = ["代表" + n for n in ("甲", "乙", "丙", "丁", "戊", "己", "庚", "辛")]

_shots: list[str] = []


def number(i: int) -> str:
    return f"{i:04d}"


def name_of(member_number: str) -> str:
    return NAMES[int(member_number) - 1]


@contextmanager
def step(title: str) -> Iterator[None]:
    """A named section of the walkthrough; its time is printed (run with -s to see it)."""
    started = time.monotonic()
    print(f"\n== {title}", flush=True)
    yield
    print(f"   {title}: {time.monotonic() - started:.1f}s", flush=True)


def shot(page: Any, label: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = f"walkthrough3-{len(_shots) + 1:02d}-{label}.png"
    _shots.append(name)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def new_page(chromium: Any, live_server: Any, viewport: dict[str, int], contexts: list[Any]) -> Any:
    context = chromium.new_context(viewport=viewport, locale="zh-CN", base_url=live_server.url)
    contexts.append(context)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("dialog", lambda dialog: dialog.accept())  # "确定提交？" / "确定结束？"
    return page


def log_in(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def flash(page: Any, text: str) -> None:
    """Wait for a success message of the page just loaded."""
    page.get_by_text(text).first.wait_for()


def roster_xlsx(template: bytes) -> bytes:
    """Fill the template the roster page offers: headers are kept, one row per member."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(template))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    for i, name in enumerate(NAMES, start=1):
        values = {
            "编号": number(i),
            "姓名": name,
            "性别": "女" if i % 3 == 0 else "男",
            "党员状态": "预备党员" if i in PROBATIONARY else "正式党员",
            "所在支部": f"第{(i - 1) // 12 + 1}支部",
            "外出务工": "是" if i in MIGRANT else "否",
        }
        sheet.append([values.get(str(h)) for h in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def apply_on_portal(page: Any, election_pk: int, **f: str) -> None:
    page.goto(f"/public/elections/{election_pk}/apply/")
    page.get_by_label("姓名").fill(f["name"])
    page.get_by_label("党员编号（名册中的编号）").fill(f["number"])
    page.get_by_label("性别").select_option(f.get("gender", "男"))
    page.get_by_label("年龄（周岁）").fill(f.get("age", "40"))
    page.get_by_label("党龄（年）").fill(f.get("years", "10"))
    page.get_by_label("学历").select_option(f.get("education", "大学本科"))
    page.get_by_label("联系电话").fill("13800001111")
    page.get_by_label("竞职陈述").fill(f"{f['name']}：发展集体经济，办好民生实事。")
    page.get_by_label("第 1 志愿").select_option(f["first"])
    if f.get("second"):
        page.get_by_label("第 2 志愿").select_option(f["second"])
    page.get_by_role("button", name="提交报名").click()


def staff_applicant(page: Any, election_pk: int, *, route: str, by: str, i: int, position: str) -> None:
    page.goto(f"/elections/{election_pk}/nominations/")
    page.get_by_role("link", name="录入报名").click()
    page.get_by_label("提名方式").select_option(route)
    if by:
        page.get_by_label("推荐组织（组织推荐时填写）").fill(by)
    page.get_by_label("姓名").fill(NAMES[i - 1])
    page.get_by_label("党员编号（名册中的编号）").fill(number(i))
    page.get_by_label("性别").select_option("男")
    page.get_by_label("年龄（周岁）").fill("41")
    page.get_by_label("党龄（年）").fill("11")
    page.get_by_label("学历").select_option("大专")
    page.get_by_label("竞职陈述").fill("抓党建促发展。")
    page.get_by_label("第 1 志愿").select_option(position)
    page.get_by_role("button", name="保存").click()


def check_in(page: Any, group: str, query: str, who: str, expected_count: int) -> None:
    page.locator("#checkin-group").select_option(label=group)
    page.locator("#checkin-q").fill(query)
    hit = page.locator("#checkin-hits li", has_text=who)
    hit.get_by_role("button", name="签到").click()
    row = page.locator("#group-counts tbody tr", has_text=group)
    page.wait_for_function(
        "([g, n]) => [...document.querySelectorAll('#group-counts tbody tr')]"
        ".some(r => r.textContent.includes(g) && r.querySelector('td:nth-child(2)').textContent.trim() === n)",
        arg=[group, str(expected_count)],
    )
    assert row.locator("td").nth(1).inner_text().strip() == str(expected_count)


def paper_ballot(page: Any, group: str, count: int, picks: dict[str, list[str]]) -> None:
    form = page.locator("#paper form").first
    form.locator("select[name=group]").select_option(label=group)
    form.locator("input[name=count]").fill(str(count))
    for kind, numbers in picks.items():
        for n in numbers:
            form.locator(f"label[for=pick_{kind}_{n}]").click()
    form.get_by_role("button", name="录入这张（这些）选票").click()
    flash(page, f"已录入 {count} 张推荐票（{group}）。")


def test_one_election_from_announcement_to_formal_candidates(
    chromium: Any, live_server: Any, county_admin: Any, qingquan_staff: Any, townships: dict[str, Any]
) -> None:
    import yaml
    from django.core.cache import cache

    from zhixuan.rules import lot as lots
    from zhixuan.scenario.loader import validate
    from zhixuan.scenario.runner import run_scenario

    cache.clear()  # the portal's per-address application counter
    started = time.monotonic()
    contexts: list[Any] = []
    county = new_page(chromium, live_server, LAPTOP, contexts)
    staff = new_page(chromium, live_server, LAPTOP, contexts)
    public = new_page(chromium, live_server, PHONE, contexts)
    try:
        _walkthrough(county, staff, public, chromium, live_server, contexts, yaml, lots, validate, run_scenario)
    except Exception:
        # Keep what each open page showed when the walkthrough stopped, next to the step screenshots.
        for c, context in enumerate(contexts):
            for p, page in enumerate(context.pages):
                page.screenshot(path=str(SCREENSHOTS / f"walkthrough3-failure-{c}-{p}.png"), full_page=True)
        raise
    finally:
        for context in contexts:
            context.close()
    print(f"\nwalkthrough: {time.monotonic() - started:.1f}s, {len(_shots)} screenshots", flush=True)


def _walkthrough(
    county: Any,
    staff: Any,
    public: Any,
    chromium: Any,
    live_server: Any,
    contexts: list[Any],
    yaml: Any,
    lots: Any,
    validate: Any,
    run_scenario: Any,
) -> None:
    from zhixuan.web.elections.models import Election
    from zhixuan.web.roster.models import Member

    with step("county admin creates the election from the three-round preset (N1)"):
        log_in(county, "county")
        county.get_by_role("link", name="新建选举").click()
        county.get_by_label("乡镇").select_option(label="清泉镇")
        county.get_by_label("选举名称").fill("清泉镇党委领导班子公推直选")
        county.get_by_label("程序预设").select_option("three-round")
        county.get_by_label("公告开始日期").fill("2026-03-02")
        county.get_by_label(re.compile(r"^党委书记( \*)?$")).fill("1")
        county.get_by_label(re.compile(r"^党委副书记( \*)?$")).fill("2")
        county.get_by_label(re.compile(r"^党委委员( \*)?$")).fill("0")
        county.get_by_label("最低党龄（年）").fill("3")
        county.get_by_label("年龄上限（周岁）").fill("45")
        county.get_by_label("学历要求").fill("大专及以上学历")
        county.get_by_label("其他资格条件（每行一条）").fill("热爱农村工作，群众公认")
        county.get_by_label("工作目标（每行一条）").fill("发展壮大村级集体经济\n改善农村人居环境")
        county.get_by_text("高级：覆盖预设参数").click()
        county.get_by_label("覆盖预设参数（每行“名称 = 值”，可留空）").fill("selection_ratio = 2")
        shot(county, "create-election")
        county.get_by_role("button", name="创建选举").click()
        flash(county, "选举已创建。")
        assert county.get_by_role("heading", name="清泉镇党委领导班子公推直选").is_visible()
        election = Election.objects.get(title="清泉镇党委领导班子公推直选")
        pk = election.pk
        assert county.get_by_text("推荐大会（演讲答辩）").is_visible()  # a stage of the S0 preset
        # The timeline is laid out from the preset's stage lengths (the county may edit it before publishing).
        timeline = county.locator(".zx-timeline li", has_text="推荐大会（演讲答辩）")
        start = timeline.get_by_label("开始")
        start_value = start.input_value()
        assert start_value
        shot(county, "election-draft")

    with step("county admin publishes the announcement (page + PDF)"):
        county.get_by_role("button", name="发布公告").click()
        flash(county, "公告已发布。")
        county.get_by_role("link", name="公开页面").click()
        county.get_by_role("heading", name="测试县清泉镇党委领导班子公推直选公告").wait_for()
        announcement = county.locator("main").inner_text()
        for text in (
            "党委书记",
            "党委副书记",
            "党龄满 3 年",
            "年龄不超过 45 周岁",
            "大专及以上学历",
            "发展壮大村级集体经济",
        ):
            assert text in announcement, text
        pdf_href = county.get_by_role("link", name="下载 A4 PDF").get_attribute("href")
        pdf = county.request.get(pdf_href)
        assert pdf.ok and pdf.body().startswith(b"%PDF") and len(pdf.body()) > 5_000
        shot(county, "public-announcement")
        public.goto(f"/public/elections/{pk}/")
        assert public.locator("#apply-link").is_visible()  # registration is open (N1)
        shot(public, "public-announcement-phone")

    with step("working group imports the roster from the Excel template, public reps from CSV (P1, P4)"):
        log_in(staff, "qingquan")
        staff.goto(f"/elections/{pk}/")
        staff.get_by_role("link", name="党员名册").first.click()
        with staff.expect_download() as download:
            staff.get_by_role("link", name="党员名册模板").click()
        template = download.value.path().read_bytes()
        staff.get_by_label("名册类型").select_option("members")
        staff.get_by_label("文件").set_input_files(
            {"name": "清泉镇党员名册.xlsx", "mimeType": "application/octet-stream", "buffer": roster_xlsx(template)}
        )
        staff.get_by_role("button", name="导入", exact=True).click()
        staff.locator("#import-ok").wait_for()
        staff.get_by_label("名册类型").select_option("public_reps")
        reps = csv_bytes(["编号", "姓名"], [[f"Q{i:03d}", n] for i, n in enumerate(REPS, start=1)])
        staff.get_by_label("文件").set_input_files({"name": "群众代表.csv", "mimeType": "text/csv", "buffer": reps})
        staff.get_by_role("button", name="导入", exact=True).click()
        staff.locator("#import-ok").wait_for()
        staff.reload()
        assert staff.locator("#stat-members").inner_text() == "36"
        assert staff.locator("#stat-expected").inner_text() == "34"  # 36 − 2 probationary (P1)
        assert "代表甲" in staff.locator("main").inner_text()

    with step("working group records and approves an excusal (P2)"):
        excusal = staff.locator("form[action$='/roster/excusals/']")
        excusal.locator("input[name=number]").fill("0033")
        excusal.locator("select[name=reason]").select_option(label="患病无法表达本人意志")
        excusal.locator("input[name=detail]").fill("县人民医院住院治疗")
        excusal.get_by_role("button", name="登记").click()
        flash(staff, "请假已登记，待批准后才不计入应到会人数 (P2)。")
        pending = staff.locator("form[action*='/approve/']").first
        pending.locator("input[name=approved_by]").fill("镇党委")
        pending.locator("input[name=approval_ref]").fill("清委〔2026〕3号")
        pending.get_by_role("button", name="批准").click()
        flash(staff, "请假已批准。")
        assert staff.locator("#stat-expected").inner_text() == "33"  # migrant workers stay expected (P2)
        p4 = staff.locator(".zx-card.small").inner_text()
        assert "P4" in p4 and "P2" in p4
        shot(staff, "roster")

    with step("member account for 0010 郑红 (setup in code: accounts only)"):
        member = Member.objects.get(election_id=pk, number="0010")
        assert member.name == "郑红"
        make_user("zhenghong", "member", election=Election.objects.get(pk=pk), member=member)

    with step("the public applies on the portal (N3), one typo refused with a clear reason"):
        apply_on_portal(public, pk, name="王建国", number="0001", age="42", years="15", first="secretary",
                        second="deputy_secretary")  # fmt: skip
        public.get_by_text("报名已受理").wait_for()
        assert public.locator("#applicant-number").inner_text() == "A001"
        shot(public, "apply-done-phone")
        for name, num, first, second, education in [
            ("李明", "0002", "secretary", "", "大专"),
            ("张丽华", "0003", "secretary", "deputy_secretary", "研究生"),
            ("刘强", "0004", "deputy_secretary", "", "大学本科"),
            ("陈静", "0005", "deputy_secretary", "", "大学本科"),
        ]:
            apply_on_portal(public, pk, name=name, number=num, first=first, second=second, education=education)
            public.get_by_text("报名已受理").wait_for()
        # 周涛 types 吴敏's roster number: refused, nothing stored, the field says why.
        apply_on_portal(public, pk, name="周涛", number="0009", years="2", first="deputy_secretary")
        public.get_by_text("党员编号 0009 在名册中对应 吴敏，与填写的姓名 周涛 不一致").wait_for()
        shot(public, "apply-refused-phone")
        public.get_by_label("党员编号（名册中的编号）").fill("0006")
        public.get_by_role("button", name="提交报名").click()
        public.get_by_text("报名已受理").wait_for()
        assert public.locator("#applicant-number").inner_text() == "A006"

    with step("working group enters a joint and an organisation nomination from paper (N2)"):
        staff_applicant(staff, pk, route="joint", by="", i=7, position="deputy_secretary")  # 赵军 A007
        flash(staff, "已录入 赵军，报名编号 A007。")
        assert "有效 0 / 20" in staff.locator("main").inner_text()  # a joint route waits for 20 signatures (N2)
        staff_applicant(staff, pk, route="organisation", by="清泉镇机关党委", i=8, position="deputy_secretary")
        flash(staff, "已录入 马云飞，报名编号 A008。")
        staff.goto(f"/elections/{pk}/nominations/")
        # 王建国 also gets an organisation nomination: one applicant, several routes (N2).
        staff.get_by_role("link", name="A001").click()
        staff.get_by_label("添加提名方式").select_option("organisation")
        staff.get_by_label("推荐组织（组织推荐时填写）").fill("清泉镇农业服务中心党支部")
        staff.get_by_role("button", name="添加").click()
        flash(staff, "组织推荐已记录。")
        staff.goto(f"/elections/{pk}/nominations/")
        row = staff.locator("#applicants tbody tr", has_text="赵军")
        row.get_by_role("link", name="签名 0 个").click()
        box = staff.get_by_label("签名人名册编号（每行一个，可一次录入多个）")
        box.fill("\n".join(number(i) for i in range(11, 30)) + "\n0035")  # 0035 is probationary (P1)
        staff.get_by_role("button", name="录入", exact=True).click()
        staff.get_by_text("有错误，本批签名均未保存").wait_for()
        assert "0035" in staff.locator("main").inner_text()
        shot(staff, "signatures-refused")
        box.fill("\n".join(number(i) for i in range(11, 30)))
        staff.get_by_role("button", name="录入", exact=True).click()
        flash(staff, "已录入 19 个签名。")
        assert "19 / 20" in staff.locator("#n2-status").inner_text()

    with step("member 郑红 signs the joint nomination online: the 20th signature (N2)"):
        member_page = new_page(chromium, live_server, PHONE, contexts)
        log_in(member_page, "zhenghong")
        member_page.goto(f"/elections/{pk}/sign/")
        card = member_page.locator(".zx-card", has_text="赵军")
        assert "有效 19 / 20" in card.inner_text()
        card.get_by_role("button", name="联名签名").click()
        flash(member_page, "您已为 赵军 联名签名。")
        card = member_page.locator(".zx-card", has_text="赵军")
        assert "有效 20 / 20" in card.inner_text() and "您已签名" in card.inner_text()
        shot(member_page, "member-signs-phone")
        staff.goto(f"/elections/{pk}/nominations/")
        assert "有效 20 / 20" in staff.locator("#applicants tbody tr", has_text="赵军").inner_text()
        shot(staff, "nominations")

    with step("working group reviews every nominee, one not qualified with a reason (N4), publishes the notice"):
        staff.goto(f"/elections/{pk}/review/")
        rows = staff.locator("#review-table tbody tr")
        total = rows.count()
        assert total == 10  # 8 applicants, two of them for two positions
        for i in range(total):
            row = staff.locator("#review-table tbody tr").nth(i)
            if "周涛" in row.inner_text():
                assert "党龄" in row.inner_text()  # the core's automatic check: 2 years < 3
                row.locator("select[name=verdict]").select_option("not_qualified")
                row.locator("input[name=reason]").fill("党龄 2 年，不满 3 年")
            else:
                row.locator("select[name=verdict]").select_option("qualified")
            row.get_by_role("button", name="记录").click()
            staff.wait_for_load_state()
            staff.locator("#review-table").wait_for()
        assert "党龄 2 年，不满 3 年" in staff.locator("#review-table tbody tr", has_text="周涛").inner_text()
        shot(staff, "review")
        staff.get_by_role("button", name="发布公示").click()
        flash(staff, "资格审查结果已公示。")

    with step("the public reads the notice and files an objection; the working group upholds it (N4)"):
        public.goto(f"/public/elections/{pk}/notice/")
        notice = public.locator("#notice").inner_text()
        assert "王建国" in notice and "赵军" in notice and "周涛" not in notice
        public.get_by_label("反映对象").select_option(label="陈静（党委副书记）")
        public.get_by_label("反映的问题").fill("任村会计期间账目不清，有群众多次反映")
        public.get_by_role("button", name="提交").click()
        public.get_by_text("您的异议已受理").wait_for()
        staff.goto(f"/elections/{pk}/review/")
        objection = staff.locator("#objections")
        assert "账目不清" in objection.inner_text()
        objection.locator("select[name=verdict]").select_option("upheld")
        objection.locator("input[name=outcome]").fill("经镇纪委核实，反映问题属实")
        objection.get_by_role("button", name="记录").click()
        flash(staff, "异议核查结论已记录。")
        public.goto(f"/public/elections/{pk}/notice/")
        outcomes = public.locator("#objection-outcomes").inner_text()
        assert "陈静" in outcomes and "N4" in outcomes
        shot(public, "notice-objection-phone")

    qualified_numbers = ["A001", "A002", "A003", "A004", "A007", "A008"]  # not A005 (objection), A006 (review)

    with step("recommendation meeting set up from the preset (R1)"):
        staff.goto(f"/elections/{pk}/")
        staff.locator("#recommendation-panel").get_by_role("link", name="管理").click()
        staff.get_by_role("button", name="按程序预设创建推荐环节").click()
        flash(staff, "已按选举程序设置推荐环节。")
        nominees = staff.locator("main").inner_text()
        assert "陈静" not in nominees and "周涛" not in nominees
        shot(staff, "recommendation-overview")

    with step("speech-order lot: commit, entropy in front of observers, reveal (L1, R6)"):
        staff.get_by_role("link", name="演讲顺序抽签").click()
        staff.get_by_role("button", name="生成秘密值并公布承诺值").click()
        flash(staff, "承诺值已公布")
        commitment = staff.locator("#lot-commitment").inner_text().strip()
        public.goto(f"/elections/{pk}/recommendation/lot/speech/")  # the observer page, no login
        assert public.locator("#lot-commitment").inner_text().strip() == commitment
        assert public.locator("#lot-secret").count() == 0  # the secret stays hidden until the draw
        shot(public, "lot-committed-phone")
        staff.get_by_label("公开随机数").fill("3 1 6 2 5 4")
        staff.get_by_role("button", name="抽签并公开秘密值").click()
        flash(staff, "抽签完成，秘密值已公开")
        # The observer's page refreshes itself (htmx every 5 s) and shows the order and the secret.
        public.locator("#lot-order").wait_for(timeout=15_000)
        secret = public.locator("#lot-secret").inner_text().strip()
        assert hashlib.sha256(bytes.fromhex(secret)).hexdigest() == commitment
        label = public.locator("#lot-commitment + div").inner_text().split(" · ", 1)[1].strip()
        drawn = [li.split()[-1] for li in public.locator("#lot-order li").all_inner_texts()]
        expected = lots.draw(qualified_numbers, bytes.fromhex(secret), "3 1 6 2 5 4", label)
        assert drawn == list(expected.order)
        assert "L1" in public.locator("h1").inner_text()
        shot(public, "lot-revealed-phone")

    names = {"A001": "王建国", "A002": "李明", "A003": "张丽华", "A004": "刘强", "A007": "赵军", "A008": "马云飞"}

    with step("stage opens, check-in per group (P1, P4)"):
        staff.goto(f"/elections/{pk}/recommendation/")
        staff.get_by_role("link", name="进入").click()
        staff.get_by_role("button", name="开始本环节").click()
        staff.locator("#stage-status", has_text="进行中").wait_for()
        # A probationary member is refused at the desk with the rule (P1).
        staff.locator("#checkin-group").select_option(label="党员")
        staff.locator("#checkin-q").fill("0035")
        refused = staff.locator("#checkin-hits li", has_text="戚薇")
        refused.wait_for()
        assert "P1" in refused.inner_text() and refused.get_by_role("button").count() == 0
        for n, i in enumerate(range(11, 21), start=1):
            check_in(staff, "党员", number(i), NAMES[i - 1], n)
        for n in range(1, 5):
            check_in(staff, "群众代表", f"Q{n:03d}", REPS[n - 1], n)
        shot(staff, "stage-checkin")

    with step("speeches in the drawn order on the projector (R6)"):
        staff.get_by_role("link", name="演讲控制").click()
        staff.get_by_role("button", name="下一位").click()
        staff.locator("#current-speaker", has_text=names[drawn[0]]).wait_for()
        staff.get_by_role("button", name="开始计时").click()
        order = staff.locator("ol li").all_inner_texts()
        assert order == [names[n] for n in drawn]
        shot(staff, "speech-control")
        screen = new_page(chromium, live_server, PROJECTOR, contexts)
        screen.context.add_cookies(staff.context.cookies())
        screen.goto(f"/elections/{pk}/recommendation/recommendation/screen/")
        assert screen.locator("#zx-speaker").inner_text() == names[drawn[0]]
        screen.wait_for_function("document.getElementById('zx-clock').textContent.includes(':')")
        width = screen.evaluate("document.documentElement.scrollWidth")
        print(f"   projector page width at 1920: {width}px", flush=True)
        assert width <= PROJECTOR["width"]  # the running clock fits the projector
        shot(screen, "projector")
        screen.close()

    with step("paper ballots of the members' group entered at the desk (R5)"):
        staff.goto(f"/elections/{pk}/recommendation/recommendation/")
        paper_ballot(staff, "党员", 5, {"secretary": ["A001"], "deputy_secretary": ["A003", "A004"]})
        paper_ballot(staff, "党员", 3, {"secretary": ["A002"], "deputy_secretary": ["A007", "A008"]})
        paper_ballot(staff, "党员", 1, {"secretary": ["A003"], "deputy_secretary": ["A004", "A007"]})
        # Two names for one secretary seat: void for secretary only, the deputies still count (R5).
        paper_ballot(staff, "党员", 1, {"secretary": ["A001", "A002"], "deputy_secretary": ["A003", "A008"]})
        assert staff.locator("#group-counts tbody tr", has_text="党员").locator("td").nth(3).inner_text() == "10"
        shot(staff, "paper-ballots")

    with step("one-time codes for the public reps, cast online on phones (S1)"):
        codes_form = staff.locator("#codes form")
        codes_form.locator("select[name=group]").select_option(label="群众代表")
        codes_form.get_by_role("button", name="生成推荐码").click()
        codes = [c.strip() for c in staff.locator(".zx-code").all_inner_texts()]
        assert len(codes) == 4
        shot(staff, "codes")
        ballots = [
            {"secretary": ["A002"], "deputy_secretary": ["A004", "A008"]},
            {"secretary": ["A002"], "deputy_secretary": ["A004", "A008"]},
            {"secretary": ["A001"], "deputy_secretary": ["A003", "A007"]},
            {"secretary": ["A003"], "deputy_secretary": ["A001", "A004"]},
        ]
        for k, (code, picks) in enumerate(zip(codes, ballots, strict=True)):
            voter = new_page(chromium, live_server, PHONE, contexts)
            voter.goto("/r/")
            voter.get_by_label("推荐码").fill(code)
            voter.get_by_role("button", name="进入").click()
            for kind, numbers in picks.items():
                for n in numbers:
                    voter.locator(f"label[for=v_{kind}_{n}]").click()
            if k == 0:
                shot(voter, "online-ballot-phone")
            voter.get_by_role("button", name="提交推荐票").click()
            voter.get_by_text("推荐票已投出").wait_for()
            voter.context.close()
        # A used code is refused.
        voter = new_page(chromium, live_server, PHONE, contexts)
        voter.goto(f"/r/{codes[0]}/")
        assert "该推荐码已经使用过" in voter.locator("main").inner_text()
        voter.context.close()
        staff.reload()
        assert staff.locator("#group-counts tbody tr", has_text="群众代表").locator("td").nth(2).inner_text() == "4/4"

    with step("stage closed: weighted scores and the preliminary candidates (R1, R3)"):
        staff.get_by_role("button", name="结束本环节").click()
        staff.locator("#stage-status", has_text="已结束").wait_for()
        staff.goto(f"/elections/{pk}/recommendation/results/")
        staff.locator("#preliminary").wait_for()
        scores: dict[str, str] = {}
        for table in staff.locator("table.zx-ranked").all():
            for row in table.locator("tbody tr").all():
                cells = row.locator("td").all_inner_texts()
                scores.setdefault(cells[1], cells[2])
        # 王建国 (secretary) = 7/10·5/9 + 3/10·1/4 = 38.89% + 7.50% = 46.39%; 李明 = 23.33% + 15.00%;
        # 张丽华 (secretary) = 7.78% + 7.50%. The first table is the secretary's.
        assert scores["王建国"] == "46.39%" and scores["李明"] == "38.33%" and scores["张丽华"] == "15.28%"
        deputies = {
            r.locator("td").nth(1).inner_text(): r.locator("td").nth(2).inner_text()
            for r in staff.locator("table.zx-ranked").nth(1).locator("tbody tr").all()
        }
        # 刘强 = 7/10·6/10 + 3/10·3/4 = 64.50%; 张丽华 = 42% + 7.5%; 马云飞 = 28% + 15%; 赵军 = 28% + 7.5%.
        assert deputies == {"刘强": "64.50%", "张丽华": "49.50%", "马云飞": "43.00%", "赵军": "35.50%",
                            "王建国": "7.50%"}  # fmt: skip
        r5 = staff.locator("li", has_text="该职位无效").first.inner_text()
        assert "1 张推荐票" in r5 and "R5" in r5  # the 10th paper ballot (R5)
        # The core's sentences name groups and positions in Chinese (党员, 党委书记), not by their ids.
        assert "secretary" not in r5 and "members" not in r5 and "党员" in r5 and "党委书记" in r5
        assert "secretary" not in staff.locator("#section-selection").inner_text()
        preliminary = staff.locator("#preliminary").inner_text()
        assert "王建国" in preliminary and "李明" in preliminary and "王建国" not in preliminary.split("副书记")[-1]
        shot(staff, "recommendation-results")

    with step("inspection: one fails with a written reason (C3)"):
        staff.goto(f"/elections/{pk}/")
        staff.locator("#candidates-panel, .zx-card", has_text="考察").first.wait_for()
        staff.goto(f"/elections/{pk}/candidates/")
        for num in ["A001", "A002", "A004", "A003", "A008", "A007"]:
            item = staff.locator(f"#c-{num}").first
            if num == "A007":
                item.locator("select[name=outcome]").select_option("fail")
                item.locator("input[name=reason]").fill("个人有关事项报告不实")
            item.get_by_role("button", name="保存").click()
            flash(staff, f"已记录 {names[num]} 的考察结果。")
        assert "个人有关事项报告不实" in staff.locator("#decisions").inner_text()
        shot(staff, "inspection")

    with step("county admin publishes the formal candidates in surname-stroke order (C1, C4)"):
        county.goto(f"/elections/{pk}/candidates/")
        formal_card = county.locator("#formal-lists").inner_text()
        assert "王建国、李明" in formal_card and "马云飞、刘强、张丽华" in formal_card
        county.get_by_role("button", name="公布名单").click()
        flash(county, "正式候选人名单已公布。")
        county.locator("#published").wait_for()
        shot(county, "formal-published")

    with step("the public board shows it all"):
        public.goto(f"/public/elections/{pk}/board/")
        board = public.locator("main").inner_text()
        formal = public.locator("#item-formal").inner_text()
        assert "王建国、李明" in formal and "马云飞、刘强、张丽华" in formal
        assert "赵军" not in formal
        assert public.locator("#lot-speech").is_visible() and secret in public.locator("#lot-speech").inner_text()
        assert "发展壮大村级集体经济" in board or public.locator("#item-announcement").is_visible()
        assert public.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shot(public, "board-phone")

    with step("the exported scenario reproduces the board's formal list through the runner"):
        staff.goto(f"/elections/{pk}/")
        href = staff.get_by_role("link", name="导出场景文件").get_attribute("href")
        response = staff.request.get(href)
        assert response.ok
        report = run_scenario(validate(yaml.safe_load(response.text())))
        assert report.outcome["formal"] == {
            "secretary": ["A001", "A002"],
            "deputy_secretary": ["A008", "A004", "A003"],
        }
        assert report.outcome["speech_order"] == drawn
        chain = staff.locator(".zx-hash").last.inner_text().strip()
        assert chain
