"""``python -m zhixuan.web compile_translations``: build .mo files without gettext installed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from zhixuan.web.core.translations import compile_catalogues


class Command(BaseCommand):
    help = "Compile the project's .po catalogues to .mo in pure Python."

    def handle(self, *args: Any, **options: Any) -> None:
        # The project catalogue, and each app's own (``<app>/locale``).
        app_roots = sorted(Path(settings.PACKAGE_DIR).glob("*/locale"))
        for root in [*settings.LOCALE_PATHS, *app_roots]:
            for path in compile_catalogues(Path(root)):
                self.stdout.write(f"compiled {path}")
