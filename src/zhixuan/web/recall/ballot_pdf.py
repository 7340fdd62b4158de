"""The recall meeting's printed ballots, on the election ballot's geometry (``zhixuan.paper``).

The recall vote: one row, the leader's name, and three boxes 同意罢免 / 不同意罢免 / 弃权; the
by-election: the round's ballot for the recalled seat, candidates by surname strokes (C4). Registration
marks and a QR code naming election, stage and style only — no serial, every sheet alike (S1).
"""

from __future__ import annotations

from zhixuan.paper.ballot_pdf import render_ballot
from zhixuan.paper.layout import BallotSpec, ballot_layout
from zhixuan.web.elections.models import PositionKind
from zhixuan.web.recall import selectors
from zhixuan.web.recall.models import Petition

VOTE_CHOICES = {"for": "同意罢免", "against": "不同意罢免", "abstain": "弃权"}
VOTE_INSTRUCTIONS = (
    "1. 在“同意罢免”“不同意罢免”“弃权”三格中只选一格划“√”；一格也不划的按弃权计。",
    "2. 划两格以上的为无效票。请用黑色或蓝色笔填写，不得涂改。",
    "3. 罢免须经赞成罢免的票数超过应到会有表决权党员的一半 (A3)。",
)
BY_INSTRUCTIONS = (
    "1. 对每位候选人，在“赞成”“不赞成”“弃权”三格中选一格划“√”；不划视为弃权。",
    "2. 本次补选出缺的职位 1 名：划“赞成”的人数多于 1 名的，本票无效。",
    "3. 请用黑色或蓝色笔填写，不得涂改。",
)


def _position(petition: Petition) -> str:
    return str(dict(PositionKind.choices).get(petition.position_kind, petition.position_kind))


def vote_ballot_pdf(petition: Petition) -> bytes:
    election = petition.election
    spec = BallotSpec(
        election=f"election-{election.pk}",
        round_key=f"recall-{petition.pk}",
        style="R",
        title=f"{election.township.name}党员大会罢免表决票",
        position=_position(petition),
        seats=1,
        candidates=(petition.leader_name,),
        write_in_rows=0,
    )
    return render_ballot(
        ballot_layout(spec),
        subtitle=f"是否同意罢免 {petition.leader_name} 的{spec.position}职务",
        instructions=VOTE_INSTRUCTIONS,
        choice_labels=VOTE_CHOICES,
        name_header="被罢免人",
    )


def by_election_ballot_pdf(petition: Petition) -> bytes:
    election = petition.election
    position = _position(petition)
    spec = BallotSpec(
        election=f"election-{election.pk}",
        round_key=petition.by_election_key,
        style="B",
        title=f"{election.township.name}党员大会补选{position}选举票",
        position=position,
        seats=1,
        candidates=tuple(name for _n, name in selectors.by_candidates_in_order(petition)),
        write_in_rows=0,
    )
    return render_ballot(ballot_layout(spec), instructions=BY_INSTRUCTIONS)
