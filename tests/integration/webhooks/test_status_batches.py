"""Call status callbacks written in batches (PostgreSQL) leave exactly what the ORM path
leaves: the same attempt, the same timeline line, the same debt, the same ledger rows. A
callback a batch cannot apply is left untouched for the ordinary path."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

import webhooks.voice
from dialer.bootstrap import Services
from dialer.callbacks import APPLIERS, EventKind, dedupe_key, payload_of, status_batch
from dialer.callbacks.events import CallStatusEvent
from dialer.callbacks.status_batch import Applied, StatusCallback, apply_batch
from dialer.callbacks.warmup import compiled_statements, warm_up_webhooks
from dialer.clock import FakeClock
from dialer.db.engine import transaction
from dialer.db.models import CaseEvent, ContactAttempt, ProviderEvent
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


def _event(case: Case, callback: Callback, *, sid: str | None = None) -> IncomingEvent:
    form = _form(case, *callback) | ({"CallSid": sid} if sid else {})
    payload = payload_of(form, {"attempt": str(case.attempt_id)})
    return IncomingEvent(
        kind=EventKind.CALL_STATUS.value,
        dedupe_key=dedupe_key(EventKind.CALL_STATUS, payload, None),
        payload=payload,
        provider_sid=form["CallSid"],
        attempt_id=case.attempt_id,
    )


def _callback(services: Services, case: Case, callback: Callback, **kw: str) -> StatusCallback:
    event = _event(case, callback, **kw)
    status = CallStatusEvent.from_payload(event.payload)
    return StatusCallback(event, status, services.clock.now())


def _through_the_orm(services: Services, case: Case, callback: Callback) -> None:
    event = _event(case, callback)
    payload = event.payload
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
    scenario: str,
    twilio: Twilio,
    services: Services,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ordinary: list[str] = []

    def counted_ingest(*args: Any, **kwargs: Any) -> Any:
        ordinary.append(args[1].kind)
        return ingest(*args, **kwargs)

    monkeypatch.setattr(webhooks.voice, "ingest", counted_ingest)
    live = make_case(services.sessions, now=clock.now(), ref="L", number="+16175550101")
    reference = make_case(services.sessions, now=clock.now(), ref="R", number="+16175550102")
    path = f"/twilio/voice/status?attempt={live.attempt_id}"
    for callback in SCENARIOS[scenario]:
        clock.advance(timedelta(seconds=7))
        for _ in range(2):  # every callback twice: the second delivery is a duplicate
            assert twilio.post(path, _form(live, *callback)).status_code == 204
            _through_the_orm(services, reference, callback)
    assert _record(services, live) == _record(services, reference)
    # PostgreSQL writes every one of them in a batch; SQLite takes the ordinary path.
    batched = services.engine.dialect.name == "postgresql"
    assert ordinary == ([] if batched else ["call_status"] * 2 * len(SCENARIOS[scenario]))


def test_a_worker_compiles_its_batch_statements_before_the_first_callback(
    twilio: Twilio, services: Services, clock: FakeClock
) -> None:
    compiled = warm_up_webhooks(services.engine)
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


def test_one_batch_applies_new_callbacks_and_leaves_the_rest_to_the_ordinary_path(
    services: Services, clock: FakeClock
) -> None:
    new, ending, repeated, other_call = (
        make_case(services.sessions, now=clock.now(), ref=ref, number=f"+1617555020{n}")
        for n, ref in enumerate(("N", "E", "R", "O"))
    )
    answered = ("in-progress", 2, {"AnsweredBy": "human"})
    stored = _callback(services, repeated, answered)
    assert apply_batch(services.engine, [stored]) == (
        [Applied.APPLIED] if services.engine.dialect.name == "postgresql" else [None]
    )
    if services.engine.dialect.name != "postgresql":
        return  # SQLite: every callback takes the ordinary path, nothing was written
    clock.advance(timedelta(seconds=30))
    lost = _callback(services, new, ("ringing", 1, {}))  # about an attempt that does not exist
    missing = StatusCallback(
        replace(lost.event, attempt_id=999_999, dedupe_key="call_status:lost"),
        replace(lost.status, attempt_id=999_999),
        lost.now,
    )
    batch = [
        _callback(services, new, ("ringing", 1, {})),
        _callback(services, ending, ("completed", 3, {"CallDuration": "42"})),
        _callback(services, repeated, answered),  # the same callback again: a duplicate
        _callback(services, other_call, ("ringing", 1, {}), sid="CA" + "9" * 32),
        missing,
    ]
    with transaction(services.sessions) as session:  # `other_call` already has its own SID
        session.execute(
            update(ContactAttempt)
            .where(ContactAttempt.id == other_call.attempt_id)
            .values(provider_sid="CA" + "8" * 32)
        )

    assert apply_batch(services.engine, batch) == [
        Applied.APPLIED,
        Applied.APPLIED,
        Applied.DUPLICATE,
        None,
        None,
    ]
    assert attempt_row(services.sessions, new.attempt_id).status == "ringing"
    ended = attempt_row(services.sessions, ending.attempt_id)
    assert (ended.status, ended.outcome, ended.duration_seconds) == (
        "completed",
        "conversation",
        42,
    )
    timeline = rows(services.sessions, CaseEvent, CaseEvent.attempt_id == ending.attempt_id)
    assert [(e.kind, e.summary) for e in timeline] == [
        ("call_ended", "Call ended: conversation after 42 s")
    ]
    assert debt_row(services.sessions, ending.debt_id).next_contact_at == clock.now()
    ledger = rows(services.sessions, ProviderEvent)
    assert sorted(e.attempt_id for e in ledger) == sorted(
        [new.attempt_id, ending.attempt_id, repeated.attempt_id]
    )
    assert attempt_row(services.sessions, other_call.attempt_id).status == "queued"


def test_an_attempt_changed_after_the_batch_read_it_is_left_to_the_ordinary_path(
    services: Services, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    if services.engine.dialect.name != "postgresql":
        assert apply_batch(services.engine, []) == []  # SQLite: no batches at all
        return
    changed = make_case(services.sessions, now=clock.now(), ref="C", number="+16175550301")
    steady = make_case(services.sessions, now=clock.now(), ref="S", number="+16175550302")
    real_write = status_batch._write

    class ChangedInBetween:
        """The write, after another writer (an IVR answer, say) changed one attempt."""

        def __init__(self, statement: Any) -> None:
            self.statement = statement

        def execute_all(self, driver: Any, values: Any) -> Any:
            with transaction(services.sessions) as session:
                session.execute(
                    update(ContactAttempt)
                    .where(ContactAttempt.id == changed.attempt_id)
                    .values(identity_confirmed=True)
                )
            return self.statement.execute_all(driver, values)

    monkeypatch.setattr(status_batch, "_write", lambda d: ChangedInBetween(real_write(d)))
    batch = [
        _callback(services, changed, ("completed", 3, {"AnsweredBy": "human"})),
        _callback(services, steady, ("ringing", 1, {})),
    ]
    assert apply_batch(services.engine, batch) == [None, Applied.APPLIED]
    # Nothing of the stale callback was written: the ordinary path will apply it afresh
    # (where a confirmed identity makes the call a conversation).
    left = attempt_row(services.sessions, changed.attempt_id)
    assert (left.status, left.identity_confirmed) == ("queued", True)
    assert rows(services.sessions, CaseEvent, CaseEvent.attempt_id == changed.attempt_id) == []
    ledger = rows(services.sessions, ProviderEvent)
    assert [e.attempt_id for e in ledger] == [steady.attempt_id]


def test_an_attempt_another_transaction_holds_is_skipped_not_waited_for(
    services: Services, clock: FakeClock
) -> None:
    if services.engine.dialect.name != "postgresql":
        assert apply_batch(services.engine, []) == []  # SQLite: no batches at all
        return
    held = make_case(services.sessions, now=clock.now(), ref="H", number="+16175550401")
    free = make_case(services.sessions, now=clock.now(), ref="F", number="+16175550402")
    batch = [
        _callback(services, held, ("ringing", 1, {})),
        _callback(services, free, ("ringing", 1, {})),
    ]
    results: list[Any] = []
    with services.sessions() as holder, holder.begin():  # the reconciler asking Twilio, say
        holder.get(ContactAttempt, held.attempt_id, with_for_update=True)
        writer = threading.Thread(
            target=lambda: results.extend(apply_batch(services.engine, batch))
        )
        writer.start()
        writer.join(10)
        assert not writer.is_alive(), "the batch waited for the lock another transaction holds"
    assert results == [None, Applied.APPLIED]
    assert attempt_row(services.sessions, held.attempt_id).status == "queued"
    assert attempt_row(services.sessions, free.attempt_id).status == "ringing"
    ledger = rows(services.sessions, ProviderEvent)
    assert [e.attempt_id for e in ledger] == [free.attempt_id]
