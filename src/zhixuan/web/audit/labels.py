"""Readable names of audit actions for the log viewer; the stored action code stays stable."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {
    "accounts.create_user": _("创建用户"),
    "accounts.assign_role": _("授予角色"),
    "accounts.login": _("登录"),
    "accounts.login_failed": _("登录失败"),
    "elections.create_county": _("创建县"),
    "elections.create_township": _("创建乡镇"),
    "elections.create": _("创建选举"),
    "elections.update_timeline": _("修改时间安排"),
    "elections.publish_announcement": _("发布公告"),
    "elections.advance_stage": _("进入下一阶段"),
    "roster.import_members": _("导入党员名册"),
    "roster.import_public_reps": _("导入群众代表"),
    "roster.set_member_status": _("修改党员状态"),
    "roster.request_excusal": _("登记请假"),
    "roster.approve_excusal": _("批准请假"),
    "roster.withdraw_excusal": _("撤销请假"),
}


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action
