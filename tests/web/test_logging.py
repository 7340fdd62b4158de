"""Server errors reach the log with DEBUG off, but a voting page's path never does (S1)."""

from __future__ import annotations

import io
import logging
from types import SimpleNamespace

import pytest
from django.conf import settings

from zhixuan.web.core.logfilters import HideVotingPaths


@pytest.fixture
def request_log() -> io.StringIO:
    """The configured ``django.request`` handler, writing to a buffer instead of stderr."""
    logger = logging.getLogger("django.request")
    (handler,) = [h for h in logger.handlers if any(isinstance(f, HideVotingPaths) for f in h.filters)]
    assert isinstance(handler, logging.StreamHandler)
    buffer = io.StringIO()
    old = handler.setStream(buffer)
    yield buffer
    handler.setStream(old)


def test_settings_send_server_errors_to_stderr_through_the_filter() -> None:
    config = settings.LOGGING
    assert config["loggers"]["django.request"]["level"] == "ERROR"
    assert config["handlers"]["stderr"]["filters"] == ["hide_voting_paths"]
    handlers = logging.getLogger("django.request").handlers
    assert any(isinstance(f, HideVotingPaths) for h in handlers for f in h.filters)


@pytest.mark.parametrize(
    ("path", "logged", "secret"),
    [
        ("/v/ABCDE-FGHJK/", "/v/…", "ABCDE-FGHJK"),
        ("/r/QWERT-YUIOP/", "/r/…", "QWERT-YUIOP"),
        ("/public/receipt/", "/public/receipt/…", "receipt/ "),
        ("/public/term/rate/XYZ12/", "/public/term/rate/…", "XYZ12"),
    ],
)
def test_a_voting_path_is_replaced_and_the_traceback_kept(
    request_log: io.StringIO, path: str, logged: str, secret: str
) -> None:
    fake_request = SimpleNamespace(path=path)
    try:
        raise RuntimeError("database went away")
    except RuntimeError:
        logging.getLogger("django.request").error(
            "Internal Server Error: %s", path, exc_info=True, extra={"request": fake_request, "status_code": 500}
        )
    text = request_log.getvalue()
    assert f"Internal Server Error: {logged}" in text
    assert "RuntimeError: database went away" in text
    assert secret not in text


def test_other_paths_are_logged_as_they_are(request_log: io.StringIO) -> None:
    logging.getLogger("django.request").error("Internal Server Error: %s", "/elections/7/meeting/")
    assert "Internal Server Error: /elections/7/meeting/" in request_log.getvalue()
