"""Electronic voting: codes at the desk, the phone ballot, one ballot per code per round, receipts (S1, M4–M6)."""

from __future__ import annotations

from typing import Any

import pytest
from test_evoting_support import cast, make_meeting, make_round, receipt_of, vote_url
from web_helpers import PASSWORD


@pytest.fixture
def meeting(election: Any) -> Any:
    return make_meeting(election)


@pytest.fixture
def staff_client(client: Any, qingquan_staff: Any) -> Any:
    client.login(username=qingquan_staff.username, password=PASSWORD)
    return client


def issue(meeting: Any, actor: Any = None) -> str:
    from zhixuan.web.evoting.actions import do_issue_code

    return do_issue_code(actor, meeting=meeting)


# --- the code desk ------------------------------------------------------------------------------


def test_issued_code_is_typable_and_only_its_keyed_hash_is_stored(staff_client: Any, election: Any, meeting: Any):
    from zhixuan.web.audit.models import AuditEntry
    from zhixuan.web.evoting.actions import CODE_ALPHABET, code_hash
    from zhixuan.web.evoting.models import VotingCode

    response = staff_client.post(f"/elections/{election.pk}/evoting/issue/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    code = html.split('id="slip-code">')[1].split("<")[0]
    assert len(code) == 11 and code[5] == "-"
    assert set(code.replace("-", "")) <= set(CODE_ALPHABET)
    assert f"/v/{code}/" in html and "<svg" in html  # the QR names the voting URL with the code

    stored = VotingCode.objects.get(meeting=meeting)
    assert stored.active and stored.code_hash == code_hash(code) and code.replace("-", "") not in stored.code_hash
    entry = AuditEntry.objects.get(action="evoting.issue_code")
    assert entry.data == {"active_codes": 1}
    assert entry.object_type == "meeting.meeting"  # the meeting, not the code row
    assert code not in str(entry.data) + entry.object_label + entry.object_id


def test_handing_back_a_code_deactivates_it_and_bad_input_is_named(staff_client: Any, election: Any, meeting: Any):
    from zhixuan.web.evoting.models import VotingCode

    code = issue(meeting)
    url = f"/elections/{election.pk}/evoting/deactivate/"
    page = staff_client.post(url, {"code": "ABC"}, follow=True).content.decode()
    assert "投票码应为 10 位字母或数字，输入的是 3 位。" in page
    page = staff_client.post(url, {"code": "ZZZZZ-ZZZZZ"}, follow=True).content.decode()
    assert "本次会议没有发放过投票码 ZZZZZ-ZZZZZ，请核对。" in page
    page = staff_client.post(url, {"code": code.lower().replace("-", " ")}, follow=True).content.decode()
    assert f"投票码 {code} 已收回，不能再投票。" in page
    assert not VotingCode.objects.get().active
    page = staff_client.post(url, {"code": code}, follow=True).content.decode()
    assert f"投票码 {code} 已经收回。" in page


def test_desk_is_for_the_townships_staff_only(client: Any, election: Any, meeting: Any, lingshan_staff: Any):
    url = f"/elections/{election.pk}/evoting/"
    assert client.get(url).status_code == 302  # login first
    client.login(username=lingshan_staff.username, password=PASSWORD)
    assert client.get(url).status_code == 404
    assert client.post(f"/elections/{election.pk}/evoting/issue/").status_code == 404


def test_desk_shows_counts_of_the_open_round(staff_client: Any, election: Any, meeting: Any):
    rnd = make_round(meeting)
    codes = [issue(meeting) for _ in range(3)]
    cast(staff_client, codes[0], rnd, {"A01": "for"})
    page = staff_client.get(f"/elections/{election.pk}/evoting/").content.decode()
    assert 'id="desk-active">3<' in page
    assert "正在投票：党委书记，已收到电子选票 1 张。" in page


# --- the voting page ----------------------------------------------------------------------------


def test_ballot_page_lists_the_round_in_ballot_order_with_three_marks(client: Any, meeting: Any):
    rnd = make_round(meeting, candidates=["A02", "A01"])
    response = client.get(vote_url(issue(meeting)))
    html = response.content.decode()
    assert response["X-Vote-Status"] == "ballot"
    assert "党委书记 · 应选 1 名" in html
    assert html.index("李二") < html.index("王一")  # Round.candidates order (C4)
    for value, label in (("for", "赞成"), ("against", "不赞成"), ("abstain", "弃权")):
        assert f'id="m-A01-{value}" value="{value}"' in html and label in html
    assert 'name="write-in-0"' in html and 'name="write-in-1"' not in html  # one write-in row per seat
    assert '<option value="0004 党员4">' in html and "预备甲" not in html  # full members only (P1)
    assert rnd.status == "open"


def test_a_code_votes_once_per_round_and_again_in_the_next(client: Any, meeting: Any):
    from zhixuan.web.evoting.models import CodeUse, ElectronicBallot

    first = make_round(meeting)
    code = issue(meeting)
    done = cast(client, code, first, {"A01": "for", "A02": "against"})
    assert done["X-Vote-Status"] == "cast"
    assert "投票成功，您的选票已保存。" in done.content.decode()
    receipt = receipt_of(done)
    assert len(receipt.replace("-", "")) == 12

    again = cast(client, code, first, {"A02": "for"})
    assert again["X-Vote-Status"] == "already_voted"
    assert "此投票码本轮已投票，每个投票码每轮只能投一次。" in again.content.decode()
    ballot = ElectronicBallot.objects.get()
    assert ballot.marks == {"for": ["A01"], "against": ["A02"]}
    assert CodeUse.objects.count() == 1

    first.status = "closed"
    first.save()
    second = make_round(meeting, order=2, kind="deputy_secretary", seats=2, candidates=["A02", "A03"])
    assert cast(client, code, second, {"A03": "for"})["X-Vote-Status"] == "cast"
    assert ElectronicBallot.objects.filter(round=second).get().marks == {"for": ["A03"], "against": []}


def test_inactive_and_unknown_codes_are_refused(client: Any, meeting: Any):
    from zhixuan.web.evoting.actions import do_deactivate_code
    from zhixuan.web.evoting.models import ElectronicBallot

    rnd = make_round(meeting)
    code = issue(meeting)
    do_deactivate_code(None, meeting=meeting, code=code)
    page = client.get(vote_url(code))
    assert page["X-Vote-Status"] == "inactive_code" and "此投票码已收回，不能投票。" in page.content.decode()
    response = cast(client, code, rnd, {"A01": "for"})
    assert response["X-Vote-Status"] == "inactive_code"
    unknown = client.get(vote_url("ABCDE-FGHJK"))
    assert unknown.status_code == 200 and "投票码无效，请核对投票码。" in unknown.content.decode()
    assert not ElectronicBallot.objects.exists()


def test_a_closed_round_takes_no_ballot(client: Any, meeting: Any):
    from zhixuan.web.evoting.actions import CastRefused, do_cast_ballot
    from zhixuan.web.evoting.models import CodeUse, ElectronicBallot

    rnd = make_round(meeting)
    code = issue(meeting)
    assert client.get(vote_url(code))["X-Vote-Status"] == "ballot"
    rnd.status = "closed"  # closed by the scrutineers while the voter was choosing
    rnd.save()
    response = cast(client, code, rnd, {"A01": "for"})
    assert response["X-Vote-Status"] == "round_not_open"
    assert "您提交的这一轮投票已经结束，选票没有保存。" in response.content.decode()
    assert client.get(vote_url(code))["X-Vote-Status"] == "waiting"
    with pytest.raises(CastRefused) as refused:
        do_cast_ballot(code=code, round_id=rnd.pk, ballot={"for": ["A01"]})
    assert refused.value.reason == "round_not_open"
    assert not ElectronicBallot.objects.exists() and not CodeUse.objects.exists()


def test_a_draft_round_of_another_meeting_cannot_be_targeted(client: Any, meeting: Any):
    from zhixuan.web.evoting.actions import CastRefused, do_cast_ballot

    rnd = make_round(meeting, status="draft")
    with pytest.raises(CastRefused) as refused:
        do_cast_ballot(code=issue(meeting), round_id=rnd.pk, ballot={"for": ["A01"]})
    assert str(refused.value.messages[0]) == "本轮投票未在进行中，选票没有保存。"


def test_review_warns_of_an_over_vote_but_casts_it_when_confirmed(client: Any, meeting: Any):
    from zhixuan.web.evoting.models import ElectronicBallot

    rnd = make_round(meeting)
    code = issue(meeting)
    review = client.post(vote_url(code), {"round": rnd.pk, "step": "review", "mark-A01": "for", "mark-A02": "for"})
    html = review.content.decode()
    assert review["X-Vote-Status"] == "review"
    assert "您赞成了 2 人（含另选），超过本轮应选 1 名，这张选票将作为无效票。" in html
    assert '<span class="zx-rule">M5</span>' in html
    assert not ElectronicBallot.objects.exists()  # nothing stored before confirming
    assert cast(client, code, rnd, {"A01": "for", "A02": "for"})["X-Vote-Status"] == "cast"
    # The core decides validity when the round is counted; the stored ballot is what the voter confirmed.
    assert ElectronicBallot.objects.get().marks == {"for": ["A01", "A02"], "against": []}


def test_write_ins_by_name_or_number_and_their_rules(client: Any, meeting: Any):
    from zhixuan.web.evoting.models import ElectronicBallot

    rnd = make_round(meeting, kind="deputy_secretary", seats=2)
    code = issue(meeting)
    url = vote_url(code)
    base = {"round": rnd.pk, "step": "review", "mark-A01": "against"}

    page = client.post(url, {**base, "write-in-0": "无此人"}).content.decode()
    assert "另选第 1 行：名册中找不到编号或姓名为“无此人”的党员。" in page
    page = client.post(url, {**base, "write-in-1": "重名"}).content.decode()
    assert "另选第 2 行：名册中有多人名叫“重名”，请填写党员编号。" in page

    page = client.post(url, {**base, "write-in-0": "党员7", "write-in-1": "0099 预备甲"}).content.decode()
    assert "0007 党员7" in page and "“预备甲”不具备被选举资格，另选将不计入。" in page

    page = client.post(url, {"round": rnd.pk, "step": "review", "write-in-0": "0008"}).content.decode()
    assert "只有对某位候选人投了不赞成票，才能另选他人；另选的“党员8”将不计入。" in page

    assert cast(client, code, rnd, {"A01": "against"}, ["0007 党员7"])["X-Vote-Status"] == "cast"
    assert ElectronicBallot.objects.get().marks == {
        "for": [],
        "against": ["A01"],
        "write_ins": [{"name": "0007", "for": True}],
    }


def test_tie_revote_takes_no_write_ins(client: Any, meeting: Any):
    rnd = make_round(meeting, round_kind="revote")
    html = client.get(vote_url(issue(meeting))).content.decode()
    assert "党委书记（并列重新投票）" in html and 'name="write-in-0"' not in html
    assert rnd.kind == "revote"


def test_a_blank_ballot_is_valid_and_said_so(client: Any, meeting: Any):
    rnd = make_round(meeting)
    page = client.post(vote_url(issue(meeting)), {"round": rnd.pk, "step": "review"}).content.decode()
    assert "您没有作任何标记：这是一张空白票，有效，对所有候选人均视为弃权。" in page


def test_a_tampered_mark_is_named(client: Any, meeting: Any):
    rnd = make_round(meeting)
    page = client.post(vote_url(issue(meeting)), {"round": rnd.pk, "step": "cast", "mark-A01": "yes"})
    assert page["X-Vote-Status"] == "ballot"
    assert "候选人 A01 的标记无效，请重新选择。" in page.content.decode()


# --- receipts -----------------------------------------------------------------------------------


def test_receipt_says_in_which_round_and_whether_counted_not_what(client: Any, meeting: Any):
    rnd = make_round(meeting)
    receipt = receipt_of(cast(client, issue(meeting), rnd, {"A02": "for"}))
    page = client.get("/public/receipt/", {"receipt": receipt.lower()}).content.decode()
    assert "此回执对应的选票已保存在“党委书记”这一轮。" in page
    assert "该轮状态：投票中。计票结果确认后即计入。" in page
    assert "李二" not in page and "赞成" not in page.split('id="receipt-result"')[1]

    rnd.status = "accepted"
    rnd.save()
    page = client.get("/public/receipt/", {"receipt": receipt}).content.decode()
    assert "该轮计票结果已确认，这张选票已计入。" in page
    missing = client.get("/public/receipt/", {"receipt": "AAAA-AAAA-AAAA"}).content.decode()
    assert "没有找到这个回执码对应的选票。" in missing


# --- for the meeting app's round close ------------------------------------------------------------


def test_sealing_a_closed_round_rewrites_its_rows_in_a_new_order(client: Any, meeting: Any):
    from django.db import transaction

    from zhixuan.web.evoting.actions import round_summary, seal_round_ballots
    from zhixuan.web.evoting.models import CodeUse, ElectronicBallot

    rnd = make_round(meeting)
    for marks in ({"A01": "for"}, {"A02": "for"}, {"A01": "against"}):
        cast(client, issue(meeting), rnd, marks)
    before_ids = set(ElectronicBallot.objects.values_list("id", flat=True))
    before = round_summary(rnd)
    with transaction.atomic():
        seal_round_ballots(rnd)
    after = round_summary(rnd)
    assert before == after  # the same ballots (digest over sorted contents) and code uses
    assert after["electronic_ballots"] == 3 and after["codes_used"] == 3 and after["active_codes"] == 3
    assert not before_ids & set(ElectronicBallot.objects.values_list("id", flat=True))
    assert CodeUse.objects.filter(round=rnd).count() == 3


def test_code_entry_page_redirects_to_the_ballot(client: Any, meeting: Any):
    response = client.get("/v/", {"code": "abcde fghjk"})
    assert response.status_code == 302 and response["Location"] == "/v/ABCDE-FGHJK/"
