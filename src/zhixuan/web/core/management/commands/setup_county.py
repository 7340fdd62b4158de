"""``python -m zhixuan.web setup_county``: a deployment's first accounts, with the app's own actions.

Creates the county, its county admin (县委组织部管理员) and, per ``--township NAME:USERNAME:FULL NAME``, the
township and its working-group account (乡镇选举工作组). Passwords are asked for (not echoed), or with
``--generate-passwords`` made at random and printed once. Every step is an action with its audit entry; the
whole set-up is one transaction, so a refused step (a county or user name that exists) stores nothing.
"""

from __future__ import annotations

import getpass
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from zhixuan.web.accounts.actions import do_assign_role, do_create_user
from zhixuan.web.accounts.models import Role
from zhixuan.web.elections.actions import do_create_county, do_create_township
from zhixuan.web.elections.models import County


@dataclass(frozen=True)
class TownshipAccount:
    township: str
    username: str
    full_name: str


def parse_township(value: str) -> TownshipAccount:
    parts = [p.strip() for p in value.split(":")]
    if len(parts) != 3 or not all(parts):
        raise CommandError(f"--township {value!r}：须写成 乡镇名:用户名:姓名 / must be TOWNSHIP:USERNAME:FULL NAME")
    return TownshipAccount(*parts)


class Command(BaseCommand):
    help = "Create the county, its county admin and the townships' working-group accounts (one transaction)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--county", required=True, help="县名 / the county's name")
        parser.add_argument("--admin", required=True, help="县委组织部管理员的用户名 / the county admin's user name")
        parser.add_argument("--admin-name", required=True, help="管理员姓名 / the county admin's full name")
        parser.add_argument(
            "--township",
            action="append",
            default=[],
            metavar="NAME:USERNAME:FULL_NAME",
            help="乡镇及其选举工作组账号，可重复 / a township and its working group's account; repeatable",
        )
        parser.add_argument(
            "--generate-passwords",
            action="store_true",
            help="随机生成密码并显示一次 / make random passwords and print them once",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        townships = [parse_township(t) for t in options["township"]]
        usernames = [options["admin"], *(t.username for t in townships)]
        if len(set(usernames)) != len(usernames):
            raise CommandError("用户名重复 / a user name is given twice")
        if County.objects.filter(name=options["county"]).exists():
            raise CommandError(f"县 {options['county']} 已存在，未做任何改动 / the county exists; nothing was changed")
        passwords = {name: self._password(name, options["generate_passwords"]) for name in usernames}
        try:
            with transaction.atomic():
                admin = do_create_user(
                    None,
                    username=options["admin"],
                    full_name=options["admin_name"],
                    password=passwords[options["admin"]],
                )
                county = do_create_county(admin, name=options["county"])
                do_assign_role(admin, user=admin, role=Role.COUNTY_ADMIN, county=county)
                for account in townships:
                    township = do_create_township(admin, county=county, name=account.township)
                    staff = do_create_user(
                        admin,
                        username=account.username,
                        full_name=account.full_name,
                        password=passwords[account.username],
                    )
                    do_assign_role(admin, user=staff, role=Role.WORKING_GROUP, township=township)
        except ValidationError as exc:
            raise CommandError(f"{' '.join(exc.messages)}；未做任何改动 / nothing was changed") from exc
        self.stdout.write(f"县 {county.name}：管理员 {admin.get_username()}，乡镇 {len(townships)} 个")
        if options["generate_passwords"]:
            for name in usernames:
                self.stdout.write(f"  {name}\t{passwords[name]}")
            self.stdout.write("密码只显示这一次，请当面交给本人并提醒修改 / shown once: hand them over in person")

    def _password(self, username: str, generate: bool) -> str:
        if generate:
            return secrets.token_urlsafe(12)
        while True:
            first = getpass.getpass(f"{username} 的密码 / password: ")
            if len(first) < 8:
                self.stderr.write("至少 8 个字符 / at least 8 characters")
                continue
            if getpass.getpass("再输入一次 / again: ") == first:
                return first
            self.stderr.write("两次输入不一致 / the two entries differ")
