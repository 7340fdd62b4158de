"""The runner walks a scenario through the core; each test names the rule whose handling it checks."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from zhixuan.scenario.errors import ScenarioError
from zhixuan.scenario.loader import validate
from zhixuan.scenario.runner import run_scenario


def members(n: int) -> list[dict[str, Any]]:
    return [{"id": f"m{i:03d}", "name": name} for i, name in enumerate(_names(n), 1)]


def _names(n: int) -> list[str]:
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
    return [surnames[i % 20] + given[(i // 20) % 20] + given[(i * 7) % 20] for i in range(n)]


def scenario(rounds: list[dict[str, Any]], n: int = 10, **settings: Any) -> dict[str, Any]:
    return {
        "format": "zhixuan-scenario/1",
        "election": {"id": "t", "title": "测试", "preset": "three-round", "settings": settings},
        "positions": [
            {"id": "secretary", "name": "党委书记", "kind": "secretary", "seats": 1},
            {"id": "deputy", "name": "党委副书记", "kind": "deputy_secretary", "seats": 1},
        ],
        "roster": {"members": members(n)},
        "meeting": {"rounds": rounds},
    }


def ballots(pattern: dict[str, int]) -> list[dict[str, Any]]:
    """{"m001": 6, "m002": 4} -> 6 ballots for m001 (against m002) and 4 the other way."""
    out: list[dict[str, Any]] = []
    for cand, count in pattern.items():
        others = [c for c in pattern if c != cand]
        out += [{"for": [cand], "against": others} for _ in range(count)]
    return out


def run(doc: dict[str, Any]) -> Any:
    return run_scenario(validate(copy.deepcopy(doc)))


def test_m7_report_sentence_for_qingquan_numbers() -> None:
    rnd = {
        "position": "secretary",
        "candidates": ["m001", "m002"],
        "present": 340,
        "ballots": [
            {"count": 181, "for": ["m001"], "against": ["m002"]},
            {"count": 159, "for": ["m002"], "against": ["m001"]},
        ],
    }
    doc = scenario([rnd], n=400)
    doc["roster"]["members"][0]["name"] = "王煦"
    report = run(doc)
    assert report.status == "complete"
    texts = [d.text() for d in report.decisions]
    assert "王煦 当选：赞成 181 > 实到会 340 的一半 (M7)" in texts
    assert report.outcome["elected"] == {"secretary": ["m001"]}


def test_m10_tie_without_revote_stops_and_says_what_is_needed() -> None:
    rnd = {
        "position": "secretary",
        "candidates": ["m001", "m002"],
        "present": 10,
        "ballots": ballots({"m001": 5, "m002": 5}),
    }
    report = run(scenario([rnd]))
    assert report.status == "needs_input"
    assert report.needs is not None and report.needs.rule in {"M7", "M8", "M9", "M10"}
    assert "elected" not in report.outcome
    assert report.outcome["rounds"][0]["status"] == "needs_supplementary"


def test_m9_supplementary_followup_elects_with_threshold_again() -> None:
    rnd = {
        "position": "secretary",
        "candidates": ["m001", "m002"],
        "present": 10,
        "ballots": ballots({"m001": 5, "m002": 5}),
        "followups": [{"kind": "supplementary", "present": 10, "ballots": ballots({"m001": 7, "m002": 3})}],
    }
    report = run(scenario([rnd]))
    assert report.status == "complete", report.needs
    assert report.outcome["elected"] == {"secretary": ["m001"]}


def test_m8_tie_at_last_seat_is_revoted_among_tied() -> None:
    # 3 seats; m001 10, m002 8, m003 6, m004 6 of 10 present: all over half, m003/m004 tie for the last seat.
    pattern = [(["m001", "m002", "m003"], 4), (["m001", "m002", "m004"], 4), (["m001", "m003", "m004"], 2)]
    rnd = {
        "position": "member",
        "candidates": ["m001", "m002", "m003", "m004"],
        "present": 10,
        "ballots": [{"count": n, "for": picks} for picks, n in pattern],
    }
    doc = scenario([rnd])
    doc["positions"].append({"id": "member", "name": "党委委员", "kind": "member", "seats": 3})
    report = run(doc)
    assert report.status == "needs_input"
    needs = report.outcome["rounds"][0]["needs"]
    assert needs["kind"] == "revote" and needs["seats"] == 1
    assert sorted(needs["candidates"]) == ["m003", "m004"]
    rnd["followups"] = [{"kind": "revote", "present": 10, "ballots": ballots({"m003": 4, "m004": 6})}]
    report = run(doc)
    assert report.status == "complete"
    assert sorted(report.outcome["elected"]["member"]) == ["m001", "m002", "m004"]


def test_m6_void_round_needs_rerun_and_rerun_counts() -> None:
    rnd = {
        "position": "secretary",
        "candidates": ["m001", "m002"],
        "present": 9,
        "issued": 9,
        "ballots": ballots({"m001": 7, "m002": 3}),
    }
    report = run(scenario([rnd]))
    assert report.status == "needs_input"
    assert report.outcome["rounds"][0]["status"] == "void"
    rnd["followups"] = [{"kind": "rerun", "present": 9, "ballots": ballots({"m001": 6, "m002": 3})}]
    report = run(scenario([rnd]))
    assert report.status == "complete"
    assert report.outcome["elected"] == {"secretary": ["m001"]}


def _secretary_and_deputy_rounds() -> list[dict[str, Any]]:
    return [
        {
            "position": "secretary",
            "candidates": ["m001", "m002"],
            "present": 10,
            "ballots": ballots({"m001": 7, "m002": 3}),
        },
        {
            "position": "deputy",
            "candidates": ["m003", "m004"],
            "present": 10,
            "ballots": ballots({"m003": 6, "m004": 4}),
        },
    ]


def test_m2_teller_or_scrutineer_who_is_a_candidate_of_any_round_is_refused_by_name() -> None:
    doc = scenario(_secretary_and_deputy_rounds())
    doc["meeting"]["scrutineers"] = ["m005", "m004"]
    doc["meeting"]["tellers"] = ["m006", "m003"]
    name = {m["id"]: m["name"] for m in doc["roster"]["members"]}
    report = run(doc)
    m2 = {(d.code, d.subject) for d in report.decisions if d.rule == "M2"}
    assert m2 == {
        ("scrutineer_eligible", name["m005"]),
        ("scrutineer_is_candidate", name["m004"]),
        ("teller_eligible", name["m006"]),
        ("teller_is_candidate", name["m003"]),
    }
    assert f"{name['m003']} 是本次大会的候选人，不能担任计票人 (M2)" in [d.text() for d in report.decisions]


def test_m6_ballots_issued_other_than_members_present_are_reported_for_the_round() -> None:
    rounds = _secretary_and_deputy_rounds()
    rounds[0]["issued"] = 11
    report = run(scenario(rounds))
    m6 = [d for d in report.decisions if d.rule == "M6" and d.code.startswith("issued_")]
    assert [(d.code, d.subject, dict(d.facts)) for d in m6] == [
        ("issued_exceeds_present", "secretary", {"issued": 11, "present": 10})
    ]
    # Reported, not settled: 10 collected of 11 issued is a valid round (M6) and m001 is elected (M7).
    assert report.status == "complete"
    assert report.outcome["elected"] == {"secretary": ["m001"], "deputy": ["m003"]}


def test_m6_issued_defaults_to_present_and_needs_no_remark() -> None:
    report = run(scenario(_secretary_and_deputy_rounds()))
    assert not [d for d in report.decisions if d.code.startswith("issued_")]


def test_m1_round_below_quorum_cannot_open() -> None:
    rnd = {
        "position": "secretary",
        "candidates": ["m001", "m002"],
        "present": 7,
        "ballots": ballots({"m001": 5, "m002": 2}),
    }
    report = run(scenario([rnd]))  # three-round: at least 4/5 of 10 = 8
    assert report.status == "needs_input"
    assert any(d.rule == "M1" and d.code == "quorum_failed" for d in report.decisions)
    assert "elected" not in report.outcome
    assert report.outcome["rounds"][0]["status"] == "no_quorum"


def test_p1_probationary_members_checked_in_do_not_count_as_present() -> None:
    doc = scenario(
        [
            {
                "position": "secretary",
                "candidates": ["m001", "m002"],
                "present": [f"m{i:03d}" for i in range(1, 11)],
                "issued": 8,
                "ballots": ballots({"m001": 6, "m002": 2}),
            }
        ]
    )
    doc["roster"]["members"][8]["status"] = "probationary"
    doc["roster"]["members"][9]["status"] = "probationary"
    report = run(doc)
    quorum = next(d for d in report.decisions if d.rule == "M1")
    assert quorum.facts["present"] == 8 and quorum.facts["expected"] == 8


def test_m3_loser_opts_in_to_next_round_and_winner_does_not_stand_again() -> None:
    rounds = [
        {
            "position": "secretary",
            "candidates": ["m001", "m002"],
            "present": 10,
            "ballots": ballots({"m001": 7, "m002": 3}),
            "opt_ins": ["m002"],
        },
        {
            "position": "deputy",
            "candidates": ["m003"],
            "present": 10,
            "ballots": [{"for": ["m002"], "against": ["m003"]} for _ in range(6)]
            + [{"for": ["m003"], "against": ["m002"]} for _ in range(4)],
        },
    ]
    report = run(scenario(rounds))
    assert report.outcome["elected"] == {"secretary": ["m001"], "deputy": ["m002"]}
    deputy_round = report.outcome["rounds"][1]
    assert sorted(deputy_round["candidates"]) == ["m002", "m003"]
    assert any(d.rule == "M3" and "m001" not in d.zh for d in report.decisions)


def test_ballot_naming_someone_off_the_round_is_a_file_error_with_path() -> None:
    rnd = {
        "position": "secretary",
        "candidates": ["m001", "m002"],
        "present": 10,
        "ballots": [*ballots({"m001": 7, "m002": 2}), {"for": ["m005"]}],
    }
    with pytest.raises(ScenarioError) as caught:
        run(scenario([rnd]))
    assert caught.value.problems[0].path == "meeting.rounds[0].ballots[9].for[0]"


def test_marks_string_must_match_candidate_count() -> None:
    rnd = {"position": "secretary", "candidates": ["m001", "m002"], "present": 10, "ballots": [{"marks": "F"}]}
    with pytest.raises(ScenarioError) as caught:
        run(scenario([rnd]))
    assert caught.value.problems[0].path == "meeting.rounds[0].ballots[0].marks"


def test_every_decision_in_json_carries_a_rule_id() -> None:
    rnd = {
        "position": "secretary",
        "candidates": ["m001", "m002"],
        "present": 10,
        "ballots": ballots({"m001": 7, "m002": 3}),
    }
    payload = run(scenario([rnd])).to_json()
    assert payload["status"] == "complete"
    assert payload["decisions"] and all(d["rule"] for d in payload["decisions"])
    assert payload["outcome"]["rounds"][0]["valid"] + payload["outcome"]["rounds"][0]["invalid"] == 10


def test_r6_speech_order_is_the_l1_draw_anyone_can_recompute() -> None:
    from zhixuan.rules.lot import draw

    doc = scenario([], n=30)
    del doc["meeting"]
    doc["applicants"] = [
        {"id": f"a{i}", "name": name, "member": f"m{i:03d}", "positions": ["secretary"], "routes": [{"type": "self"}]}
        for i, name in ((1, "王伟芳"), (2, "李芳娜"), (3, "张娜敏"))
    ]
    secret = "ab" * 16
    doc["speech_lot"] = {"secret": secret, "entropy": "6-2-5", "label": "speech"}
    report = run(doc)
    expected = draw(["a1", "a2", "a3"], bytes.fromhex(secret), "6-2-5", "speech").order
    assert report.outcome["speech_order"] == list(expected)
    (lot,) = [d for d in report.decisions if d.rule == "L1" and d.code == "lot_drawn"]
    name = {"a1": "王伟芳", "a2": "李芳娜", "a3": "张娜敏"}
    assert "、".join(f"{n}. {name[i]}" for n, i in enumerate(expected, start=1)) in lot.zh
    assert lot.facts["order"] == expected


def test_a3_refused_petition_signatures_are_named_like_every_other_decision() -> None:
    doc = scenario(_secretary_and_deputy_rounds())
    doc["roster"]["members"][9]["status"] = "probationary"
    doc["recall"] = {"petitions": [{"leader": "m001", "signatures": ["m005", "m006", "m005", "m010"]}]}
    name = {m["id"]: m["name"] for m in doc["roster"]["members"]}
    report = run(doc)
    refused = {d.code: d for d in report.decisions if d.rule == "A3" and d.code.startswith("signature_")}
    assert refused["signature_duplicate"].zh == f"{name['m005']} 已签名，重复签名不计"
    assert refused["signature_ineligible"].zh == f"{name['m010']} 不是有表决权的党员（P1），其签名不计入罢免联名"
    assert (refused["signature_duplicate"].subject, refused["signature_ineligible"].subject) == ("m005", "m010")


def test_m11_winners_listed_by_surname_strokes_candidates_by_votes() -> None:
    doc = scenario([], n=12)
    doc["positions"].append({"id": "member", "name": "党委委员", "kind": "member", "seats": 2})
    names = {"m001": "王五", "m002": "丁一", "m003": "李四", "m004": "张三"}
    for member in doc["roster"]["members"]:
        member["name"] = names.get(member["id"], member["name"])
    doc["meeting"]["rounds"] = [
        {
            "position": "member",
            "candidates": ["m001", "m002", "m003", "m004"],
            "present": 12,
            "ballots": [{"count": 9, "for": ["m001", "m002"]}, {"count": 3, "for": ["m003", "m004"]}],
        }
    ]
    report = run(doc)
    section = next(s for s in report.sections if s.key == "round:member")
    assert section.facts["当选 / elected"] == ["丁一", "王五"]  # 丁 (2 strokes) before 王 (4)
    votes = [row[1] for row in section.tables[0].rows]
    assert votes == sorted(votes, reverse=True)


def test_s4_every_round_of_the_synthetic_county_adds_up() -> None:
    from zhixuan.synth import generate_county

    for doc in generate_county(0):
        report = run_scenario(validate(doc))
        assert report.status == "complete"
        for rnd in report.outcome["rounds"]:
            assert rnd["valid"] + rnd["invalid"] == rnd["collected"] <= rnd["issued"]
            assert len(rnd["winners"]) <= rnd["seats"]
