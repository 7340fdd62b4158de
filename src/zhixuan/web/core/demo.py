"""A demo county built from the seed numbers, through the same actions a user would take.

seed-000: a county ran 9 townships with 2,901 members (116 migrant), 726 public reps, 84 seats.
seed-003: Qingquan town, 340 members electing 7. Names come from a seeded generator, so every
run produces the same people. Loading is idempotent: an existing demo county is left alone.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

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


# Totals: 2,901 members, 116 migrant, 726 public reps, 84 seats (seed-000); Qingquan per seed-003.
PLANS = (
    TownshipPlan("清泉镇", 340, 13, 85, (1, 2, 4), "two-recommendation", 1),
    TownshipPlan("灵山乡", 298, 14, 74, (1, 2, 6), "three-round", 5),
    TownshipPlan("东岳镇", 315, 12, 79, (1, 2, 7), "three-round", 3),
    TownshipPlan("白鹤乡", 327, 15, 82, (1, 2, 6), "three-round", 2),
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


def member_file(plan: TownshipPlan, *, with_pending: bool) -> bytes:
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
    return _csv([c.header for c in MEMBER_COLUMNS], rows)


def public_rep_file(plan: TownshipPlan) -> bytes:
    rng = random.Random(f"{SEED}-{plan.name}-reps")
    rows = [
        [f"Q{i + 1:03d}", _name(rng), rng.choice("男女"), rng.choice(BRANCHES).replace("党支部", ""), ""]
        for i in range(plan.public_reps)
    ]
    return _csv([c.header for c in PUBLIC_REP_COLUMNS], rows)


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
            work_targets=["发展壮大村级集体经济", "改善农村人居环境", "任期内群众满意度达到 90% 以上"],
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
