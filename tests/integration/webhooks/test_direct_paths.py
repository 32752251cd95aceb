"""The webhook's direct paths (one statement for a call still going, one short transaction for
a call that ended; PostgreSQL) leave exactly what the ORM path leaves: the same attempt, the
same timeline line, the same debt, the same ledger rows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from dialer.bootstrap import Services
from dialer.callbacks import APPLIERS, EventKind, dedupe_key, payload_of
from dialer.callbacks.warmup import compiled_statements, warm_up_direct_paths
from dialer.clock import FakeClock
from dialer.db.models import CaseEvent, ProviderEvent
from dialer.ledger import IncomingEvent, ingest
from tests.integration.webhooks.builders import Case, make_case
from tests.integration.webhooks.conftest import Twilio
from tests.integration.webhooks.helpers import attempt_row, debt_row, rows

Callback = tuple[str, int, dict[str, str]]

SCENARIOS: dict[str, list[Callback]] = {
    "answered by a person": [
        ("initiated", 0, {}),
        ("ringing", 1, {}),
        ("in-progress", 2, {"AnsweredBy": "human"}),
        ("completed", 3, {"CallDuration": "42", "SipResponseCode": "200"}),
    ],
    "out of order and duplicated": [
        ("completed", 3, {"CallDuration": "9"}),
        ("ringing", 1, {}),
        ("completed", 3, {"CallDuration": "9"}),
        ("busy", 4, {"SipResponseCode": "486"}),
    ],
    "no answer": [("ringing", 1, {}), ("no-answer", 2, {"SipResponseCode": "487"})],
    "failed": [("failed", 1, {"ErrorCode": "13224"})],
    "machine": [
        ("in-progress", 2, {"AnsweredBy": "machine_end_beep"}),
        ("completed", 3, {"CallDuration": "25"}),
    ],
}
ATTEMPT_COLUMNS = (
    "status",
    "outcome",
    "answered_by",
    "answered_at",
    "ended_at",
    "duration_seconds",
    "sip_response_code",
    "error_code",
    "last_sequence",
    "updated_at",
)


def _form(case: Case, status: str, seq: int, extra: dict[str, str]) -> dict[str, str]:
    return {
        "CallSid": f"CA{case.attempt_id:032d}",
        "CallStatus": status,
        "SequenceNumber": str(seq),
        **extra,
    }


def _through_the_orm(services: Services, case: Case, callback: Callback) -> None:
    form = _form(case, *callback)
    payload = payload_of(form, {"attempt": str(case.attempt_id)})
    event = IncomingEvent(
        kind=EventKind.CALL_STATUS.value,
        dedupe_key=dedupe_key(EventKind.CALL_STATUS, payload, None),
        payload=payload,
        provider_sid=form["CallSid"],
        attempt_id=case.attempt_id,
    )
    now = services.clock.now()
    applier = APPLIERS[EventKind.CALL_STATUS]

    def apply(session: Session) -> None:
        applier(session, payload, now)

    assert ingest(services.sessions, event, apply=apply, now=now).ok


def _record(services: Services, case: Case) -> dict[str, Any]:
    sid = f"CA{case.attempt_id:032d}"
    attempt = attempt_row(services.sessions, case.attempt_id)
    timeline = rows(services.sessions, CaseEvent, CaseEvent.attempt_id == case.attempt_id)
    ledger = rows(services.sessions, ProviderEvent, ProviderEvent.attempt_id == case.attempt_id)
    return {
        "attempt": {name: getattr(attempt, name) for name in ATTEMPT_COLUMNS},
        "sid": attempt.provider_sid == sid,
        "timeline": [
            (e.kind, e.summary, e.detail, e.at, e.debt_id == case.debt_id, e.actor)
            for e in timeline
        ],
        "ledger": sorted(
            (e.kind, e.dedupe_key.replace(sid, "CA#"), e.applied_at, e.error) for e in ledger
        ),
        "payloads": sorted(str(e.payload["form"]["CallStatus"]) for e in ledger),
        "due": debt_row(services.sessions, case.debt_id).next_contact_at,
    }


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_the_webhook_leaves_what_the_orm_path_leaves(
    scenario: str, twilio: Twilio, services: Services, clock: FakeClock
) -> None:
    live = make_case(services.sessions, now=clock.now(), ref="L", number="+16175550101")
    reference = make_case(services.sessions, now=clock.now(), ref="R", number="+16175550102")
    path = f"/twilio/voice/status?attempt={live.attempt_id}"
    for callback in SCENARIOS[scenario]:
        clock.advance(timedelta(seconds=7))
        for _ in range(2):  # every callback twice: the second delivery is a duplicate
            assert twilio.post(path, _form(live, *callback)).status_code == 204
            _through_the_orm(services, reference, callback)
    assert _record(services, live) == _record(services, reference)


def test_a_worker_compiles_its_direct_paths_before_the_first_callback(
    twilio: Twilio, services: Services, clock: FakeClock
) -> None:
    compiled = warm_up_direct_paths(services.engine)
    if services.engine.dialect.name != "postgresql":
        assert compiled == 0  # SQLite takes the ORM path: nothing to compile
        return
    assert compiled > 0
    before = compiled_statements()
    case = make_case(services.sessions, now=clock.now())
    path = f"/twilio/voice/status?attempt={case.attempt_id}"
    for callback in SCENARIOS["answered by a person"]:
        clock.advance(timedelta(seconds=7))
        assert twilio.post(path, _form(case, *callback)).status_code == 204
    assert compiled_statements() == before  # no callback paid for a compilation
    assert attempt_row(services.sessions, case.attempt_id).status == "completed"
