"""Issue 5 item 3, the recall in the scenario import: ``examples/recall.yaml`` becomes the recall app's rows.

- the petitions with their signatures in signing order: 宋华鹏's 12, and 曹林文's with m31 twice (kept as
  recorded, the core counts it once) and the probationary m51 (not counted, P1) — exactly 10 = 20% (A3);
- the recall votes as accepted: 46 present (a count, as the file gives it), 30 yes recalls 宋华鹏, 25 yes
  (exactly half of 50) does not recall 曹林文 (A3);
- the by-election with its candidates (members m03, m04, no applications) and ballots: 郑丹辉 wins (M7);
- the export of the imported election is the file (position ids as kinds) and the core decides it word for word;
- a signer not on the roster refuses the whole file, naming the path; nothing is stored.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from web_helpers import PASSWORD

from zhixuan.scenario.errors import ScenarioError
from zhixuan.scenario.loader import load_path, validate
from zhixuan.scenario.runner import run_scenario
from zhixuan.web.elections.models import Election
from zhixuan.web.elections.outcomes import election_outcome
from zhixuan.web.elections.scenario_export import election_scenario
from zhixuan.web.elections.scenario_import import do_import_scenario
from zhixuan.web.recall import selectors
from zhixuan.web.recall.models import Petition

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "recall.yaml"


def _import(admin: Any, county: Any, text: str | None = None) -> tuple[Any, Any]:
    text = text if text is not None else EXAMPLE.read_text(encoding="utf-8")
    return do_import_scenario(admin, county=county, text=text, filename="recall.yaml")


def test_recall_example_imports_as_petitions_votes_and_a_by_election(county_admin: Any, county: Any) -> None:
    election, prepared = _import(county_admin, county)
    assert "recall" not in prepared.set_aside
    song, cao = Petition.objects.filter(election=election).order_by("pk")
    assert (song.leader, song.leader_name, song.position_kind) == ("m01", "宋华鹏", "deputy_secretary")
    assert (cao.leader, cao.leader_name) == ("m02", "曹林文")
    assert selectors.signer_numbers(cao) == [f"m{i}" for i in range(22, 32)] + ["m31", "m51"]
    assert [s.member.number for s in cao.signatures.filter(repeated=True)] == ["m31"]
    check = selectors.petition_check(cao)
    assert (len(check.valid), check.required, check.passed) == (10, 10, True)
    assert song.vote_present == 46 and song.vote_counts == {
        "issued": 46,
        "yes": 30,
        "no": 14,
        "abstain": 1,
        "invalid": 1,
    }
    assert cao.vote_counts == {"issued": 46, "yes": 25, "no": 19, "abstain": 2}  # the file gives no invalid count
    assert (song.by_key, song.by_candidates, song.by_present) == ("by-election", ["m03", "m04"], 46)
    assert song.by_counts["ballots"][0] == {"count": 28, "for": ["m03"], "against": ["m04"]}
    assert cao.by_counts is None

    outcome = election_outcome(election)
    assert selectors.vote_decision(song, outcome).code == "recalled"  # type: ignore[union-attr]
    assert selectors.vote_decision(cao, outcome).code == "not_recalled"  # type: ignore[union-attr]
    assert outcome.outcome("elected") == {"deputy_secretary": ["m02", "m03"]}


def test_the_export_is_the_file_and_the_core_decides_it_word_for_word(county_admin: Any, county: Any) -> None:
    election, prepared = _import(county_admin, county)
    exported = validate(election_scenario(election))
    assert exported["recall"] == prepared.document["recall"]
    original = load_path(EXAMPLE)
    recall = copy.deepcopy(original["recall"])
    recall["votes"][0]["by_election"]["position"] = "deputy_secretary"
    assert exported["recall"] == recall  # nothing re-expressed but the position id
    want = next(s for s in run_scenario(original).sections if s.key == "recall")
    got = next(s for s in run_scenario(exported).sections if s.key == "recall")
    assert [(d.rule, d.code, d.zh) for d in got.decisions] == [(d.rule, d.code, d.zh) for d in want.decisions]
    assert [(d.code, d.subject) for d in got.decisions if d.code.startswith("signature_")] == [
        ("signature_duplicate", "m31"),
        ("signature_ineligible", "m51"),
    ]


def test_imported_petition_page_shows_the_core_verdicts(county_admin: Any, county: Any) -> None:
    election, _prepared = _import(county_admin, county)
    song, cao = Petition.objects.filter(election=election).order_by("pk")
    client = Client()
    client.login(username=county_admin.username, password=PASSWORD)
    page = client.get(f"/elections/{election.pk}/recall/{song.pk}/").content.decode()
    assert "宋华鹏 被罢免：赞成罢免 30 &gt; 应到会 50 的一半" in page
    assert "实到会 46 人，不低于应到会 50 人的 4/5" in page  # M1 from the accepted vote's count
    assert "郑丹辉" in page and 'id="by-result"' in page
    page = client.get(f"/elections/{election.pk}/recall/{cao.pk}/").content.decode()
    assert "曹林文 未被罢免：赞成罢免 25 = 应到会 50 的一半，未过半数" in page
    assert "重复，不计" in page and "无表决权，不计" in page
    assert "10 / 10" in page


def test_a_signer_not_on_the_roster_refuses_the_file(county_admin: Any, county: Any) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("m21]", "x99]", 1)
    with pytest.raises(ScenarioError) as exc:
        _import(county_admin, county, text)
    problems = [(p.path, p.zh) for p in exc.value.problems]
    assert problems == [
        ("recall.petitions[0].signatures[11]", "签名人 x99 不在党员名册中，系统只能记录名册中党员的签名 (A3)")
    ]
    assert not Election.objects.exists() and not Petition.objects.exists()


def test_a_vote_without_its_petition_refuses_the_file(county_admin: Any, county: Any) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "    - leader: m02\n      present: 46", "    - leader: m05\n      present: 46"
    )
    with pytest.raises(ScenarioError) as exc:
        _import(county_admin, county, text)
    assert [p.path for p in exc.value.problems] == ["recall.votes[1].leader"]
    assert not Petition.objects.exists()
