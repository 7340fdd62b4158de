"""`make demo`: migrate the embedded SQLite database, load the demo county, serve on :8000."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhixuan.web.settings")


def main() -> None:
    import django
    from django.conf import settings
    from django.core.management import call_command

    (ROOT / "var").mkdir(exist_ok=True)
    django.setup()
    call_command("compile_translations")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo")
    from django.utils.translation import override

    from zhixuan.web.core.demo import logins

    with override("zh-hans"):
        database = settings.DATABASES["default"]["NAME"]
        print(f"\nzhixuan demo: http://127.0.0.1:8000/  (database: {database})")
        print("logins (username / password / role):")
        for username, password, role in logins():
            print(f"  {username:<11} {password:<13} {role}")
    print("Ctrl-C stops the server.\n", flush=True)
    call_command("runserver", "127.0.0.1:8000", use_reloader=False)


if __name__ == "__main__":
    main()
