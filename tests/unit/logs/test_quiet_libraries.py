"""An idle scheduler and the Twilio client do not fill the log at the default level."""

from __future__ import annotations

import logging

import pytest

from dialer.logging import configure_logging


@pytest.fixture(autouse=True)
def _restore_levels():
    names = ("apscheduler", "twilio")
    before = {name: logging.getLogger(name).level for name in names}
    yield
    for name, level in before.items():
        logging.getLogger(name).setLevel(level)


def test_apscheduler_and_twilio_info_lines_are_dropped_at_info(capsys) -> None:
    configure_logging(level="INFO")
    logging.getLogger("apscheduler.executors.default").info("Running job dispatch-tick")
    logging.getLogger("twilio.http_client").info("-- BEGIN Twilio API Request -- +16175550100")
    logging.getLogger("apscheduler.scheduler").warning("job missed by 3 s")
    logging.getLogger("dialer.anything").info("kept")
    err = capsys.readouterr().err
    assert "Running job" not in err
    assert "BEGIN Twilio API Request" not in err
    assert "job missed by 3 s" in err
    assert "kept" in err


def test_debug_level_shows_them(capsys) -> None:
    configure_logging(level="DEBUG")
    logging.getLogger("apscheduler.executors.default").info("Running job dispatch-tick")
    assert "Running job" in capsys.readouterr().err
