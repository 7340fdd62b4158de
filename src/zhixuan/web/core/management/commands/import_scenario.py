"""``python -m zhixuan.web import_scenario FILE --county NAME``: a scenario file as a new election."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhixuan.scenario.errors import ScenarioError
from zhixuan.web.elections.models import County
from zhixuan.web.elections.scenario_import import do_import_scenario


class Command(BaseCommand):
    help = "Import a scenario file (YAML or JSON) as a new election of an existing county."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--county", required=True, help="name of the county (县) to import into")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        county = County.objects.filter(name=options["county"]).first()
        if county is None:
            known = "、".join(County.objects.values_list("name", flat=True)) or "—"
            raise CommandError(f"没有名为 {options['county']} 的县（现有：{known}） / no such county")
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: 无法读取 / cannot read: {exc}") from exc
        try:
            election, prepared = do_import_scenario(None, county=county, text=text, filename=path.name)
        except ScenarioError as exc:
            lines = [f"  {p.path}: {p.zh} ({p.en})" for p in exc.problems]
            raise CommandError("\n".join([f"{path}: 场景文件没有导入 / not imported", *lines])) from exc
        self.stdout.write(f"imported {path.name} as election {election.pk}: {election.township.name} {election.title}")
        for note in prepared.notes:
            mark = "not imported" if note.set_aside else "changed"
            self.stdout.write(f"  {mark}: {note.path}: {note.zh}")
