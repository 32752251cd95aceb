"""A call the provider may have placed is never "not placed" (issue 15 item 1).

An ambiguous create stays ambiguous and counts as a contact until the provider says otherwise;
it is never created twice; a callback for a released attempt revives it; the reconciler finds
open attempts whatever their stamps.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from dialer.callbacks.calls import apply_call_status_event
from dialer.callbacks.events import CallStatusEvent
from dialer.cases.facts import load_history
from dialer.db.engine import transaction
from dialer.db.models import ContactAttempt, Debt, ProviderEvent
from dialer.reconciliation.resolve import reconcile
from dialer.telephony import RetryableTelephonyError
from tests.integration.dispatch.test_reconcile import _attempt, _placed_call, _reserve_one

SID = "CA" + "7" * 32


def _history(services, consumer_id, clock):
    with transaction(services.sessions) as session:
        return load_history(session, consumer_id, since=clock.now() - timedelta(days=7))


def test_an_ambiguous_create_whose_lookup_fails_stays_counted_and_is_never_redialed(
    services, packs, fake, clock, dispatcher
):
    person, _ = _reserve_one(services, packs)
    with transaction(services.sessions) as session:
        session.execute(sa.delete(ContactAttempt))
        session.execute(sa.update(Debt).values(next_contact_at=clock.now(), step_attempts=0))
    fake.fail_next("place_call", fake.ambiguous(record=True))  # placed, answer lost
    fake.fail_next("find_calls", RetryableTelephonyError(None, None, "lookup timed out"))

    assert dispatcher.tick().ambiguous == 1
    clock.advance(timedelta(seconds=5))
    dispatcher.tick()

    assert len(fake.calls) == 1  # one call at the provider, never a second create
    with transaction(services.sessions) as session:
        (attempt,) = session.scalars(sa.select(ContactAttempt)).all()
        assert attempt.status == "dialing"
        assert session.get(Debt, person.debt_id).next_contact_at is None
    assert len(_history(services, person.consumer_id, clock)) == 1  # counted by every cap


def test_an_ambiguous_create_the_provider_has_is_adopted(services, packs, fake, clock, dispatcher):
    _reserve_one(services, packs)
    with transaction(services.sessions) as session:
        session.execute(sa.delete(ContactAttempt))
        session.execute(sa.update(Debt).values(next_contact_at=clock.now(), step_attempts=0))
    fake.fail_next("place_call", fake.ambiguous(record=True))

    assert dispatcher.tick().placed == 1

    (sid,) = fake.calls
    with transaction(services.sessions) as session:
        attempt = session.scalar(sa.select(ContactAttempt))
        assert (attempt.provider_sid, attempt.status) == (sid, "queued")
        assert attempt.placed_at is not None


def test_a_callback_for_a_released_attempt_revives_and_advances_it(services, packs, fake, clock):
    person, reservation = _reserve_one(services, packs)
    clock.advance(timedelta(minutes=3))
    assert reconcile(services.sessions, fake, now=clock.now()).released == 1
    assert _history(services, person.consumer_id, clock) == []  # known never sent

    with transaction(services.sessions) as session:  # ...but the provider had it after all
        apply_call_status_event(
            session,
            CallStatusEvent(attempt_id=reservation.attempt_id, call_sid=SID, status="completed"),
            now=clock.now(),
        )

    attempt = _attempt(services, reservation.attempt_id)
    assert (attempt.status, attempt.provider_sid) == ("completed", SID)
    assert len(_history(services, person.consumer_id, clock)) == 1
    with transaction(services.sessions) as session:
        assert session.get(Debt, person.debt_id).step_attempts == 1  # a try again
        kinds = session.scalars(
            sa.text("SELECT kind FROM case_events WHERE attempt_id = :a"),
            {"a": reservation.attempt_id},
        ).all()
    assert "attempt_revived" in kinds
    assert "call_ended" in kinds


def test_an_attempt_bound_by_an_early_callback_without_placed_at_is_reconciled(
    services, packs, fake, clock, dispatcher
):
    placed = _placed_call(services, packs, fake, clock, dispatcher)
    with transaction(services.sessions) as session:
        session.execute(sa.update(ContactAttempt).values(placed_at=None, status="in_progress"))
    fake.set_call_status(placed.call.sid, "completed")
    clock.advance(timedelta(minutes=31))

    assert reconcile(services.sessions, fake, now=clock.now()).finalized == 1
    with transaction(services.sessions) as session:
        assert session.scalar(sa.select(ContactAttempt.status)) == "completed"


def test_an_attempt_whose_callback_failed_is_reconciled_within_a_minute(
    services, packs, fake, clock, dispatcher
):
    placed = _placed_call(services, packs, fake, clock, dispatcher)
    fake.set_call_status(placed.call.sid, "busy")
    with transaction(services.sessions) as session:
        attempt_id = session.scalar(sa.select(ContactAttempt.id))
        session.add(
            ProviderEvent(
                dedupe_key="failed-1",
                kind="call_status",
                provider_sid=placed.call.sid,
                payload={},
                received_at=clock.now(),
                applied_at=None,
                error="OperationalError: the database went away",
                attempt_id=attempt_id,
            )
        )
    clock.advance(timedelta(seconds=45))

    assert reconcile(services.sessions, fake, now=clock.now()).finalized == 1
    assert _attempt(services, attempt_id).status == "busy"


def test_a_call_left_ringing_by_lost_callbacks_is_fetched_within_minutes(
    services, packs, fake, clock, dispatcher
):
    placed = _placed_call(services, packs, fake, clock, dispatcher)
    with transaction(services.sessions) as session:
        session.execute(sa.update(ContactAttempt).values(status="ringing"))
    fake.set_call_status(placed.call.sid, "no-answer")  # its final callback never arrived
    clock.advance(timedelta(minutes=1))
    assert reconcile(services.sessions, fake, now=clock.now()).finalized == 0

    clock.advance(timedelta(minutes=2))
    assert reconcile(services.sessions, fake, now=clock.now()).finalized == 1
    with transaction(services.sessions) as session:
        assert session.scalar(sa.select(ContactAttempt.status)) == "no_answer"
