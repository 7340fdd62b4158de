"""Logging filters: a server error is logged, but never with what could tie a voter to a vote (S1).

Django logs a failed request as ``"Internal Server Error: %s"`` with the path. The voting pages carry the
voting code in the path (``/v/<code>/``, the recall and rating equivalents), so the path is replaced by
the page's kind before the record reaches any handler; the traceback stays.
"""

from __future__ import annotations

import logging
import re

# Paths that may hold a voting or rating code, or a receipt: the whole path is replaced.
VOTING_PATH = re.compile(r"^/(v|r)/|^/public/(receipt|term/rate)/")


def _hidden(value: object) -> object:
    found = VOTING_PATH.match(value) if isinstance(value, str) else None
    return found.group(0) + "…" if found else value


class HideVotingPaths(logging.Filter):
    """Replace a voting page's path in a log record's arguments (and drop the request it carries)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_hidden(a) for a in record.args)
        request = getattr(record, "request", None)
        if request is not None and VOTING_PATH.match(getattr(request, "path", "") or ""):
            record.request = None
        return True
