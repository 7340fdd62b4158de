"""Readable names of audit actions for the log viewer; the stored action code stays stable.

Labels carry the context "audit action" so a label can read differently from a button with the same
Chinese text elsewhere (e.g. 监票人签字 as a log entry vs. as a page heading).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

ACTION_LABELS: dict[str, Promise] = {
    "accounts.create_user": pgettext_lazy("audit action", "创建用户"),
    "accounts.assign_role": pgettext_lazy("audit action", "授予角色"),
    "accounts.login": pgettext_lazy("audit action", "登录"),
    "accounts.login_failed": pgettext_lazy("audit action", "登录失败"),
    "elections.create_county": pgettext_lazy("audit action", "创建县"),
    "elections.create_township": pgettext_lazy("audit action", "创建乡镇"),
    "elections.create": pgettext_lazy("audit action", "创建选举"),
    "elections.update_timeline": pgettext_lazy("audit action", "修改时间安排"),
    "elections.publish_announcement": pgettext_lazy("audit action", "发布公告"),
    "elections.advance_stage": pgettext_lazy("audit action", "进入下一阶段"),
    "roster.import_members": pgettext_lazy("audit action", "导入党员名册"),
    "roster.import_public_reps": pgettext_lazy("audit action", "导入群众代表"),
    "roster.set_member_status": pgettext_lazy("audit action", "修改党员状态"),
    "roster.request_excusal": pgettext_lazy("audit action", "登记请假"),
    "roster.approve_excusal": pgettext_lazy("audit action", "批准请假"),
    "roster.withdraw_excusal": pgettext_lazy("audit action", "撤销请假"),
    "elections.import_scenario": pgettext_lazy("audit action", "导入场景文件"),
    "nomination.submit_application": pgettext_lazy("audit action", "网上报名"),
    "nomination.add_applicant": pgettext_lazy("audit action", "录入报名人"),
    "nomination.add_route": pgettext_lazy("audit action", "登记推荐方式"),
    "nomination.add_signatures": pgettext_lazy("audit action", "录入联名签名"),
    "nomination.sign_online": pgettext_lazy("audit action", "网上联名签名"),
    "nomination.withdraw_applicant": pgettext_lazy("audit action", "撤回报名"),
    "nomination.record_review": pgettext_lazy("audit action", "资格审查决定"),
    "nomination.publish_notice": pgettext_lazy("audit action", "发布资格审查公示"),
    "nomination.file_objection": pgettext_lazy("audit action", "受理异议"),
    "nomination.decide_objection": pgettext_lazy("audit action", "异议核查结论"),
    "recommendation.create_stages": pgettext_lazy("audit action", "设置推荐环节"),
    "recommendation.configure_stages": pgettext_lazy("audit action", "修改推荐环节"),
    "recommendation.open_stage": pgettext_lazy("audit action", "开始推荐环节"),
    "recommendation.close_stage": pgettext_lazy("audit action", "结束推荐环节"),
    "recommendation.check_in": pgettext_lazy("audit action", "推荐会签到"),
    "recommendation.commit_lot": pgettext_lazy("audit action", "公布抽签承诺值"),
    "recommendation.draw_lot": pgettext_lazy("audit action", "抽签"),
    "recommendation.next_speaker": pgettext_lazy("audit action", "下一位演讲人"),
    "recommendation.start_clock": pgettext_lazy("audit action", "开始计时"),
    "recommendation.pause_clock": pgettext_lazy("audit action", "暂停计时"),
    "recommendation.record_paper_ballot": pgettext_lazy("audit action", "录入纸质推荐票"),
    "recommendation.delete_paper_ballot": pgettext_lazy("audit action", "删除纸质推荐票"),
    "recommendation.record_group_total": pgettext_lazy("audit action", "录入推荐票汇总"),
    "recommendation.issue_codes": pgettext_lazy("audit action", "发放网上推荐码"),
    "recommendation.cast_online": pgettext_lazy("audit action", "网上推荐投票"),
    "candidates.record_inspection": pgettext_lazy("audit action", "记录考察结果"),
    "candidates.record_county_vote": pgettext_lazy("audit action", "记录县委票决"),
    "candidates.publish_formal_list": pgettext_lazy("audit action", "公布正式候选人"),
    "meeting.create": pgettext_lazy("audit action", "筹备党员大会"),
    "meeting.open": pgettext_lazy("audit action", "大会开幕"),
    "meeting.close": pgettext_lazy("audit action", "大会闭幕"),
    "meeting.check_in": pgettext_lazy("audit action", "大会签到"),
    "meeting.check_out": pgettext_lazy("audit action", "离场登记"),
    "meeting.propose_officer": pgettext_lazy("audit action", "提名监票人、计票人"),
    "meeting.approve_officers": pgettext_lazy("audit action", "大会通过监票人、计票人"),
    "meeting.link_officer_user": pgettext_lazy("audit action", "设置监票人、计票人账号"),
    "meeting.create_round": pgettext_lazy("audit action", "生成选举轮次"),
    "meeting.record_opt_in": pgettext_lazy("audit action", "登记落选人是否参加下一轮"),
    "meeting.request_step": pgettext_lazy("audit action", "申请轮次操作"),
    "meeting.confirm_step": pgettext_lazy("audit action", "监票人确认"),
    "tally.record_issue": pgettext_lazy("audit action", "登记发出选票"),
    "tally.start_sheet": pgettext_lazy("audit action", "开始计票录入"),
    "tally.add_ballot": pgettext_lazy("audit action", "录入选票"),
    "tally.remove_ballot": pgettext_lazy("audit action", "删除录入的选票"),
    "tally.set_totals": pgettext_lazy("audit action", "录入汇总票数"),
    "tally.submit_sheet": pgettext_lazy("audit action", "提交计票单"),
    "tally.agree_sheets": pgettext_lazy("audit action", "两名计票人核对一致"),
    "evoting.issue_code": pgettext_lazy("audit action", "发放投票码"),
    "evoting.deactivate_code": pgettext_lazy("audit action", "收回投票码"),
    "results.set_voting_time": pgettext_lazy("audit action", "设置投票时间"),
    "results.create_report": pgettext_lazy("audit action", "生成选举结果报告单"),
    "results.sign_report": pgettext_lazy("audit action", "监票人签字"),
    "results.submit_report": pgettext_lazy("audit action", "报送县委"),
    "results.approve_report": pgettext_lazy("audit action", "县委批复"),
}


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action
