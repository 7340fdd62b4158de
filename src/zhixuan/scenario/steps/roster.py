"""Roster step: voting rights (P1), expected attendance (P2), the public-rep cap (P4)."""

from __future__ import annotations

from zhixuan.rules.people import (
    Excusal,
    ExcusalReason,
    Member,
    MemberStatus,
    check_public_reps,
    expected_attendance,
    has_voting_rights,
)
from zhixuan.scenario.context import RunContext
from zhixuan.scenario.report import Section


def run_roster(ctx: RunContext) -> None:
    roster = ctx.doc["roster"]
    for record in roster["members"]:
        excusal = None
        if "excusal" in record:
            e = record["excusal"]
            excusal = Excusal(ExcusalReason(e["reason"]), e.get("approved_by"), e.get("note", ""))
        member = Member(
            id=record["id"],
            name=record["name"],
            status=MemberStatus(record.get("status", "full")),
            migrant=bool(record.get("migrant", False)),
            excusal=excusal,
        )
        ctx.members[member.id] = member
        ctx.names[member.id] = member.name
    reps = roster.get("public_reps", [])
    for rep in reps:
        ctx.names[rep["id"]] = rep["name"]

    ctx.rights = {m.id for m in ctx.members.values() if has_voting_rights(m)}
    attendance = expected_attendance(ctx.members.values())
    ctx.expected = attendance.expected

    section = Section("roster", "党员名册与应到会人数", "Roster and expected attendance")
    section.facts.update(
        {
            "党员总数 / members": attendance.members,
            "有选举权 / with voting rights": attendance.with_rights,
            "经批准请假 / approved excusals": attendance.excused,
            "请假未经批准 / excusals without approval": attendance.excusal_unapproved,
            "外出务工（计入应到会）/ migrants (stay in)": attendance.migrants,
            "应到会 / expected": attendance.expected,
            "群众代表 / public reps": len(reps),
        }
    )
    section.decisions.extend(attendance.decisions)
    if reps:
        # P4's "members entitled to attend" is read as 应到会 (P2), as the web roster does.
        section.decisions.append(check_public_reps(len(reps), attendance.expected, ctx.settings))
    ctx.report.sections.append(section)
    ctx.report.outcome["expected"] = attendance.expected
