"""State changes of the candidates step: one transaction and one audit entry each (S2).

Inspection outcomes (C3), the county committee's vote (C2) and the publication of the formal
lists (C1, C4). Whether a list may be published is the rules core's verdict on the record.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zhixuan.web.audit.log import append_entry
from zhixuan.web.candidates import selectors
from zhixuan.web.candidates.models import CountyVote, FormalListPublication, InspectionOutcome
from zhixuan.web.elections.models import Election
from zhixuan.web.elections.outcomes import election_outcome
from zhixuan.web.nomination.models import Applicant


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _lock(election: Election) -> Election:
    election = Election.objects.select_for_update().get(pk=election.pk)
    if FormalListPublication.objects.filter(election=election).exists():
        raise ValidationError(_("正式候选人名单已公布，不能再修改考察结果或票决结果。"))
    return election


def _preliminary(election: Election) -> dict[str, list[str]]:
    found = selectors.preliminary_ids(election, election_outcome(election))
    if found is None:
        raise ValidationError(_("初步候选人尚未确定：推荐环节全部结束后才能录入 (R3)。"))
    return found


def do_record_inspection(
    actor: Any, *, election: Election, applicant: Applicant, passed: bool, reason: str
) -> InspectionOutcome:
    """C3: record (or correct) one preliminary candidate's inspection outcome; a fail needs a reason."""
    reason = reason.strip()
    with transaction.atomic():
        election = _lock(election)
        if applicant.election_id != election.pk:
            raise ValidationError(_("该人选不属于本次选举。"))
        preliminary = {i for ids in _preliminary(election).values() for i in ids}
        if applicant.number not in preliminary:
            raise ValidationError(_("%(name)s 不是初步候选人，不能录入考察结果 (C3)。") % {"name": applicant.name})
        if not passed and not reason:
            raise ValidationError(_("%(name)s 考察不合格，必须填写考察意见（理由）(C3)。") % {"name": applicant.name})
        outcome, created = InspectionOutcome.objects.update_or_create(
            applicant=applicant,
            defaults={"passed": passed, "reason": reason, "recorded_by": _actor(actor)},
        )
        append_entry(
            chain=election.audit_chain,
            actor=actor,
            action="candidates.record_inspection",
            obj=outcome,
            data={
                "applicant": applicant.number,
                "name": applicant.name,
                "passed": passed,
                "reason": reason,
                "corrected": not created,
            },
        )
    return outcome


def do_record_county_vote(
    actor: Any, *, election: Election, voters: int, votes: Mapping[str, int], held_on: date | None
) -> CountyVote:
    """C2: the county committee's vote — how many voted and each preliminary candidate's for-votes."""
    with transaction.atomic():
        election = _lock(election)
        if not selectors.has_county_vote(election):
            raise ValidationError(_("本选举的程序没有县委票决（组织信任票）环节 (C2)。"))
        if voters < 1:
            raise ValidationError(_("参加票决人数必须至少为 1。"))
        people = selectors.applicants_by_number(election)
        failed = set(
            InspectionOutcome.objects.filter(applicant__election=election, passed=False).values_list(
                "applicant__number", flat=True
            )
        )
        # Those who failed inspection are out of the race (C3); the committee votes on the rest.
        preliminary = {i for ids in _preliminary(election).values() for i in ids} - failed
        errors: list[str] = []
        for number in sorted(set(votes) - preliminary):
            errors.append(_("编号 %(number)s 不在票决人选之中，不能计票。") % {"number": number})
        for number in sorted(preliminary - set(votes)):
            name = people[number].name if number in people else number
            errors.append(_("缺少 %(name)s 的赞成票数。") % {"name": name})
        for number, n in sorted(votes.items()):
            name = people[number].name if number in people else number
            if n < 0 or n > voters:
                errors.append(
                    _("%(name)s 的赞成票 %(n)s 票不可能：参加票决的只有 %(voters)s 人。")
                    % {"name": name, "n": n, "voters": voters}
                )
        if errors:
            raise ValidationError(errors)
        vote, created = CountyVote.objects.update_or_create(
            election=election,
            defaults={
                "voters": voters,
                "votes": {k: int(v) for k, v in sorted(votes.items())},
                "held_on": held_on,
                "recorded_by": _actor(actor),
            },
        )
        append_entry(
            chain=election.audit_chain,
            actor=actor,
            action="candidates.record_county_vote",
            obj=vote,
            data={
                "voters": voters,
                "votes": vote.votes,
                "held_on": held_on.isoformat() if held_on else None,
                "corrected": not created,
            },
        )
    return vote


def do_publish_formal_list(actor: Any, *, election: Election) -> FormalListPublication:
    """C1, C4: freeze the formal lists (names by surname strokes) for the public board.

    Refused, with the core's own words, while the race would not be competitive (C1), an
    inspection outcome or the county vote is missing, or the record cannot run.
    """
    with transaction.atomic():
        election = _lock(election)
        outcome = election_outcome(election)
        ready = selectors.preliminary_ids(election, outcome) is not None
        blockers = selectors.publish_blockers(election, outcome, ready)
        if blockers:
            english = get_language() == "en"
            raise ValidationError([f"{b.en if english else b.zh} ({b.rule})" for b in blockers])
        content = selectors.formal_list_content(election, outcome)
        publication = FormalListPublication.objects.create(
            election=election, published_at=timezone.now(), content=content, published_by=_actor(actor)
        )
        append_entry(
            chain=election.audit_chain,
            actor=actor,
            action="candidates.publish_formal_list",
            obj=publication,
            data={
                "published_at": publication.published_at.isoformat(),
                "formal": {p["kind"]: [c["number"] for c in p["candidates"]] for p in content["positions"]},
            },
        )
    return publication
