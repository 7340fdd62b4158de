"""A whole members' meeting in Debian's Chromium, clicked through the Chinese UI (issue 4, item 9).

Set up by code: a small three-round township (17 on the roster, 16 with a vote, 1 probationary) imported up to
its formal candidates, a working-group account and a county admin. Everything after that is done in the
browser by the people who do it at a meeting:

- the working group creates the meeting, checks in 14 of the 16 expected (scanner field, number field and a
  roster search) plus one probationary member who gets no ballot (P1, M1: 14 ≥ 4/5 of 16);
- it proposes two scrutineers and two tellers (M2), gives each an account on the spot and records the meeting's
  approval; it issues three voting codes for phone voters (S1);
- five votes follow, each opened and closed by staff and confirmed by a scrutineer on a second phone (S3), with
  11 paper ballots (issued batch, two tellers' keyboard entry, agreement, M4–M6) and 3 phone ballots:
  round 1 secretary → 何丽 loses and opts in (M3); round 2 deputies with the cascaded 何丽 ends in a tie at the
  last seat → the re-vote the core asks for (M8); round 3 members fills one seat of two, 于敏 with exactly half
  (M7) → the supplementary vote (M9);
- the results page, the result report signed by both scrutineers, submitted, approved by the county admin with
  its 批复文号 (M11), the projector and the public observer page.

At the end the winners on the pages equal what ``run_scenario`` computes from the exported record.
Screenshots: ``test-artifacts/screenshots/walkthrough4-NN-<page>.png``.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

import pytest
import yaml
from web_helpers import PASSWORD, SCREENSHOTS, make_user

from zhixuan.scenario.loader import validate
from zhixuan.scenario.runner import run_scenario
from zhixuan.web.elections.scenario_export import election_scenario
from zhixuan.web.elections.scenario_import import do_import_scenario

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1920, "height": 1080}

# 白石乡: 16 members with a vote (m01–m16) and one probationary member (m17). Formal candidates at 1:2 (R3):
# secretary 周文斌, 何丽; deputies 唐明, 邓海波, 许静, 韩立新; committee members 田军, 董小红, 于敏, 潘建华.
SCENARIO = """\
format: zhixuan-scenario/1
election: {id: baishi-2026, title: 白石乡党委领导班子公推直选, county: 测试县, township: 白石乡,
           date: "2026-03-02", preset: three-round}
positions:
  - {id: secretary, name: 党委书记, kind: secretary, seats: 1, work_targets: [发展村级集体经济]}
  - {id: deputy_secretary, name: 党委副书记, kind: deputy_secretary, seats: 2}
  - {id: member, name: 党委委员, kind: member, seats: 2}
roster:
  members:
    - {id: m01, name: 周文斌}
    - {id: m02, name: 何丽}
    - {id: m03, name: 唐明}
    - {id: m04, name: 邓海波}
    - {id: m05, name: 许静}
    - {id: m06, name: 韩立新}
    - {id: m07, name: 田军}
    - {id: m08, name: 董小红}
    - {id: m09, name: 于敏}
    - {id: m10, name: 潘建华}
    - {id: m11, name: 孙志华}
    - {id: m12, name: 马玉珍}
    - {id: m13, name: 朱国庆}
    - {id: m14, name: 胡秀英}
    - {id: m15, name: 郭峰}
    - {id: m16, name: 林海}
    - {id: m17, name: 李雪, status: probationary}
applicants:
  - {id: zhouwb, name: 周文斌, member: m01, positions: [secretary], routes: [{type: self}]}
  - {id: heli, name: 何丽, member: m02, positions: [secretary], routes: [{type: self}]}
  - {id: tangming, name: 唐明, member: m03, positions: [deputy_secretary], routes: [{type: self}]}
  - {id: denghb, name: 邓海波, member: m04, positions: [deputy_secretary], routes: [{type: self}]}
  - {id: xujing, name: 许静, member: m05, positions: [deputy_secretary], routes: [{type: self}]}
  - {id: hanlx, name: 韩立新, member: m06, positions: [deputy_secretary], routes: [{type: self}]}
  - {id: tianjun, name: 田军, member: m07, positions: [member], routes: [{type: self}]}
  - {id: dongxh, name: 董小红, member: m08, positions: [member], routes: [{type: self}]}
  - {id: yumin, name: 于敏, member: m09, positions: [member], routes: [{type: self}]}
  - {id: panjh, name: 潘建华, member: m10, positions: [member], routes: [{type: self}]}
