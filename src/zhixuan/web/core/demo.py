"""A demo county built from the seed numbers, through the same actions a user would take.

seed-000: a county ran 9 townships with 2,901 members (116 migrant), 726 public reps, 84 seats.
seed-003: Qingquan town, 340 members electing 7. Names come from a seeded generator, so every
run produces the same people. Loading is idempotent: an existing demo county is left alone.
"""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from zhixuan.rules import people
from zhixuan.web.accounts.actions import do_assign_role, do_create_user
from zhixuan.web.accounts.models import Role
from zhixuan.web.elections import actions as election_actions
from zhixuan.web.elections.actions import ConditionInput
from zhixuan.web.elections.models import ConditionKind, County
from zhixuan.web.elections.procedures import STAGES
from zhixuan.web.roster import actions as roster_actions
from zhixuan.web.roster.columns import MEMBER_COLUMNS, PUBLIC_REP_COLUMNS

COUNTY = "示范县"
PASSWORD = "zhixuan-demo"
SEED = 20090114

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "建国华明军平志红英芳丽强伟敏静秀兰玉桂凤霞勇杰涛斌超波辉刚健宇浩然晓燕雪梅春秋永"
    "德福荣海林云山川文武兴发祥安宁和顺清泉新立成"
)
WORK_TARGETS = ("发展壮大村级集体经济", "改善农村人居环境", "任期内群众满意度达到 90% 以上")
BRANCHES = (
    "机关党支部",
    "一村党支部",
    "二村党支部",
    "三村党支部",
    "街道社区党支部",
    "企业联合党支部",
    "学校党支部",
)


@dataclass(frozen=True)
class TownshipPlan:
    name: str
    members: int
    migrants: int
    public_reps: int
    seats: tuple[int, int, int]  # secretary, deputies, committee members
    preset: str
    stages_done: int  # -1: announcement not yet published
    # Later-stage records imported from a scenario document: "" none, "review" (applications under
    # review), "notice" (review notice out, speech lot committed), "preliminary" (stages closed),
    # "formal" (inspection and county vote done, formal candidates known), "results" (the members' meeting
    # held, every round published and the result report made, M11).
    records: str = ""


# Totals: 2,901 members, 116 migrant, 726 public reps, 84 seats (seed-000); Qingquan per seed-003.
PLANS = (
    TownshipPlan("清泉镇", 340, 13, 85, (1, 2, 4), "two-recommendation", 7, "formal"),
    TownshipPlan("灵山乡", 298, 14, 74, (1, 2, 6), "three-round", 5, "results"),
    TownshipPlan("东岳镇", 315, 12, 79, (1, 2, 7), "three-round", 3, "notice"),
    TownshipPlan("白鹤乡", 327, 15, 82, (1, 2, 6), "three-round", 2, "review"),
    TownshipPlan("石门镇", 289, 11, 72, (1, 2, 7), "three-round", 1),
    TownshipPlan("青龙乡", 341, 13, 85, (1, 2, 6), "three-round", 0),
    TownshipPlan("金溪镇", 303, 16, 76, (1, 2, 7), "standard", 0),
    TownshipPlan("柳河乡", 356, 10, 89, (1, 2, 7), "three-round", -1),
    TownshipPlan("凤凰镇", 332, 12, 84, (1, 2, 7), "two-recommendation", -1),
)

USERS = (
    ("county", "赵组织", Role.COUNTY_ADMIN, None),
    ("qingquan", "钱工作", Role.WORKING_GROUP, "清泉镇"),
    ("lingshan", "孙工作", Role.WORKING_GROUP, "灵山乡"),
    ("scrutineer", "李监票", Role.SCRUTINEER, "清泉镇"),
    ("observer", "周观察", Role.OBSERVER, "清泉镇"),
)


