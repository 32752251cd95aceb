"""The web process as it runs in production (gunicorn, two threaded workers, PostgreSQL): every
call's status callbacks, each delivered three times in a random order by many connections at
once, leave each call's record exactly once, whichever worker and batch took each of them."""

from __future__ import annotations

import random
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from config.settings import load_settings
from dialer.bootstrap import build_services
from dialer.db.engine import make_engine
from dialer.db.models import CaseEvent, ContactAttempt, Debt, ProviderEvent
from tests.databases import empty_all_tables, postgres_admin_url
from tests.integration.webhooks.builders import make_case

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
TOKEN = "e2e-webhook-token"
CALLS = 24
CALLBACKS = (
    ("initiated", {}),
    ("ringing", {}),
    ("in-progress", {"AnsweredBy": "human"}),
    ("completed", {"CallDuration": "37", "SipResponseCode": "200", "AnsweredBy": "human"}),
)
CONNECTIONS = 24


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def pg_url(postgres_migrated_url: str) -> str:
    if postgres_admin_url() is None:
        pytest.fail("set DIALER_TEST_POSTGRES_URL")
    engine = make_engine(postgres_migrated_url)
    empty_all_tables(engine)
    engine.dispose()
    return postgres_migrated_url


def _start_web(url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {
        "PATH": str(Path(sys.executable).parent),
        "DATABASE_URL": url,
        "DIALER_ENV": "test",
        "TWILIO_AUTH_TOKEN": TOKEN,
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "DIALER_LOG_LEVEL": "WARNING",
        "WEB_CONCURRENCY": "2",
    }
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "webhooks.wsgi:app",
        "--config",
        str(REPO / "config" / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
    ]
    with log.open("wb") as out:
        web = subprocess.Popen(command, env=env, cwd=REPO, stdout=out, stderr=out)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).ok:
                return web
        except requests.RequestException:  # not listening, or still warming up
            time.sleep(0.1)
    web.terminate()
    pytest.fail(f"gunicorn did not start: {log.read_text()[-2000:]}")


def _deliveries(attempt_ids: list[int]) -> list[tuple[str, dict[str, str]]]:
    found = []
    for attempt_id in attempt_ids:
        for seq, (status, extra) in enumerate(CALLBACKS):
            form = {
                "CallSid": f"CA{attempt_id:032d}",
                "CallStatus": status,
                "SequenceNumber": str(seq),
                "AccountSid": "AC" + "0" * 32,
                **extra,
            }
            found += [(f"/twilio/voice/status?attempt={attempt_id}", form)] * 3
    random.Random(11).shuffle(found)
    return found


def _send(base: str, jobs: list[tuple[str, dict[str, str]]], codes: Counter[int]) -> None:
    validator = RequestValidator(TOKEN)
    with requests.Session() as http:  # one keep-alive connection, as Twilio's are
        for path, form in jobs:
            signature = validator.compute_signature(base + path, form)
            response = http.post(
                base + path, data=form, headers={"X-Twilio-Signature": signature}, timeout=30
            )
            codes[response.status_code] += 1


def _applied_events(base: str) -> tuple[int, int]:
    """(applied, duplicate) call status callbacks as /metrics reports them."""
    text = requests.get(f"{base}/metrics", timeout=10).text
    found = {"applied": 0.0, "duplicate": 0.0}
    for line in text.splitlines():
        if line.startswith("dialer_webhook_events_total{"):
            labels, value = line.rsplit(" ", 1)
            for result in found:
                if f'result="{result}"' in labels:
                    found[result] += float(value)
    return int(found["applied"]), int(found["duplicate"])


def test_callbacks_spread_over_two_workers_leave_each_call_once(
    pg_url: str, tmp_path: Path
) -> None:
    services = build_services(load_settings(DATABASE_URL=pg_url, DIALER_ENV="test"))
    now = services.clock.now()
    cases = [
        make_case(services.sessions, now=now, ref=f"W{n}", number=f"+161755503{n:02d}")
        for n in range(CALLS)
    ]
    due = select(func.count()).select_from(Debt).where(Debt.next_contact_at.is_not(None))
    with services.sessions() as session:
        assert session.scalar(due) == 0
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    web = _start_web(pg_url, port, tmp_path / "web.log")
    codes: Counter[int] = Counter()
    try:
        jobs = _deliveries([case.attempt_id for case in cases])
        senders = [
            threading.Thread(target=_send, args=(base, jobs[i::CONNECTIONS], codes))
            for i in range(CONNECTIONS)
        ]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join(120)
        scrapes = [_applied_events(base) for _ in range(6)]
    finally:
        web.terminate()
        web.wait(timeout=30)

    assert codes == {204: len(jobs)}
    # Every scrape, whichever worker answers it, counts every worker's callbacks.
    assert scrapes == [(CALLS * len(CALLBACKS), 2 * CALLS * len(CALLBACKS))] * 6
    with services.sessions() as session:
        ledger = session.scalars(select(ProviderEvent)).all()
        assert len(ledger) == CALLS * len(CALLBACKS)  # each callback once, duplicates not
        assert [e.id for e in ledger if e.error or e.applied_at is None] == []
        ended = Counter(
            session.scalars(select(CaseEvent.attempt_id).where(CaseEvent.kind == "call_ended"))
        )
        assert ended == {case.attempt_id: 1 for case in cases}
        attempts = session.scalars(select(ContactAttempt)).all()
        assert {
            (a.status, a.outcome, a.answered_by, a.duration_seconds, a.last_sequence)
            for a in attempts
        } == {("completed", "conversation", "human", 37, 3)}
        due = session.scalar(
            select(func.count()).select_from(Debt).where(Debt.next_contact_at.is_not(None))
        )
        assert due == CALLS  # every debt made due for its next step
    services.close()
