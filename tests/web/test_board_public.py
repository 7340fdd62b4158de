"""The public board: no login, only what has been published, in procedure order, each item dated;
the lot's secret only after the reveal (L1); the audit chain head (S2); a public record anyone can
rerun (S4)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import yaml
from django.test import Client
from django.utils import timezone
from test_candidates_example_fixture import EXAMPLES, close_entry, load_example, names, reveal_speech_lot
from web_helpers import create_election

from zhixuan.scenario.loader import validate
from zhixuan.scenario.runner import run_scenario
from zhixuan.web.audit.models import AuditEntry
from zhixuan.web.audit.selectors import chain_head
from zhixuan.web.candidates.actions import do_publish_formal_list, do_record_inspection
from zhixuan.web.elections.outcomes import election_outcome
from zhixuan.web.nomination.models import Applicant, ReviewNotice
from zhixuan.web.recommendation.models import Lot, RecommendationStage

LINGSHAN = "three-round-township.yaml"
QINGQUAN = "qingquan-two-recommendation.yaml"
SECRET = "5f1c0e9a7b3d2c4e6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6"


def _board(election: Any) -> str:
    response = Client().get(f"/public/elections/{election.pk}/board/")
    assert response.status_code == 200
    return response.content.decode()


def _inspect_all(actor: Any, election: Any, fail: dict[str, str] | None = None) -> None:
    fail = fail or {}
    preliminary = election_outcome(election).outcome("preliminary")
    assert isinstance(preliminary, dict)
    for number in sorted({i for ids in preliminary.values() for i in ids}):
        applicant = Applicant.objects.get(election=election, number=number)
        reason = fail.get(applicant.name, "")
        do_record_inspection(actor, election=election, applicant=applicant, passed=not reason, reason=reason)


def test_l1_secret_hidden_before_the_reveal_and_shown_after(county_admin: Any, townships: Any) -> None:
    election = load_example(county_admin, townships["灵山乡"], LINGSHAN, reveal_lot=False, close_stages=False)
    lot = Lot.objects.get(election=election)
    page = _board(election)
    verify = Client().get(f"/public/elections/{election.pk}/board/verify/").content.decode()
    assert lot.commitment in page and lot.commitment in verify
    assert "2026-03-10 09:00" in page  # the commitment's date
    for body in (page, verify):
        assert SECRET not in body and "3,6,1,4,2,5" not in body
    assert "秘密值在抽签后公开" in page

    reveal_speech_lot(election, "3,6,1,4,2,5")
    page = _board(election)
    assert SECRET in page and "3,6,1,4,2,5" in page and "2026-03-12 09:30" in page
    order = names(election, Lot.objects.get(election=election).result)
    assert len(order) == 20  # everyone qualified speaks (R6)
    assert "".join(f"<li>{n}</li>" for n in order) in page
    verify = Client().get(f"/public/elections/{election.pk}/board/verify/").content.decode()
    assert f"--secret {SECRET} --commitment {lot.commitment}" in verify
    assert f"echo -n {SECRET} | xxd -r -p | sha256sum" in verify


def test_the_printed_verify_command_checks_the_draw(county_admin: Any, townships: Any, capsys: Any) -> None:
    import shlex

    from zhixuan.cli.main import main
    from zhixuan.web.board.selectors import lots

    election = load_example(county_admin, townships["灵山乡"], LINGSHAN)
    [lot] = lots(election)
    argv = shlex.split(lot.verify_command)[1:]
    assert main(argv) == 0
    assert "抽签结果核验一致" in capsys.readouterr().out
    # A single changed place in the published order is caught.
    order_at = argv.index("--order") + 1
    first, second, *rest = argv[order_at].split(",")
    argv[order_at] = ",".join([second, first, *rest])
    assert main(argv) != 0


def test_board_shows_only_what_is_published(county_admin: Any, townships: Any) -> None:
    election = load_example(county_admin, townships["灵山乡"], LINGSHAN, close_stages=False)
    page = _board(election)
    assert "公开推荐会" not in page  # stage results wait for every stage to close
    assert "田军" not in page.split('id="item-results"')[1]
    assert "全部推荐环节结束后公布。" in page
    assert page.count("尚未公布。") == 3  # notice, preliminary, formal

    ReviewNotice.objects.create(
        election=election,
        published_at=timezone.now(),
        objections_until=timezone.now() + timedelta(days=5),
        content={"positions": [{"kind": "secretary", "title": "党委书记", "seats": 1, "qualified": [
            {"number": "zhouwb", "name": "周文斌"}, {"number": "heli", "name": "何丽"},
        ]}]},
    )  # fmt: skip
    for stage in RecommendationStage.objects.filter(election=election):
        stage.status = "closed"
        stage.save()
        close_entry(county_admin, election, stage)
    page = _board(election)
    notice = page.split('id="item-notice"')[1].split("</li>")[0]
    assert "周文斌、何丽" in notice
    results = page.split('id="item-results"')[1].split('id="item-preliminary"')[0]
    closed_at = AuditEntry.objects.get(action="recommendation.close_stage").time
    assert timezone.localtime(closed_at).strftime("%Y-%m-%d %H:%M") in results  # dated by the audit chain
    assert "推荐环节：公开推荐会" in results and '<span class="zx-rule">R1</span>' in results
    assert "<td>58.53%</td>" in results  # 周文斌 278/475, as a percentage with 2 decimals (R1)
    preliminary = page.split('id="item-preliminary"')[1].split('id="item-formal"')[0]
    assert "于敏、田军、余志强、袁超、董小红、蒋涛、蔡秀兰、潘建华" in preliminary  # by strokes (C4)
    formal = page.split('id="item-formal"')[1].split('id="item-audit"')[0]
    assert "尚未公布。" in formal  # the core has formal lists, but nothing is published yet

    _inspect_all(county_admin, election)
    publication = do_publish_formal_list(county_admin, election=election)
    page = _board(election)
    formal = page.split('id="item-formal"')[1].split('id="item-audit"')[0]
    assert (
        "何丽、周文斌" in formal and timezone.localtime(publication.published_at).strftime("%Y-%m-%d %H:%M") in formal
    )
    assert f'<div class="zx-hash" id="chain-head">{chain_head(election.audit_chain)}</div>' in page


def test_board_needs_a_published_announcement(county_admin: Any, townships: Any) -> None:
    draft = create_election(county_admin, townships["清泉镇"])
    assert Client().get(f"/public/elections/{draft.pk}/board/").status_code == 404
    assert Client().get(f"/public/elections/{draft.pk}/board/record.yaml").status_code == 404
    assert Client().get("/public/elections/999999/board/").status_code == 404


def test_public_links_lead_to_the_board(county_admin: Any, townships: Any) -> None:
    election = load_example(county_admin, townships["灵山乡"], LINGSHAN)
    board_url = f"/public/elections/{election.pk}/board/"
    assert board_url in Client().get("/public/").content.decode()
    assert board_url in Client().get(f"/public/elections/{election.pk}/").content.decode()


def test_s4_public_record_reruns_to_the_published_lists_without_personal_details(
    county_admin: Any, townships: Any
) -> None:
    election = load_example(county_admin, townships["清泉镇"], QINGQUAN)
    ReviewNotice.objects.create(
        election=election, published_at=timezone.now(), objections_until=timezone.now(), content={}
    )
    _inspect_all(county_admin, election, fail={"徐丹红": "个人有关事项报告不实", "李磊": "优亲厚友"})
    from zhixuan.web.candidates.actions import do_record_county_vote

    doc = yaml.safe_load((EXAMPLES / QINGQUAN).read_text(encoding="utf-8"))
    do_record_county_vote(county_admin, election=election, voters=31, votes=doc["county_vote"]["for"], held_on=None)
    publication = do_publish_formal_list(county_admin, election=election)

    response = Client().get(f"/public/elections/{election.pk}/board/record.yaml")
    assert response.status_code == 200
    body = response.content.decode()
    assert chain_head(election.audit_chain) in body.splitlines()[0]
    # Withheld: members' names, excusal notes, the objector, inspection opinions.
    for private in ("陈林浩", "住院治疗", "匿名来信", "个人有关事项报告不实", "优亲厚友"):
        assert private not in body
    record = validate(yaml.safe_load(body))
    assert record["speech_lot"]["secret"] == doc["speech_lot"]["secret"]
    report = run_scenario(record)
    published = {p["kind"]: [c["number"] for c in p["candidates"]] for p in publication.content["positions"]}
    assert report.outcome["formal"] == published
    assert report.outcome["expected"] == 343  # P2 from ids, statuses and approved excusals alone


def test_public_record_holds_back_unpublished_steps(county_admin: Any, townships: Any) -> None:
    election = load_example(county_admin, townships["灵山乡"], LINGSHAN)
    record = yaml.safe_load(Client().get(f"/public/elections/{election.pk}/board/record.yaml").content.decode())
    assert "applicants" not in record  # the review notice is not published yet
    assert "stages" not in record and "inspection" not in record
    assert {m["name"] for m in record["roster"]["members"]} == {m["id"] for m in record["roster"]["members"]}