def _name(rng: random.Random) -> str:
    length = 1 if rng.random() < 0.35 else 2
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(length))


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def member_rows(plan: TownshipPlan, *, with_pending: bool) -> list[list[str]]:
    """The township's members as roster rows (the columns of ``MEMBER_COLUMNS``), seeded."""
    rng = random.Random(f"{SEED}-{plan.name}-members")
    statuses = ["正式党员"] * plan.members
    for i in rng.sample(range(plan.members), plan.members // 20):
        statuses[i] = "预备党员"
    full = [i for i, s in enumerate(statuses) if s == "正式党员"]
    for i in rng.sample(full, 2):
        statuses[i] = "留党察看"
    full = [i for i, s in enumerate(statuses) if s == "正式党员"]
    migrants = set(rng.sample(full, plan.migrants))
    rest = [i for i in full if i not in migrants]
    excused = rng.sample(rest, 3)
    reasons = ["患病无法表达本人意志", "正在服刑", "自费出国半年以上"]
    rows = []
    today = timezone.localdate()
    for i in range(plan.members):
        born = today.replace(year=today.year - rng.randint(24, 78), month=rng.randint(1, 12), day=rng.randint(1, 28))
        joined = born.replace(year=born.year + rng.randint(19, 23))
        reason = approver = ref = approved = ""
        if i in excused:
            k = excused.index(i)
            reason = reasons[k]
            if not (with_pending and k == 2):
                approver, ref, approved = (
                    "乡镇党委",
                    f"党委〔{today.year}〕{i + 1}号",
                    (today - timedelta(days=3)).isoformat(),
                )
        rows.append(
            [
                f"{i + 1:04d}",
                _name(rng),
                rng.choice("男男女"),
                born.isoformat(),
                min(joined, today).isoformat(),
                statuses[i],
                rng.choice(BRANCHES),
                "是" if i in migrants else "否",
                reason,
                approver,
                ref,
                approved,
                "",
            ]
        )
    return rows


def member_file(plan: TownshipPlan, *, with_pending: bool) -> bytes:
    return _csv([c.header for c in MEMBER_COLUMNS], member_rows(plan, with_pending=with_pending))


def public_rep_rows(plan: TownshipPlan) -> list[list[str]]:
    rng = random.Random(f"{SEED}-{plan.name}-reps")
    return [
        [f"Q{i + 1:03d}", _name(rng), rng.choice("男女"), rng.choice(BRANCHES).replace("党支部", ""), ""]
        for i in range(plan.public_reps)
    ]


def public_rep_file(plan: TownshipPlan) -> bytes:
    return _csv([c.header for c in PUBLIC_REP_COLUMNS], public_rep_rows(plan))


# --- later stages: a scenario document per township, imported like any file -----------------------

_STATUS = {zh: status.value for status, zh in people.STATUS_ZH.items()}
_REASON = {zh: reason.value for reason, zh in people.REASON_ZH.items()}
_KINDS = ("secretary", "deputy_secretary", "member")
_KIND_NAMES = {"secretary": "党委书记", "deputy_secretary": "党委副书记", "member": "党委委员"}
_EDUCATION = ("大学本科", "大专", "大专", "大学本科", "大专", "大专", "高中（中专）")


def _years(start: date, end: date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def later_stage_scenario(plan: TownshipPlan, *, with_pending: bool) -> dict[str, Any]:
    """The township's roster, applications, review, lots, stages, inspection and county vote as far as
    ``plan.records`` goes — the same people as the roster file, with seeded choices."""
    from zhixuan.scenario.loader import validate
    from zhixuan.scenario.runner import run_scenario

    rng = random.Random(f"{SEED}-{plan.name}-records")
    today = timezone.localdate()
    rows = member_rows(plan, with_pending=with_pending)
    members = []
    for number, name, _g, _born, _joined, status, _b, migrant, reason, approver, ref, _on, _n in rows:
        record: dict[str, Any] = {"id": number, "name": name, "status": _STATUS[status]}
        if migrant == "是":
            record["migrant"] = True
        if reason:
            record["excusal"] = {"reason": _REASON[reason], "approved_by": approver or None}
            if ref:
                record["excusal"]["note"] = ref
        members.append(record)
    seats = dict(zip(_KINDS, plan.seats, strict=True))
    conditions = {"min_party_years": 3, "max_age": 45, "min_education": "大专"}
    doc: dict[str, Any] = {
        "format": "zhixuan-scenario/1",
        "election": {
            "id": f"demo-{plan.name}",
            "title": f"{plan.name}党委领导班子公推直选",
            "township": plan.name,
            "preset": plan.preset,
        },
        "positions": [
            {
                "id": kind,
                "name": _KIND_NAMES[kind],
                "kind": kind,
                "seats": seats[kind],
                "conditions": dict(conditions),
                "work_targets": list(WORK_TARGETS),
            }
            for kind in _KINDS
        ],
        "roster": {"members": members, "public_reps": [{"id": r[0], "name": r[1]} for r in public_rep_rows(plan)]},
    }
    # Applicants: full members of working age, about three per seat; a few apply for a second position.
    full = [r for r in rows if r[5] == "正式党员" and not r[8] and _years(date.fromisoformat(r[3]), today) <= 46]
    chosen = rng.sample(full, sum(3 * n + 1 for n in plan.seats))
    voters = [m["id"] for m in members if m["status"] == "full"]
    applicants: list[dict[str, Any]] = []
    cursor = 0
    for kind in _KINDS:
        for _ in range(3 * seats[kind] + 1):
            row = chosen[cursor]
            cursor += 1
            wanted = [kind]
            if kind != "member" and rng.random() < 0.3:
                wanted.append("member")
            route: dict[str, Any] = {"type": "self"}
            if rng.random() < 0.3:
                route = {"type": "joint", "position": kind, "signatures": rng.sample(voters, 22)}
            elif rng.random() < 0.2:
                route = {"type": "organisation", "by": rng.choice(BRANCHES)}
            born, joined = date.fromisoformat(row[3]), date.fromisoformat(row[4])
            applicants.append(
                {
                    "id": f"A{len(applicants) + 1:03d}",
                    "name": row[1],
                    "member": row[0],
                    "positions": wanted,
                    "routes": [route],
                    "facts": {
                        "age": _years(born, today),
                        "party_years": _years(joined, today),
                        "education": rng.choice(_EDUCATION),
                    },
                }
            )
    doc["applicants"] = applicants
    pairs = [(a["id"], p) for a in applicants for p in a["positions"]]
    reviewed = pairs[: len(pairs) // 2] if plan.records == "review" else pairs
    doc["review"] = {"decisions": [{"applicant": a, "position": p, "qualified": True} for a, p in reviewed]}
    if plan.records == "review":
        return doc
    target = next(a for a in applicants if a["positions"][0] == "member")
    doc["review"]["objections"] = [
        {
            "applicant": target["id"],
            "position": "member",
            "by": "群众来信",
            "reason": "反映其工作作风问题",
            "upheld": False,
        }
    ]
    if plan.records == "notice":
        return doc
    doc["speech_lot"] = {"secret": rng.randbytes(32).hex(), "entropy": "3,6,1,5,2,4", "label": f"{plan.name}演讲顺序"}
    qualified: dict[str, list[str]] = run_scenario(validate(doc)).outcome["qualified"]  # type: ignore[assignment]
    doc["stages"] = _stages(rng, plan, qualified, seats, len(voters), len(doc["roster"]["public_reps"]))
    if plan.preset == "three-round":
        doc["selection"] = {"ratio": 2}
    if plan.records == "preliminary":
        return doc
    preliminary: dict[str, list[str]] = run_scenario(validate(doc)).outcome["preliminary"]  # type: ignore[assignment]
    everyone = sorted({i for ids in preliminary.values() for i in ids})
    failed = everyone[-1]
    doc["inspection"] = [
        {"candidate": i, "passed": i != failed, **({"reason": "考察中发现群众反映问题属实"} if i == failed else {})}
        for i in everyone
    ]
    doc["county_vote"] = {"voters": 27, "for": {i: rng.randint(8, 27) for i in everyone if i != failed}}
    if plan.records == "results":
        doc["meeting"] = _meeting(rng, doc)
    return doc


def _meeting(rng: random.Random, doc: dict[str, Any]) -> dict[str, Any]:
    """The members' meeting: officers who stand nowhere (M2), then one round per position top-down (M3).

    Each round's ballot (its candidates in stroke order, C4, with the previous round's loser who opts in)
    comes from the core's run of the record so far; the seeded ballots give every winner more than half.
    """
    from zhixuan.scenario.loader import validate
    from zhixuan.scenario.runner import run_scenario

    standing = {a["member"] for a in doc["applicants"]}
    voters = [m["id"] for m in doc["roster"]["members"] if m["status"] == "full" and "excusal" not in m]
    officers = rng.sample([v for v in voters if v not in standing], 5)
    block: dict[str, Any] = {"scrutineers": officers[:3], "tellers": officers[3:], "rounds": []}
    doc["meeting"] = block
    # Those who checked in (M1): the hall's attendance on the observer page, and each round's count.
    expected: int = run_scenario(validate(doc)).outcome["expected"]  # type: ignore[assignment]
    others = [v for v in voters if v not in officers]
    hall = sorted(officers + rng.sample(others, min(len(others), expected - rng.randint(4, 12) - len(officers))))
    present = len(hall)
    seats = {p["id"]: p["seats"] for p in doc["positions"]}
    for n, kind in enumerate(_KINDS, start=1):
        rnd: dict[str, Any] = {"id": f"r{n}-{kind}", "position": kind, "present": hall, "ballots": []}
        block["rounds"].append(rnd)
        planned = run_scenario(validate(doc)).outcome["rounds"][-1]  # type: ignore[index]
        names = list(planned["candidates"])
        rng.shuffle(names)
        won, lost = names[: seats[kind]], names[seats[kind] :]
        a, b, c = present * 58 // 100, present * 15 // 100, present * 18 // 100
        rnd["ballots"] = [
            {"count": a, "for": won, **({"against": lost[-1:]} if len(lost) > 1 else {})},
            {"count": b, "for": [*won[:-1], *lost[:1]]},
            {"count": c, "for": lost[: seats[kind]]},
            {"count": 1, "for": [*won, *lost[:1]]},  # one more for-mark than seats: invalid (M5)
            {"count": present - a - b - c - 1},  # blank: valid, all abstain (M5)
        ]
        if kind != "member" and lost:
            rnd["opt_ins"] = [lost[0]]  # the best loser stands in the next round (M3)
    return block


def _stages(
    rng: random.Random,
    plan: TownshipPlan,
    qualified: Mapping[str, list[str]],
    seats: Mapping[str, int],
    members: int,
    reps: int,
) -> list[dict[str, Any]]:
    """Tellers' totals per group and position (R1): members 7/10 and public reps 3/10; the
    two-recommendation preset adds the county leadership's recommendation (R2)."""

    def totals(group: str, voters: int) -> list[dict[str, Any]]:
        out = []
        for kind, nominees in qualified.items():
            if not nominees:
                continue
            valid = voters - rng.randint(0, max(1, voters // 50))
            picks = {n: rng.randint(valid // 10, valid * 9 // 10) for n in nominees}
            out.append({"group": group, "position": kind, "valid": valid, "for": picks})
        return out

    groups = [
        {"id": "members", "name": "党员", "weight": "7/10"},
        {"id": "public_reps", "name": "群众代表", "weight": "3/10"},
    ]
    first = {
        "id": "meeting" if plan.preset == "three-round" else "mass",
        "name": "推荐大会" if plan.preset == "three-round" else "海推",
        "groups": groups,
        "totals": totals("members", members * 9 // 10) + totals("public_reps", reps * 9 // 10),
    }
    if plan.preset == "three-round":
        return [first]
    first["weight"] = "3/5"
    leaders = {
        "id": "county",
        "name": "县四大班子推荐",
        "weight": "2/5",
        "groups": [{"id": "leaders", "name": "县四大班子成员", "weight": "1"}],
        "totals": totals("leaders", 36),
    }
    return [first, leaders]


def _import_later_stage(admin: Any, county: County, plan: TownshipPlan, *, with_pending: bool) -> Any:
    """A township further on: its records imported as a scenario file, as a county would upload one."""
    from zhixuan.web.elections.scenario_import import do_import_scenario

    doc = later_stage_scenario(plan, with_pending=with_pending)
    text = json.dumps(doc, ensure_ascii=False)
    election, _prepared = do_import_scenario(admin, county=county, text=text, filename=f"{plan.name}.json")
    if plan.records == "notice":
        # The speech order is committed (L1) but not yet drawn: the meeting's speeches come next.
        from zhixuan.web.recommendation.actions import do_commit_lot

        election_actions.do_advance_stage(admin, election=election)
        do_commit_lot(admin, election=election, purpose="speech")
    if plan.records == "results":
        # Every round was published at the meeting: the result report is made from the core's run (M11).
        from zhixuan.web.results.actions import do_create_result_report

        do_create_result_report(admin, election=election)
    return election


def load_demo(stdout: Any = None) -> bool:
    """Create the demo county; returns False when it already exists."""
    if County.objects.filter(name=COUNTY).exists():
        return False
    admin = do_create_user(None, username="county", full_name="赵组织", password=PASSWORD)
    county = election_actions.do_create_county(admin, name=COUNTY)
    do_assign_role(admin, user=admin, role=Role.COUNTY_ADMIN, county=county)
    townships = {p.name: election_actions.do_create_township(admin, county=county, name=p.name) for p in PLANS}
    elections = {}
    today = timezone.localdate()
    for n, plan in enumerate(PLANS):
        if plan.records:
            elections[plan.name] = _import_later_stage(admin, county, plan, with_pending=n % 3 == 0)
            if stdout:
                stdout.write(
                    f"  {plan.name}: {plan.members} members, {plan.public_reps} public reps ({plan.records})\n"
                )
            continue
        done = max(plan.stages_done, 0)
        # Start far enough back that the stage in progress today is the one the plan names.
        start = today - timedelta(days=sum(t.days for t in STAGES[plan.preset][:done]))
        secretary, deputies, members = plan.seats
        election = election_actions.do_create_election(
            admin,
            township=townships[plan.name],
            title=f"{plan.name}党委领导班子公推直选",
            preset=plan.preset,
            overrides={},
            seats={"secretary": secretary, "deputy_secretary": deputies, "member": members},
            conditions=[
                ConditionInput(ConditionKind.MIN_PARTY_YEARS, "党龄满 3 年", 3),
                ConditionInput(ConditionKind.MAX_AGE, "年龄不超过 45 周岁", 45),
                ConditionInput(ConditionKind.EDUCATION, "大专及以上学历"),
            ],
            work_targets=list(WORK_TARGETS),
            starts_on=start,
        )
        elections[plan.name] = election
        if stdout:
            stdout.write(f"  {plan.name}: {plan.members} members, {plan.public_reps} public reps\n")
        roster_actions.do_import_members(
            admin,
            election=election,
            filename=f"{plan.name}党员名册.csv",
            data=member_file(plan, with_pending=n % 3 == 0),
        )
        roster_actions.do_import_public_reps(
            admin, election=election, filename=f"{plan.name}群众代表.csv", data=public_rep_file(plan)
        )
        if plan.stages_done >= 0:
            election_actions.do_publish_announcement(admin, election=election)
            for _ in range(plan.stages_done):
                election_actions.do_advance_stage(admin, election=election)
    for username, full_name, role, township in USERS[1:]:
        user = do_create_user(admin, username=username, full_name=full_name, password=PASSWORD)
        if role == Role.WORKING_GROUP:
            do_assign_role(admin, user=user, role=role, township=townships[township])
        else:
            do_assign_role(admin, user=user, role=role, election=elections[township])
    return True


def logins() -> list[tuple[str, str, str]]:
    user_model = get_user_model()
    out = []
    for username, _full_name, role, township in USERS:
        if user_model.objects.filter(username=username).exists():
            out.append((username, PASSWORD, f"{Role(role).label} {township or COUNTY}"))
    return out
