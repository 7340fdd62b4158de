"""``python -m zhixuan.web load_demo``: the demo county (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from zhixuan.web.core.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo county built from the seed numbers (skipped when it exists)."

    def handle(self, *args: Any, **options: Any) -> None:
        if load_demo(self.stdout):
            self.stdout.write("demo county loaded")
        else:
            self.stdout.write("demo county already present")
