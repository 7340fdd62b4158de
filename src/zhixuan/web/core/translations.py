"""Compile gettext catalogues (.po -> .mo) in pure Python, so no gettext binary is needed.

Handles what our catalogues use: msgctxt, msgid, msgid_plural, msgstr[n], multi-line strings,
comments and the fuzzy flag (fuzzy entries are skipped, as msgfmt does).
"""

from __future__ import annotations

import ast
import struct
from pathlib import Path


def parse_po(text: str) -> dict[str, str]:
    """Return ``{msgid: msgstr}`` (context and plural forms joined the way .mo files key them)."""
    messages: dict[str, str] = {}
    entry: dict[str, list[str]] = {}
    current: str | None = None
    fuzzy = False

    def flush() -> None:
        nonlocal entry, fuzzy
        if "msgid" in entry and not fuzzy:
            msgid = "".join(entry["msgid"])
            if "msgid_plural" in entry:
                msgid += "\0" + "".join(entry["msgid_plural"])
                forms = sorted(k for k in entry if k.startswith("msgstr["))
                msgstr = "\0".join("".join(entry[k]) for k in forms)
            else:
                msgstr = "".join(entry.get("msgstr", []))
            if "msgctxt" in entry:
                msgid = "".join(entry["msgctxt"]) + "\x04" + msgid
            if msgstr or msgid == "":
                messages[msgid] = msgstr
        entry, fuzzy = {}, False

    def has_msgstr() -> bool:
        return any(k == "msgstr" or k.startswith("msgstr[") for k in entry)

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()  # a blank line ends an entry
            continue
        if line.startswith("#"):
            if line.startswith("#,") and "fuzzy" in line:
                if has_msgstr():
                    flush()
                fuzzy = True
            continue
        if line.startswith('"'):
            if current is not None:
                entry[current].append(ast.literal_eval(line))
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and has_msgstr():
            flush()
        current = keyword
        entry[current] = [ast.literal_eval(rest.strip())]
    flush()
    return messages


def mo_bytes(messages: dict[str, str]) -> bytes:
    """The GNU .mo binary format: header, sorted key and value tables, then the strings."""
    keys = sorted(messages)
    ids = b""
    strs = b""
    offsets: list[tuple[int, int, int, int]] = []
    for key in keys:
        k, v = key.encode("utf-8"), messages[key].encode("utf-8")
        offsets.append((len(ids), len(k), len(strs), len(v)))
        ids += k + b"\0"
        strs += v + b"\0"
    count = len(keys)
    key_start = 7 * 4 + 16 * count
    value_start = key_start + len(ids)
    key_table: list[int] = []
    value_table: list[int] = []
    for id_off, id_len, str_off, str_len in offsets:
        key_table += [id_len, key_start + id_off]
        value_table += [str_len, value_start + str_off]
    header = struct.pack("Iiiiiii", 0x950412DE, 0, count, 7 * 4, 7 * 4 + count * 8, 0, 0)
    return (
        header
        + struct.pack(f"{len(key_table)}i", *key_table)
        + struct.pack(f"{len(value_table)}i", *value_table)
        + ids
        + strs
    )


def compile_catalogues(root: Path) -> list[Path]:
    """Compile every ``*.po`` under ``root``; returns the .mo files written (only if changed)."""
    written: list[Path] = []
    for po in sorted(root.rglob("*.po")):
        mo = po.with_suffix(".mo")
        data = mo_bytes(parse_po(po.read_text(encoding="utf-8")))
        if not mo.exists() or mo.read_bytes() != data:
            mo.write_bytes(data)
            written.append(mo)
    return written
