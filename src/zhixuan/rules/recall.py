"""Recall (罢免, rule A3): the joint petition and the outcome of the recall vote.

Petition: signatures are checked against the members with voting rights (P1); each member counts
once (later signatures of the same member are refused) and a signer without voting rights is
refused. The petition stands when the valid signatures are **at least**
``recall_petition_fraction`` (20%) of the members with voting rights — rules.md says "at least",
so exactly 20% passes.

Vote: the quorum of the recall meeting is checked by M1 (``meeting.check_quorum``); without it no
outcome is decided. The recall passes when yes-votes are **more than half** of 应到会 (expected
attendance); exactly half fails. A recalled seat is refilled by a by-election.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from fractions import Fraction

from zhixuan.rules.decision import Decision, Fact, Names, display_name, percent
from zhixuan.rules.settings import Settings


class RecallError(ValueError):
    """Input that a recall decision cannot be based on."""


@dataclass(frozen=True, slots=True)
class PetitionResult:
    """The checked petition: which signatures count, how many are required and still needed."""

    target: str
    valid: tuple[str, ...]
    duplicates: tuple[str, ...]
    ineligible: tuple[str, ...]
    entitled: int
    required: int
    needed: int
    passed: bool
    decisions: tuple[Decision, ...]


def _disabled(subject: str) -> Decision:
    return Decision(
        rule="A3",
        code="recall_disabled",
        subject=subject,
        zh="本选举所用程序不设罢免，不能发起罢免",
        en="The procedure in force has no recall; a recall cannot be started",
        facts={"recall_enabled": False},
    )


def required_signatures(entitled: int, settings: Settings) -> int:
    """Smallest number of signatures that is at least the petition share of ``entitled``."""
    return math.ceil(settings.recall_petition_fraction * entitled)


def check_petition(
    target: str,
    signatures: Sequence[str],
    entitled: Collection[str],
    settings: Settings,
    names: Names | None = None,
) -> PetitionResult:
    """A3 petition: ``signatures`` are member ids in signing order; ``entitled`` the ids with rights (P1).

    ``target`` is shown as given; the decisions about single signatures name the signer by ``names``.
    """
    if not settings.recall_enabled:
        return PetitionResult(target, (), (), (), len(entitled), 0, 0, False, (_disabled(target),))
    entitled_set = frozenset(entitled)
    if not entitled_set:
        raise RecallError("no member has voting rights; a petition share of nobody is meaningless")
    valid: list[str] = []
    duplicates: list[str] = []
    ineligible: list[str] = []
    decisions: list[Decision] = []
    seen: set[str] = set()
    for signer in signatures:
        who = display_name(signer, names)
        if signer not in entitled_set:
            ineligible.append(signer)
            decisions.append(
                Decision(
                    rule="A3",
                    code="signature_ineligible",
                    subject=signer,
                    zh=f"{who} 不是有表决权的党员（P1），其签名不计入罢免联名",
                    en=f"{who} has no voting rights (P1); the signature does not count",
                    facts={"signer": signer, "target": target},
                )
            )
        elif signer in seen:
            duplicates.append(signer)
            decisions.append(
                Decision(
                    rule="A3",
                    code="signature_duplicate",
                    subject=signer,
                    zh=f"{who} 已签名，重复签名不计",
                    en=f"{who} has already signed; the repeated signature does not count",
                    facts={"signer": signer, "target": target},
                )
            )
        else:
            seen.add(signer)
            valid.append(signer)
    count = len(entitled_set)
    share = settings.recall_petition_fraction
    required = required_signatures(count, settings)
    passed = len(valid) >= share * count
    needed = max(0, required - len(valid))
    facts: dict[str, Fact] = {
        "target": target,
        "valid": len(valid),
        "duplicates": len(duplicates),
        "ineligible": len(ineligible),
        "entitled": count,
        "petition_fraction": share,
        "threshold": share * count,
        "required": required,
        "needed": needed,
        "share": Fraction(len(valid), count),
    }
    body_zh = (
        f"罢免{target}的联名：有效签名 {len(valid)} 人，占有表决权党员 {count} 人的 "
        f"{percent(Fraction(len(valid), count))}，需不少于 {percent(share)}（{required} 人）"
    )
    body_en = (
        f"Petition to recall {target}: {len(valid)} valid signatures, "
        f"{percent(Fraction(len(valid), count))} of {count} members with voting rights; "
        f"at least {percent(share)} ({required}) needed"
    )
    refused_zh = f"；不计重复签名 {len(duplicates)} 个、无表决权签名 {len(ineligible)} 个"
    refused_en = f"; {len(duplicates)} duplicate and {len(ineligible)} ineligible signatures refused"
    if passed:
        summary = Decision(
            rule="A3",
            code="petition_passes",
            subject=target,
            zh=f"{body_zh}，达到要求，应召开党员大会进行罢免表决{refused_zh}",
            en=f"{body_en}: threshold reached, a members' meeting votes on the recall{refused_en}",
            facts=facts,
        )
    else:
        summary = Decision(
            rule="A3",
            code="petition_short",
            subject=target,
            zh=f"{body_zh}，尚差 {needed} 人{refused_zh}",
            en=f"{body_en}: {needed} more needed{refused_en}",
            facts=facts,
        )
    decisions.append(summary)
    return PetitionResult(
        target=target,
        valid=tuple(valid),
        duplicates=tuple(duplicates),
        ineligible=tuple(ineligible),
        entitled=count,
        required=required,
        needed=needed,
        passed=passed,
        decisions=tuple(decisions),
    )


def decide_recall_vote(
    target: str,
    yes: int,
    expected: int,
    *,
    quorum_met: bool,
    settings: Settings,
) -> Decision:
    """A3 vote outcome: recalled when yes-votes are more than half of 应到会; needs M1 quorum first."""
    if not settings.recall_enabled:
        return _disabled(target)
    if yes < 0 or expected <= 0:
        raise RecallError(f"yes-votes must be >= 0 and expected attendance > 0, got {yes} and {expected}")
    half = Fraction(expected, 2)
    facts: dict[str, Fact] = {
        "for": yes,
        "base": expected,
        "threshold_base": "expected",
        "half": half,
        "quorum_met": quorum_met,
    }
    if not quorum_met:
        return Decision(
            rule="M1",
            code="recall_no_quorum",
            subject=target,
            zh=f"罢免{target}的表决会议不足法定人数，不能表决，须另行召开",
            en=f"The meeting to vote on recalling {target} has no quorum; it cannot vote and must reconvene",
            facts=facts,
        )
    if 2 * yes > expected:
        return Decision(
            rule="A3",
            code="recalled",
            subject=target,
            zh=f"{target} 被罢免：赞成罢免 {yes} > 应到会 {expected} 的一半，其职位出缺，须补选",
            en=(
                f"{target} recalled: {yes} for recall > half of {expected} expected attendance; "
                "the seat is vacant and goes to a by-election"
            ),
            facts={**facts, "by_election_needed": True},
        )
    sign = "=" if 2 * yes == expected else "<"
    return Decision(
        rule="A3",
        code="not_recalled",
        subject=target,
        zh=f"{target} 未被罢免：赞成罢免 {yes} {sign} 应到会 {expected} 的一半，未过半数",
        en=f"{target} not recalled: {yes} for recall, not more than half of {expected} expected attendance",
        facts=facts,
    )
