"""A3: the recall petition (20% of members with voting rights) and the recall vote."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhixuan.rules.recall import RecallError, check_petition, decide_recall_vote, required_signatures
from zhixuan.rules.settings import Settings, preset_settings

SETTINGS = Settings()
ROSTER = [f"m{n:03d}" for n in range(1, 101)]  # 100 members with voting rights


def test_a3_exactly_20_percent_petition_passes() -> None:
    result = check_petition("王煦", ROSTER[:20], ROSTER, SETTINGS)
    assert result.passed
    assert (result.entitled, result.required, result.needed) == (100, 20, 0)
    summary = result.decisions[-1]
    assert summary.rule == "A3"
    assert summary.code == "petition_passes"
    assert summary.facts["valid"] == 20
    assert "20.00%" in summary.zh


def test_a3_one_short_of_20_percent_fails_and_says_how_many_are_missing() -> None:
    result = check_petition("王煦", ROSTER[:19], ROSTER, SETTINGS)
    assert not result.passed
    assert result.needed == 1
    summary = result.decisions[-1]
    assert summary.code == "petition_short"
    assert "尚差 1 人" in summary.zh


def test_a3_threshold_rounds_up_for_uneven_rosters() -> None:
    # 20% of 101 is 20.2 members: 20 signatures are not "at least" that, 21 are.
    roster = [*ROSTER, "m101"]
    assert required_signatures(101, SETTINGS) == 21
    assert not check_petition("王煦", roster[:20], roster, SETTINGS).passed
    assert check_petition("王煦", roster[:21], roster, SETTINGS).passed


def test_a3_duplicate_signatures_refused() -> None:
    signatures = [*ROSTER[:19], "m001", "m002"]
    result = check_petition("王煦", signatures, ROSTER, SETTINGS)
    assert result.duplicates == ("m001", "m002")
    assert len(result.valid) == 19
    assert not result.passed
    refused = [d for d in result.decisions if d.code == "signature_duplicate"]
    assert [d.subject for d in refused] == ["m001", "m002"]
    assert all(d.rule == "A3" for d in refused)


def test_a3_ineligible_signers_refused() -> None:
    # A probationary member or someone whose rights are suspended is not among the entitled ids (P1).
    signatures = [*ROSTER[:19], "probationary-1", "outsider"]
    result = check_petition("王煦", signatures, ROSTER, SETTINGS)
    assert result.ineligible == ("probationary-1", "outsider")
    assert not result.passed
    assert result.needed == 1
    refused = [d for d in result.decisions if d.code == "signature_ineligible"]
    assert len(refused) == 2
    assert "P1" in refused[0].zh
    assert result.decisions[-1].facts["ineligible"] == 2


def test_a3_refused_signatures_name_the_signer_and_keep_the_id_as_subject() -> None:
    names = {"m001": "王煦", "probationary-1": "李明"}
    result = check_petition("周平", [*ROSTER[:19], "m001", "probationary-1"], ROSTER, SETTINGS, names=names)
    refused = {d.code: d for d in result.decisions if d.code.startswith("signature_")}
    assert refused["signature_duplicate"].text() == "王煦 已签名，重复签名不计 (A3)"
    assert refused["signature_ineligible"].zh == "李明 不是有表决权的党员（P1），其签名不计入罢免联名"
    assert (refused["signature_duplicate"].subject, refused["signature_ineligible"].subject) == (
        "m001",
        "probationary-1",
    )


def test_a3_petition_share_comes_from_settings() -> None:
    settings = Settings().with_overrides({"recall_petition_fraction": "1/4"})
    assert not check_petition("王煦", ROSTER[:24], ROSTER, settings).passed
    assert check_petition("王煦", ROSTER[:25], ROSTER, settings).passed


def test_a3_standard_preset_has_no_recall() -> None:
    standard = preset_settings("standard")
    result = check_petition("王煦", ROSTER[:50], ROSTER, standard)
    assert not result.passed
    assert result.decisions[-1].code == "recall_disabled"
    vote = decide_recall_vote("王煦", 90, 100, quorum_met=True, settings=standard)
    assert vote.code == "recall_disabled"


def test_a3_empty_roster_is_an_error() -> None:
    with pytest.raises(RecallError):
        check_petition("王煦", ["m001"], [], SETTINGS)


def test_a3_more_than_half_of_expected_recalls() -> None:
    decision = decide_recall_vote("王煦", 51, 100, quorum_met=True, settings=SETTINGS)
    assert decision.rule == "A3"
    assert decision.code == "recalled"
    assert decision.facts["for"] == 51
    assert decision.facts["half"] == Fraction(50)
    assert decision.facts["by_election_needed"] is True
    assert "51 > 应到会 100 的一半" in decision.zh


def test_a3_exactly_half_fails() -> None:
    decision = decide_recall_vote("王煦", 50, 100, quorum_met=True, settings=SETTINGS)
    assert decision.code == "not_recalled"
    assert "50 = 应到会 100 的一半" in decision.zh


def test_a3_base_is_expected_not_present() -> None:
    # 85 present of 100 expected: 45 yes-votes are more than half of those present, not of 应到会.
    decision = decide_recall_vote("王煦", 45, 100, quorum_met=True, settings=SETTINGS)
    assert decision.code == "not_recalled"
    assert decision.facts["base"] == 100


def test_a3_no_quorum_no_outcome() -> None:
    decision = decide_recall_vote("王煦", 70, 100, quorum_met=False, settings=SETTINGS)
    assert decision.rule == "M1"
    assert decision.code == "recall_no_quorum"


@given(st.integers(min_value=1, max_value=500), st.data())
def test_a3_petition_passes_iff_at_least_the_share(entitled: int, data: st.DataObject) -> None:
    roster = [f"m{n}" for n in range(entitled)]
    signed = data.draw(st.integers(min_value=0, max_value=entitled))
    repeats = roster[: min(signed, 3)]  # the same members signing again never count twice
    result = check_petition("王煦", roster[:signed] + repeats, roster, SETTINGS)
    assert len(result.valid) == signed
    assert result.duplicates == tuple(repeats)
    assert result.passed == (signed * 5 >= entitled)
    assert result.passed == (result.needed == 0)
    assert len(result.valid) + result.needed >= result.required


@given(st.integers(min_value=1, max_value=1000), st.data())
def test_a3_recalled_iff_yes_more_than_half(expected: int, data: st.DataObject) -> None:
    yes = data.draw(st.integers(min_value=0, max_value=expected))
    decision = decide_recall_vote("王煦", yes, expected, quorum_met=True, settings=SETTINGS)
    assert (decision.code == "recalled") == (2 * yes > expected)
