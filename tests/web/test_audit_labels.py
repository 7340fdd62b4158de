"""Every audit action the app writes has a readable name in the log viewer (S2)."""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps

from zhixuan.web.audit.labels import ACTION_LABELS

WEB = Path(__file__).resolve().parents[2] / "src" / "zhixuan" / "web"
APP_LABELS = {"accounts", "elections", "roster", "nomination", "recommendation", "candidates", "meeting", "tally"}
APP_LABELS |= {"evoting", "results", "term", "recall"}
CODE = re.compile(r'"((?:' + "|".join(sorted(APP_LABELS)) + r')\.[a-z_]+)"')


def written_actions() -> set[str]:
    models = {m._meta.label_lower for m in apps.get_models()}
    found: set[str] = set()
    for path in WEB.glob("*/actions.py"):
        found |= {code for code in CODE.findall(path.read_text(encoding="utf-8")) if code not in models}
    return found


def test_every_written_action_has_a_label() -> None:
    actions = written_actions()
    assert "meeting.confirm_step" in actions and "nomination.add_signatures" in actions
    assert sorted(actions - set(ACTION_LABELS)) == []
