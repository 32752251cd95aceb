"""Attack: read the logs (shipped to a log service, seen by operators) for phone numbers and
message bodies. The access log has no query strings, the twilio client's request lines are
off, our own lines are masked, and JSON lines still carry the exception."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import structlog

from dialer.observability.logging import configure_logging, get_logger

REPO = Path(__file__).resolve().parents[2]
NUMBER = "+16175550100"
DIGITS = "6175550100"


@pytest.fixture
def fresh_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    twilio_level = logging.getLogger("twilio").level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.getLogger("twilio").setLevel(twilio_level)
    structlog.reset_defaults()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_access_log_has_no_query_string(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DIALER_", "TWILIO_"))}
    env.update(
        DIALER_ENV="development",
        DATABASE_URL=f"sqlite:///{tmp_path / 'log.sqlite3'}",
        WEB_CONCURRENCY="1",
    )
    log = tmp_path / "web.log"
    command = [
        sys.executable,
        "-m",
        "dialer",
        "serve",
        "--port",
        str(port),
        "--workers",
        "1",
    ]
    with log.open("w") as out:
        proc = subprocess.Popen(
            command,
            env=env,
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        url = f"http://127.0.0.1:{port}/healthz?q=%2B1%20617%20555%200100&name=Maria"
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(url, timeout=30)
                break
            except (requests.ConnectionError, requests.Timeout):
                assert proc.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.3)
        time.sleep(1)  # the access line is written after the response
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    text = log.read_text()
    assert "GET /healthz HTTP/1.1" in text, text
    assert "555" not in text.split("GET /healthz", 1)[1].splitlines()[0]
    assert "Maria" not in text
    assert "q=" not in text


def test_the_twilio_clients_request_lines_are_not_logged(
    fresh_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(level="INFO")
    logging.getLogger("twilio.http_client").info("POST Request: To=%s Body=%s", NUMBER, "hi")
    logging.getLogger("twilio.http_client").warning("retrying after 429")
    err = capsys.readouterr().err
    assert DIGITS not in err
    assert "retrying after 429" in err


def test_our_lines_mask_numbers_and_drop_bodies(
    fresh_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(log_format="json")
    get_logger("dialer.sms").info("sms sent", to=NUMBER, body="Maria, you owe 300 USD")
    logging.getLogger("dialer.ledger").warning("callback from %s not applied", NUMBER)
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    assert len(lines) == 2
    text = json.dumps(lines)
    assert DIGITS not in text
    assert "Maria" not in text
    assert "0100" in text  # the last four digits stay, for support


def test_json_lines_keep_the_exception(
    fresh_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(log_format="json")
    try:
        raise RuntimeError(f"placing the call to {NUMBER} failed")
    except RuntimeError:
        get_logger("dialer.worker").exception("tick failed")
        logging.getLogger("dialer.worker").exception("tick failed (stdlib)")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    assert [line["event"] for line in lines] == ["tick failed", "tick failed (stdlib)"]
    for line in lines:
        assert "Traceback" in line["exception"]
        assert "RuntimeError: placing the call to" in line["exception"]
        assert DIGITS not in line["exception"]
