"""An idle scheduler and the Twilio client do not fill the log at the default level."""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator

import pytest
import structlog

from dialer.observability.logging import configure_logging


@pytest.fixture
def stderr() -> Iterator[io.StringIO]:
    """A buffer standing for the process's stderr while logging is configured (pytest swaps
    sys.stderr between phases, so the test body redirects it); logging is put back afterwards,
    so no later test logs into a stream that is gone."""
    names = ("apscheduler", "twilio")
    levels = {name: logging.getLogger(name).level for name in names}
    root = logging.getLogger()
    handlers, root_level = root.handlers[:], root.level
    yield io.StringIO()
    root.handlers[:] = handlers
    root.setLevel(root_level)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    structlog.reset_defaults()


def test_apscheduler_and_twilio_info_lines_are_dropped_at_info(stderr: io.StringIO) -> None:
    with contextlib.redirect_stderr(stderr):
        configure_logging(level="INFO")
    logging.getLogger("apscheduler.executors.default").info("Running job dispatch-tick")
    logging.getLogger("twilio.http_client").info("-- BEGIN Twilio API Request -- +16175550100")
    logging.getLogger("apscheduler.scheduler").warning("job missed by 3 s")
    logging.getLogger("dialer.anything").info("kept")
    written = stderr.getvalue()
    assert "Running job" not in written
    assert "BEGIN Twilio API Request" not in written
    assert "job missed by 3 s" in written
    assert "kept" in written


def test_debug_level_shows_them(stderr: io.StringIO) -> None:
    with contextlib.redirect_stderr(stderr):
        configure_logging(level="DEBUG")
    logging.getLogger("apscheduler.executors.default").info("Running job dispatch-tick")
    assert "Running job" in stderr.getvalue()