speech_lot:
  secret: 5f1c0e9a7b3d2c4e6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6
  entropy: "3,6,1,4,2,5"
  label: 白石乡推荐会演讲辩论顺序
stages:
  - id: recommendation
    name: 公开推荐会
    groups: [{id: members, name: 党员, weight: 1}]
    totals:
      - {group: members, position: secretary, valid: 14, for: {zhouwb: 9, heli: 5}}
      - {group: members, position: deputy_secretary, valid: 14, for: {tangming: 9, denghb: 8, xujing: 6, hanlx: 4}}
      - {group: members, position: member, valid: 14, for: {tianjun: 9, dongxh: 7, yumin: 6, panjh: 5}}
selection: {ratio: 2}
"""

OFFICERS = [  # member number, role value, role label, username (M2: none of them is a candidate)
    ("m11", "chief_scrutineer", "总监票人", "jp-sun"),
    ("m12", "scrutineer", "监票人", "jp-ma"),
    ("m13", "teller", "计票人", "jj-zhu"),
    ("m14", "teller", "计票人", "jj-hu"),
]
PAPER = 11  # paper ballots handed out each vote; 3 members vote on their phones: 11 + 3 = 14 present

# Each vote: the 11 paper ballots as (marks, count) and the 3 phone ballots. Names are applicant numbers.
Ballot = dict[str, list[str]]
R1_PAPER: list[tuple[Ballot, int]] = [
    ({"for": ["zhouwb"], "against": ["heli"]}, 7),
    ({"for": ["heli"], "against": ["zhouwb"]}, 4),
]
R1_PHONE: list[Ballot] = [{"for": ["zhouwb"], "against": ["heli"]}, {"for": ["zhouwb"]}, {"for": ["heli"]}]
# 周文斌 9 > 7 (half of 14): elected; 何丽 5.

R2_PAPER: list[tuple[Ballot, int]] = [
    ({"for": ["tangming", "heli"]}, 4),
    ({"for": ["tangming", "denghb"]}, 4),
    ({"for": ["heli", "denghb"], "against": ["tangming"]}, 2),
    ({"for": ["xujing", "hanlx"]}, 1),
]
R2_PHONE: list[Ballot] = [{"for": ["tangming", "heli"]}, {"for": ["tangming", "denghb"]}, {"for": ["heli", "denghb"]}]
# 唐明 10 elected; 何丽 8 and 邓海波 8, both over 7, tie for the one seat left (M8).

REVOTE_PAPER: list[tuple[Ballot, int]] = [
    ({"for": ["heli"], "against": ["denghb"]}, 6),
    ({"for": ["denghb"]}, 4),
    ({}, 1),
]
REVOTE_PHONE: list[Ballot] = [{"for": ["heli"]}, {"for": ["heli"]}, {"for": ["denghb"]}]
# 何丽 8, 邓海波 5.

R3_PAPER: list[tuple[Ballot, int]] = [
    ({"for": ["tianjun", "yumin"]}, 5),
    ({"for": ["tianjun", "dongxh"]}, 3),
    ({"for": ["denghb", "panjh"]}, 2),
    ({}, 1),
]
R3_PHONE: list[Ballot] = [{"for": ["tianjun", "yumin"]}, {"for": ["tianjun", "dongxh"]}, {"for": ["yumin", "panjh"]}]
# 田军 10 elected; 于敏 exactly 7 = half of 14: not elected (M7); 董小红 4, 潘建华 3, 邓海波 2 → one seat left (M9).

SUPP_PAPER: list[tuple[Ballot, int]] = [
    ({"for": ["yumin"], "against": ["panjh"]}, 7),
    ({"for": ["dongxh"]}, 3),
    ({"for": ["panjh"]}, 1),
]
SUPP_PHONE: list[Ballot] = [{"for": ["yumin"]}, {"for": ["yumin"]}, {"for": ["panjh"]}]
# 于敏 9 elected; 董小红 3, 潘建华 2.


@dataclass
class Walk:
    """The browsers of the meeting and the running screenshot number."""

    chromium: Any
    base_url: str
    election: Any
    pages: dict[str, Any] = field(default_factory=dict)
    codes: list[str] = field(default_factory=list)
    passwords: dict[str, str] = field(default_factory=dict)
    shot_no: int = 0

    @property
    def e(self) -> str:
        return f"/elections/{self.election.pk}"

    def page(self, name: str, viewport: dict[str, int] = LAPTOP, username: str | None = None) -> Any:
        if name not in self.pages:
            context = self.chromium.new_context(viewport=viewport, locale="zh-CN", base_url=self.base_url)
            page = context.new_page()
            page.set_default_timeout(15_000)
            if username:
                page.goto("/accounts/login/")
                page.get_by_label("用户名").fill(username)
                page.get_by_label("密码").fill(self.passwords.get(username, PASSWORD))
                page.get_by_role("button", name="登录").click()
                page.wait_for_load_state()
                assert "/accounts/login/" not in page.url, f"{username} could not log in"
            self.pages[name] = page
        return self.pages[name]

    def shot(self, page: Any, name: str) -> None:
        self.shot_no += 1
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"walkthrough4-{self.shot_no:02d}-{name}.png"), full_page=True)

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()


def _text(page: Any, selector: str) -> str:
    return " ".join(page.locator(selector).inner_text().split())


# --- steps, each as the person at the meeting does it ---------------------------------------------------------


def create_round(w: Walk) -> int:
    staff = w.pages["staff"]
    staff.goto(f"{w.e}/meeting/")
    staff.get_by_role("button", name="产生下一轮选票").click()
    staff.wait_for_url(re.compile(r"/meeting/rounds/\d+/$"))
    return int(staff.url.rstrip("/").split("/")[-1])


def two_person_step(w: Walk, round_id: int, label: str, status: str, *, shot: str | None = None) -> None:
    """Staff requests the step, the chief scrutineer confirms it on a phone (S3)."""
    url = f"{w.e}/meeting/rounds/{round_id}/"
    staff, scrutineer = w.pages["staff"], w.pages["jp-sun"]
    staff.goto(url)
    staff.get_by_role("button", name=f"申请{label}").click()
    staff.wait_for_load_state()
    assert "等待监票人确认" in _text(staff, "#steps"), label
    scrutineer.goto(url)
    scrutineer.get_by_role("button", name="监票人确认").click()
    scrutineer.wait_for_load_state()
    assert _text(scrutineer, "#round-status") == status, label
    if shot:
        w.shot(scrutineer, shot)


def issue_paper(w: Walk, round_id: int, *, shot: str | None = None) -> None:
    staff = w.pages["staff"]
    staff.goto(f"{w.e}/tally/rounds/{round_id}/")
    staff.get_by_label("本批发出张数").fill(str(PAPER))
    staff.get_by_role("button", name="记录发出").click()
    staff.wait_for_load_state()
    assert _text(staff, "#paper-issued") == str(PAPER)
    assert _text(staff, "#round-issued") == str(PAPER + len(w.codes))  # codes count as issued ballots (M6)
    if shot:
        w.shot(staff, shot)


def vote_on_phone(w: Walk, index: int, ballot: Ballot, *, shot: str | None = None) -> str:
    phone = w.page(f"phone{index}", PHONE)
    phone.goto(f"/v/{w.codes[index]}/")
    for mark in ("for", "against"):
        for number in ballot.get(mark, []):
            phone.click(f"label[for=m-{number}-{mark}]")
    if shot:
        phone.wait_for_timeout(300)  # let the buttons' colour transition end before the screenshot
        w.shot(phone, f"{shot}-ballot")
    phone.click("button[value=review]")
    phone.locator("#confirm").wait_for()
    phone.click("button[value=cast]")
    receipt = phone.locator("#receipt").inner_text()
    if shot:
        w.shot(phone, f"{shot}-receipt")
    return receipt


def enter_paper(w: Walk, teller: str, round_id: int, ballots: list[tuple[Ballot, int]], *, shot: str = "") -> None:
    """A teller enters the paper ballots with the keyboard only: 1 for, 2 against, 0 abstain, X count, Enter."""
    page = w.pages[teller]
    page.goto(f"{w.e}/tally/rounds/{round_id}/sheet/")
    page.get_by_role("button", name="逐张录入（推荐）").click()
    page.locator("#ballot-grid").wait_for()
    order = page.locator("#ballot-grid tr[data-number]").evaluate_all("rows => rows.map(r => r.dataset.number)")
    entered = 0
    for marks, count in ballots:
        for number in order:
            page.keyboard.press(
                "1" if number in marks.get("for", []) else "2" if number in marks.get("against", []) else "0"
            )
        if count > 1:
            page.keyboard.press("x")
            page.keyboard.type(str(count))
        page.keyboard.press("Enter")
        entered += count
        page.wait_for_function(f"document.getElementById('entered-count').textContent === '{entered}'")
    assert _text(page, "#invalid-count") == "0"
    if shot:
        w.shot(page, shot)
    page.get_by_label("从票箱收回的选票张数").fill(str(entered))
    page.get_by_role("button", name="提交", exact=True).click()
    page.get_by_text("录入已提交，待与另一名计票人的录入核对").wait_for()


def agree(w: Walk, round_id: int, *, shot: str | None = None) -> str:
    staff = w.pages["staff"]
    staff.goto(f"{w.e}/tally/rounds/{round_id}/")
    assert "两份录入的选票完全相同" in _text(staff, "#comparison")
    staff.locator("#agree-button").click()
    staff.wait_for_load_state()
    staff.locator("#core-tally").wait_for()
    if shot:
        w.shot(staff, shot)
    return _text(staff, "#core-tally")


def hold_vote(
    w: Walk, label: str, paper: list[tuple[Ballot, int]], phones: list[Ballot], *, shots: bool = False
) -> tuple[int, str]:
    """One vote from a new ballot to published results; returns the round id and the round page's text."""
    round_id = create_round(w)
    staff = w.pages["staff"]
    if shots:
        w.shot(staff, f"{label}-ballot")
    issue_paper(w, round_id, shot=f"{label}-issued" if shots else None)
    two_person_step(w, round_id, "开始投票", "投票中", shot=f"{label}-opened-phone" if shots else None)
    for i, ballot in enumerate(phones):
        vote_on_phone(w, i, ballot, shot=f"{label}-phone" if shots and i == 0 else None)
    two_person_step(w, round_id, "结束投票", "投票结束，计票中")
    enter_paper(w, "jj-zhu", round_id, paper, shot=f"{label}-teller" if shots else "")
    enter_paper(w, "jj-hu", round_id, paper)
    tally = agree(w, round_id, shot=f"{label}-agreed" if shots else None)
    assert f"含电子选票 {len(phones)} 张" in tally
    two_person_step(w, round_id, "确认计票结果", "计票结果已确认")
    two_person_step(w, round_id, "宣布结果", "结果已宣布")
    staff.goto(f"{w.e}/meeting/rounds/{round_id}/")
    w.shot(staff, f"{label}-result")
    return round_id, _text(staff, "#result")


