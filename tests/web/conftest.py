"""Fixtures for the web app: a county with two townships, their staff, an election, and a
headless Debian Chromium for browser tests (never a downloaded browser)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_helpers import create_election, make_user, require_tool

# pytest-django's live_server runs beside Playwright's sync API, which Django sees as async.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session", autouse=True)
def compiled_translations() -> None:
    from django.conf import settings

    from zhixuan.web.core.translations import compile_catalogues

    for root in [*settings.LOCALE_PATHS, *Path(settings.PACKAGE_DIR).glob("*/locale")]:
        compile_catalogues(Path(root))


@pytest.fixture(autouse=True)
def chinese_by_default() -> Iterator[None]:
    """Every test starts in Chinese: a request in English activates English for the whole thread
    (Django's LocaleMiddleware does not switch back), which would leak into the next test."""
    from django.utils import translation

    translation.activate("zh-hans")
    yield
    translation.activate("zh-hans")


@pytest.fixture
def county(db: Any) -> Any:
    from zhixuan.web.elections.actions import do_create_county

    return do_create_county(None, name="测试县")


@pytest.fixture
def townships(county: Any) -> dict[str, Any]:
    from zhixuan.web.elections.actions import do_create_township

    return {name: do_create_township(None, county=county, name=name) for name in ("清泉镇", "灵山乡")}


@pytest.fixture
def county_admin(county: Any) -> Any:
    return make_user("county", "county_admin", county=county)


@pytest.fixture
def qingquan_staff(townships: dict[str, Any]) -> Any:
    return make_user("qingquan", "working_group", township=townships["清泉镇"])


@pytest.fixture
def lingshan_staff(townships: dict[str, Any]) -> Any:
    return make_user("lingshan", "working_group", township=townships["灵山乡"])


@pytest.fixture
def election(county_admin: Any, townships: dict[str, Any]) -> Any:
    return create_election(county_admin, townships["清泉镇"])


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    require_tool(shutil.which("chromium") or CHROMIUM, "Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
