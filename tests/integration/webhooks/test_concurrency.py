"""Many threads deliver one call's callbacks at once, shuffled and duplicated: none is lost."""

from __future__ import annotations

import random
import threading

from flask import Flask
from sqlalchemy import select

from dialer.bootstrap import Services
from dialer.db.models import CaseEvent, ProviderEvent
from tests.integration.webhooks.builders import make_case
from tests.integration.webhooks.conftest import Twilio
from tests.integration.webhooks.helpers import attempt_row, rows

CALLBACKS = [
    ("queued", {}),
    ("initiated", {}),
    ("ringing", {}),
    ("in-progress", {"AnsweredBy": "human"}),
    ("completed", {"CallDuration": "37", "SipResponseCode": "200", "AnsweredBy": "human"}),
]
THREADS = 8


def _deliveries(attempt_ids: list[int], rnd: random.Random) -> list[tuple[int, int]]:
    """Every callback of every attempt three times, in a random order."""
    found = [(a, i) for a in attempt_ids for i in range(len(CALLBACKS)) for _ in range(3)]
    rnd.shuffle(found)
    return found


def _deliver(app: Flask, services: Services, jobs: list[tuple[int, int]], codes: list[int]) -> None:
    with app.test_client() as client:
        twilio = Twilio(client, services)
        for attempt_id, index in jobs:
            status, extra = CALLBACKS[index]
            data = {
                "CallSid": f"CA{attempt_id:032d}",
                "CallStatus": status,
                "SequenceNumber": str(index),
                **extra,
            }
            response = twilio.post(f"/twilio/voice/status?attempt={attempt_id}", data)
            codes.append(response.status_code)


def test_concurrent_shuffled_duplicated_callbacks_all_apply(app: Flask, services: Services) -> None:
    cases = [
        make_case(
            services.sessions, now=services.clock.now(), ref=f"K{n}", number=f"+161755501{n:02d}"
        )
        for n in range(3)
    ]
    jobs = _deliveries([case.attempt_id for case in cases], random.Random(7))
    codes: list[int] = []
    barrier = threading.Barrier(THREADS)

    def worker(share: list[tuple[int, int]]) -> None:
        barrier.wait()
        _deliver(app, services, share, codes)

    threads = [threading.Thread(target=worker, args=(jobs[i::THREADS],)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert codes == [204] * len(jobs)
    events = rows(services.sessions, ProviderEvent)
    assert len(events) == len(cases) * len(CALLBACKS)  # duplicates stored once
    assert [e.id for e in events if e.applied_at is None or e.error] == []
    for case in cases:
        attempt = attempt_row(services.sessions, case.attempt_id)
        assert (attempt.status, attempt.outcome, attempt.answered_by) == (
            "completed",
            "conversation",
            "human",
        )
        assert (attempt.duration_seconds, attempt.last_sequence) == (37, 4)
        assert attempt.provider_sid == f"CA{case.attempt_id:032d}"
        with services.sessions() as session:
            kinds = session.scalars(
                select(CaseEvent.kind).where(CaseEvent.attempt_id == case.attempt_id)
            ).all()
        assert kinds == ["call_ended"]