def _counts(page: Any) -> dict[str, int]:
    rows = page.locator("#result-table tbody tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.cells).map(c => c.innerText.trim()))"
    )
    return {row[0]: int(row[1]) for row in rows}


def opt_in(w: Walk, round_id: int, number: str, stands: bool) -> None:
    staff = w.pages["staff"]
    staff.goto(f"{w.e}/meeting/rounds/{round_id}/")
    staff.locator(f"#optin-{number}").get_by_role("button", name="参加" if stands else "不参加", exact=True).click()
    staff.wait_for_load_state()


# --- the walkthrough ------------------------------------------------------------------------------------------


@pytest.fixture
def walk(chromium: Any, live_server: Any, county: Any, county_admin: Any) -> Any:
    election, _prepared = do_import_scenario(county_admin, county=county, text=SCENARIO, filename="baishi.yaml")
    make_user("baishi", "working_group", township=election.township)
    w = Walk(chromium, live_server.url, election)
    yield w
    w.close()


def test_a_whole_meeting_in_the_browser(walk: Walk) -> None:
    started = time.monotonic()
    w = walk
    staff = w.page("staff", LAPTOP, "baishi")

    # The working group creates the meeting once the formal candidates are there (C1–C3).
    staff.goto(f"{w.e}/meeting/")
    assert "正式候选人已产生，可以建立党员大会" in _text(staff, "main")
    staff.get_by_label("会议名称").fill("白石乡党员大会")
    staff.get_by_label("会议地点").fill("乡政府大会议室")
    staff.get_by_role("button", name="建立党员大会").click()
    staff.wait_for_load_state()
    assert _text(staff, "h1").startswith("白石乡党员大会")
    w.shot(staff, "meeting-created")

    # Check-in: 12 by the scanner field, one by number, one by a roster search; the probationary member
    # is listed but gets no ballot (P1). 14 of 16 expected ≥ 4/5 (M1, three-round: at least 4/5).
    staff.goto(f"{w.e}/meeting/checkin/")
    assert _text(staff, "#q-expected") == "16" and _text(staff, "#q-present") == "0"
    for i in range(1, 13):
        staff.locator("#scan").fill(f"m{i:02d}")
        staff.locator("#scan").press("Enter")
        staff.wait_for_function(f"document.getElementById('q-present').textContent.trim() === '{i}'")
    assert "胡秀英" not in _text(staff, "#present-table")
    staff.get_by_label("输入党员编号").fill("m13")
    staff.get_by_role("button", name="签到", exact=True).click()
    staff.wait_for_function("document.getElementById('q-present').textContent.trim() === '13'")
    assert "朱国庆（m13）签到成功" in _text(staff, "#checkin-notice")
    staff.locator("#q").fill("胡秀英")
    staff.locator("#member-m14").get_by_role("button", name="签到").click()
    staff.wait_for_function("document.getElementById('q-present').textContent.trim() === '14'")
    staff.locator("#scan").fill("m17")
    staff.locator("#scan").press("Enter")
    staff.wait_for_function("document.getElementById('checkin-notice').textContent.includes('m17')")
    assert "李雪（m17）已签到：无选举权，不发选票 (P1)" in _text(staff, "#checkin-notice")
    assert _text(staff, "#q-present") == "14" and _text(staff, "#q-minimum") == "13"
    quorum_line = _text(staff, "#q-decision")
    assert quorum_line == "实到会 14 人，不低于应到会 16 人的 4/5（12.8 人），符合法定人数，可以进行选举 M1"
    assert "在场共 15 人（含无选举权者，不计入实到会）" in _text(staff, "#quorum")
    w.shot(staff, "checkin")
    staff.set_viewport_size(PHONE)
    w.shot(staff, "checkin-phone")
    staff.set_viewport_size(LAPTOP)

    # Officers (M2): a candidate is refused by name; four non-candidates are proposed, get accounts on the
    # spot (the password is shown once) and are approved by the meeting.
    staff.goto(f"{w.e}/meeting/")
    staff.get_by_role("button", name="宣布开会").click()
    staff.wait_for_load_state()
    propose = staff.locator("#propose-form")
    propose.get_by_label("党员编号").fill("m07")
    propose.get_by_label("职责").select_option("scrutineer")
    propose.get_by_role("button", name="推选").click()
    staff.wait_for_load_state()
    assert "田军 是本次大会的候选人，不能担任监票人" in _text(staff, "main")
    for number, role, _label, username in OFFICERS:
        propose = staff.locator("#propose-form")
        propose.get_by_label("党员编号").fill(number)
        propose.get_by_label("职责").select_option(role)
        propose.get_by_role("button", name="推选").click()
        staff.wait_for_load_state()
        row = staff.locator(f"#officer-{number}")
        row.get_by_label("用户名").fill(username)
        row.get_by_role("button", name="关联账号").click()
        staff.locator("#new-password").wait_for()
        if number == "m11":
            w.shot(staff, "officer-account")
        w.passwords[username] = staff.locator("#new-password code").inner_text().strip()
        staff.goto(f"{w.e}/meeting/")
    staff.get_by_role("button", name="记录大会通过名单").click()
    staff.wait_for_load_state()
    for number, _role, label, username in OFFICERS:
        officer = _text(staff, f"#officer-{number}")
        assert label in officer and "大会已通过" in officer and username in officer
    w.shot(staff, "officers")

    # Three members choose to vote on their phones: the desk prints a slip per code (S1: no name kept).
    staff.goto(f"{w.e}/evoting/")
    for _ in range(3):
        staff.locator("#issue-code").click()
        staff.locator("#slip-code").wait_for()
        w.codes.append(staff.locator("#slip-code").inner_text().strip())
        if len(w.codes) == 1:
            w.shot(staff, "evoting-slip")
        staff.goto(f"{w.e}/evoting/")
    assert _text(staff, "#desk-active") == "3"
    phone = w.page("phone0", PHONE)
    phone.goto(f"/v/{w.codes[0]}/")
    phone.locator("#waiting").wait_for()
    w.shot(phone, "phone-waiting")

    w.page("jp-sun", PHONE, "jp-sun")
    w.page("jp-ma", PHONE, "jp-ma")
    w.page("jj-zhu", LAPTOP, "jj-zhu")
    w.page("jj-hu", LAPTOP, "jj-hu")

    # Round 1: secretary. Candidates by surname strokes (C4): 何 (7) before 周 (8).
    r1, result = hold_vote(w, "r1-secretary", R1_PAPER, R1_PHONE, shots=True)
    assert _text(staff, "#ballot-names").split()[0] == "何丽"
    assert _counts(staff) == {"何丽": 5, "周文斌": 9}
    assert "发出 14，收回 14，有效 14，无效 0" in result
    assert "周文斌 当选：赞成 9 > 实到会 14 的一半 M7" in result
    assert "何丽 未当选：赞成 5 < 实到会 14 的一半，未过半数 M7" in result

    # 何丽 lost and stands for deputy secretary (M3): the next ballot names her beside the four candidates.
    opt_in(w, r1, "heli", True)
    staff.goto(f"{w.e}/meeting/")
    plan = _text(staff, "#next-round")
    assert "候选人（按姓氏笔画） C4：邓海波、许静、何丽、唐明、韩立新" in plan
    assert "何丽 落选后自愿参加党委副书记选举 M3" in plan
    assert "周文斌 已当选党委书记，不再参加党委副书记选举，计为党委委员 M3" in plan
    w.shot(staff, "overview-cascade")

    # Round 2: deputies. 唐明 10 is elected; 何丽 and 邓海波 both have 8 (> 7) for the one seat left:
    # the core asks for a re-vote among the tied only (M8) and never picks one by itself (M10).
    r2, result = hold_vote(w, "r2-deputy", R2_PAPER, R2_PHONE)
    assert _counts(staff) == {"邓海波": 8, "许静": 1, "何丽": 8, "唐明": 10, "韩立新": 1}
    assert "唐明 当选：赞成 10 > 实到会 14 的一半，得票居过半数者第 1 位（应选 2 名） M8" in result
    assert "邓海波 与 何丽 赞成均为 8（> 实到会 14 的一半），并列争夺剩余 1 个名额，须在并列者中重新投票 M8" in result
    staff.goto(f"{w.e}/meeting/")
    assert not staff.locator("#opt-ins").count()  # the deputy round has not ended: no cascade question yet
    plan = _text(staff, "#next-round")
    assert plan.startswith("下一轮：党委副书记 · 并列重新投票 M8")
    assert "须在并列的 邓海波、何丽 中重新投票，选出剩余的 1 名，得票多者当选" in plan
    assert "应选 1 名 · 候选人（按姓氏笔画） C4：邓海波、何丽" in plan
    w.shot(staff, "overview-revote")

    _rv, result = hold_vote(w, "r2-revote", REVOTE_PAPER, REVOTE_PHONE)
    assert _counts(staff) == {"邓海波": 5, "何丽": 8}
    assert "何丽 当选：重新投票中赞成 8，在 2 名并列者中得票居前 1 名 M8" in result
    assert "1 张空白票有效，对全部候选人按弃权计 M5" in result
    # Now the deputy round has ended: its three losers are asked (M3); 邓海波 stands for committee member.
    staff.goto(f"{w.e}/meeting/")
    assert [q.split()[0] for q in staff.locator("#opt-ins form").all_inner_texts()] == ["邓海波", "许静", "韩立新"]
    for number, stands in [("denghb", True), ("xujing", False), ("hanlx", False)]:
        opt_in(w, r2, number, stands)

    # Round 3: committee members. 田军 10 is elected; 于敏 has exactly 7 = half of 14, which is not more than
    # half (M7): one seat of two stays unfilled → the supplementary vote among the best three (M9).
    _r3, result = hold_vote(w, "r3-member", R3_PAPER, R3_PHONE)
    assert _counts(staff) == {"于敏": 7, "邓海波": 2, "田军": 10, "董小红": 4, "潘建华": 3}
    assert "邓海波 落选后自愿参加党委委员选举 M3" in result
    assert "唐明 已当选党委副书记，不再参加党委委员选举，计为党委委员 M3" in result
    assert "于敏 未当选：赞成 7 = 实到会 14 的一半，未过半数 M7" in result
    assert "田军 当选：赞成 10 > 实到会 14 的一半 M7" in result
    assert "当选人数不足，须另行选举 1 名，候选人：于敏、董小红、潘建华（须再次过半数） M9" in result
    staff.goto(f"{w.e}/meeting/")
    plan = _text(staff, "#next-round")
    assert plan.startswith("下一轮：党委委员 · 另行选举 M9")
    assert "应选 1 名 · 候选人（按姓氏笔画） C4：于敏、董小红、潘建华" in plan
    w.shot(staff, "overview-supplementary")

    _r4, result = hold_vote(w, "r3-supplementary", SUPP_PAPER, SUPP_PHONE)
    assert _counts(staff) == {"于敏": 9, "董小红": 3, "潘建华": 2}
    assert "于敏 当选：赞成 9 > 实到会 14 的一半 M7" in result
    staff.goto(f"{w.e}/meeting/")
    assert _text(staff, "#plan-blocked") == "各职位均已选举完毕 (M3)"
    w.shot(staff, "overview-finished")

    # Results (M11): winners per position by surname strokes (C4), every vote with its counts.
    staff.goto(f"{w.e}/results/")
    shown = {
        kind: _text(staff, f"#elected-{kind} td").split("、") for kind in ("secretary", "deputy_secretary", "member")
    }
    assert shown == {"secretary": ["周文斌"], "deputy_secretary": ["何丽", "唐明"], "member": ["于敏", "田军"]}
    assert "r2-deputy_secretary/revote-1 并列重新投票 M8" in _text(staff, "main")
    assert "r3-member/supplementary-1 另行选举 M9" in _text(staff, "main")
    w.shot(staff, "results")

    # The result report: created by staff, signed by both scrutineers, submitted, approved by the county.
    staff.get_by_role("button", name="生成报告单").click()
    staff.wait_for_load_state()
    assert "○ 孙志华 · 总监票人 · 未签字" in _text(staff, "#signatures")
    assert staff.get_by_role("button", name="报县委组织部").is_disabled()
    for username, name in (("jp-sun", "孙志华"), ("jp-ma", "马玉珍")):
        scrutineer = w.pages[username]
        scrutineer.goto(f"{w.e}/results/")
        scrutineer.get_by_role("button", name=f"我是监票人 {name}，核对无误，签字").click()
        scrutineer.wait_for_load_state()
        assert f"✓ {name}" in _text(scrutineer, "#signatures")
        if username == "jp-ma":
            w.shot(scrutineer, "report-signed-phone")
    staff.goto(f"{w.e}/results/")
    staff.get_by_role("button", name="报县委组织部").click()
    staff.wait_for_load_state()
    assert "报县委组织部" in _text(staff, "#submitted")
    county = w.page("county", LAPTOP, "county")
    county.goto(f"{w.e}/results/")
    county.get_by_label("批复文号").fill("测组干〔2026〕7号")
    county.get_by_role("button", name="录入批复").click()
    county.wait_for_load_state()
    assert _text(county, "#approval").startswith("县委已批复：测组干〔2026〕7号（")
    w.shot(county, "report-approved")

    # The projector in the hall and the public observer page (no login).
    projector = w.page("projector", PROJECTOR, "baishi")
    projector.goto(f"{w.e}/results/screen/")
    assert _text(projector, "#zx-quorum") == "符合法定人数 M1"
    assert (_text(projector, "#zx-expected"), _text(projector, "#zx-present")) == ("16", "14")
    assert "各轮投票已结束" in _text(projector, "#zx-round")
    latest = _text(projector, "#zx-latest")
    assert "党委委员 于敏、田军" in latest and "党委副书记 何丽、唐明" in latest
    w.shot(projector, "projector")
    observer = w.page("observer", PHONE)
    observer.goto(f"/public/elections/{w.election.pk}/meeting/")
    assert (_text(observer, "#expected"), _text(observer, "#present")) == ("16", "14")
    assert "另有预备党员 1 人列席，无表决权 P1" in _text(observer, "#hall")
    assert [_text(observer, f"#elected-{k} td") for k in ("secretary", "deputy_secretary", "member")] == [
        "周文斌", "何丽、唐明", "于敏、田军",
    ]  # fmt: skip
    w.shot(observer, "observer-phone")

    # What the pages show is what the rules core computes from the exported record (S4).
    report = run_scenario(validate(election_scenario(w.election)))
    assert report.needs is None
    names = {a["id"]: a["name"] for a in yaml.safe_load(SCENARIO)["applicants"]}
    computed = {kind: sorted(names[n] for n in numbers) for kind, numbers in report.outcome["elected"].items()}
    assert computed == {kind: sorted(shown_names) for kind, shown_names in shown.items()}
    print(f"walkthrough runtime: {time.monotonic() - started:.0f} s")
