"""Chinese first, English available: the catalogue compiles without gettext and is complete."""

from __future__ import annotations

import gettext
import io
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import Client
from web_helpers import PASSWORD

from zhixuan.web.core.translations import mo_bytes, parse_po

PO = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"


def test_compiled_catalogue_reads_back_with_python_gettext() -> None:
    messages = parse_po(PO.read_text(encoding="utf-8"))
    catalogue = gettext.GNUTranslations(io.BytesIO(mo_bytes(messages)))
    assert catalogue.gettext("选举看板") == "Election dashboard"
    assert catalogue.gettext("外出 %(n)s") == "%(n)s migrant"
    # Every entry is translated (an empty msgstr would silently show Chinese in the English UI).
    assert all(value for key, value in messages.items() if key)


def test_po_parser_handles_multiline_context_plural_and_fuzzy() -> None:
    po = '\n'.join([
        'msgid ""', 'msgstr "Content-Type: text/plain; charset=UTF-8\\n"', "",
        'msgctxt "menu"', 'msgid "文件"', 'msgstr "File"', "",
        'msgid ""', '"第一行"', '"第二行"', 'msgstr ""', '"Line one "', '"line two"', "",
        'msgid "一项"', 'msgid_plural "多项"', 'msgstr[0] "one item"', 'msgstr[1] "items"', "",
        "#, fuzzy", 'msgid "草稿"', 'msgstr "Draft"',
    ])  # fmt: skip
    messages = parse_po(po)
    assert messages["menu\x04文件"] == "File"
    assert messages["第一行第二行"] == "Line one line two"
    assert messages["一项\x00多项"] == "one item\x00items"
    assert "草稿" not in messages


def test_interface_in_chinese_by_default_and_english_on_request(county_admin: Any, election: Any) -> None:
    client = Client()
    client.login(username="county", password=PASSWORD)
    page = client.get("/dashboard/").content.decode()
    assert 'lang="zh-CN"' in page and "选举看板" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/dashboard/"})
    page = client.get("/dashboard/").content.decode()
    assert 'lang="en"' in page and "Election dashboard" in page and "Needs attention" in page
    roster = client.get(f"/elections/{election.pk}/roster/").content.decode()
    assert "Member roster" in roster and "expected attendance" in roster


def test_chinese_even_when_the_browser_asks_for_english(db: Any) -> None:
    page = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get("/").content.decode()
    assert 'lang="zh-CN"' in page and "工作人员登录" in page
