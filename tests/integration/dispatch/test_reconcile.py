"""Reconciliation of attempts a crash or a lost answer left without a known fate."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from dialer.callbacks.calls import apply_call_status_event
from dialer.callbacks.events import CallStatusEvent
from dialer.campaigns import enrol, get_campaign
from dialer.db.engine import transaction
from dialer.db.models import CaseEvent, ContactAttempt, Debt
from dialer.dispatch.claim import claim_due
from dialer.dispatch.reserve import reserve
from dialer.observability.metrics import REGISTRY
from dialer.reconciliation.resolve import reconcile
from tests.integration.dispatch.conftest import make_campaign
from tests.integration.dispatch.portfolio import insert_portfolio

MA = [("US", "MA", "617")]


def _reserve_one(services, packs):
    """A reservation whose worker then died: the attempt is committed as `reserved`."""
    make_campaign(
        services,
        packs,
        steps=[
            {
                "kind": "ivr",
                "script": "reminder_ivr",
                "max_attempts": 2,
                "retry": {"no_answer": "4h"},
            },
        ],
    )
    (person,) = insert_portfolio(services.engine, count=1, now=services.clock.now(), places=MA)
    with transaction(services.sessions) as session:
        enrol(session, get_campaign(session, "test-campaign"), now=services.clock.now())
    with transaction(services.sessions) as session:
        (claim,) = claim_due(session, now=services.clock.now(), limit=10)
    with transaction(services.sessions) as session:
        outcome = reserve(session, claim=claim, now=services.clock.now(), packs=packs)
    assert outcome.reservation is not None
    return person, outcome.reservation


def _attempt(services, attempt_id):
    with transaction(services.sessions) as session:
        return session.get(ContactAttempt, attempt_id)


def _set_status(services, attempt_id, status):
    with transaction(services.sessions) as session:
        session.execute(
            sa.update(ContactAttempt).where(ContactAttempt.id == attempt_id).values(status=status)
        )


def test_reserved_attempt_of_a_dead_worker_is_released_and_replanned(services, packs, fake, clock):
    person, reservation = _reserve_one(services, packs)
    assert reconcile(services.sessions, fake, now=clock.now()).released == 0  # not stale yet

    clock.advance(timedelta(minutes=3))
    report = reconcile(services.sessions, fake, now=clock.now())

    assert report.released == 1
    attempt = _attempt(services, reservation.attempt_id)
    assert (attempt.status, attempt.outcome) == ("not_placed", None)
    with transaction(services.sessions) as session:
        debt = session.get(Debt, person.debt_id)
        assert debt.next_contact_at == clock.now()
        assert debt.step_attempts == 0
    assert fake.placed == []


def test_dialing_attempt_found_at_the_provider_is_adopted_not_redialed(
    services, packs, fake, clock
):
    person, reservation = _reserve_one(services, packs)
    _set_status(services, reservation.attempt_id, "dialing")
    call = fake.place_call(  # the create reached Twilio but its answer was lost
        to=person.number,
        from_=reservation.from_,
        answer_url="x",
        status_url="x",
        amd_url=None,
        timeout_seconds=30,
        machine_detection=True,
    )
    clock.advance(timedelta(minutes=3))

    report = reconcile(services.sessions, fake, now=clock.now())

    assert report.adopted == 1
    attempt = _attempt(services, reservation.attempt_id)
    assert attempt.provider_sid == call.sid
    assert attempt.status == "queued"
    assert len(fake.placed) == 1


def test_dialing_attempt_unknown_to_the_provider_is_released(services, packs, fake, clock):
    _, reservation = _reserve_one(services, packs)
    _set_status(services, reservation.attempt_id, "dialing")
    clock.advance(timedelta(minutes=3))

    assert reconcile(services.sessions, fake, now=clock.now()).released == 1
    assert _attempt(services, reservation.attempt_id).status == "not_placed"
    assert fake.placed == []


def _placed_call(services, packs, fake, clock, dispatcher):
    """One call the dispatcher placed (the fake gateway's record of it)."""
    _reserve_one(services, packs)
    with transaction(services.sessions) as session:
        session.execute(sa.update(Debt).values(next_contact_at=clock.now()))
        session.execute(sa.delete(ContactAttempt))
    dispatcher.tick()
    (placed,) = fake.placed
    return placed


def test_lost_final_status_is_fetched_and_applied(services, packs, fake, clock, dispatcher):
    placed = _placed_call(services, packs, fake, clock, dispatcher)
    fake.set_call_status(placed.call.sid, "no-answer")
    clock.advance(timedelta(minutes=31))

    report = reconcile(services.sessions, fake, now=clock.now())

    assert report.finalized == 1
    with transaction(services.sessions) as session:
        attempt = session.scalar(sa.select(ContactAttempt))
        assert (attempt.status, attempt.outcome) == ("no_answer", "no_answer")
        assert session.scalar(sa.select(Debt.next_contact_at)) == clock.now()


def test_a_callback_is_not_held_up_while_twilio_is_asked_nor_undone_by_its_older_answer(
    services, packs, fake, clock, dispatcher
):
    placed = _placed_call(services, packs, fake, clock, dispatcher)
    fake.set_call_status(placed.call.sid, "in-progress")
    clock.advance(timedelta(minutes=31))
    fetch = fake.fetch_call

    def fetch_while_the_call_ends(sid):
        answer = fetch(sid)  # Twilio answers "in-progress"; meanwhile the call ends
        with transaction(services.sessions) as session:
            if session.bind.dialect.name == "postgresql":
                session.execute(sa.text("SET LOCAL lock_timeout = '2s'"))
            attempt_id = session.scalar(sa.select(ContactAttempt.id))
            apply_call_status_event(
                session,
                CallStatusEvent(attempt_id=attempt_id, call_sid=sid, status="completed"),
                now=clock.now(),
            )
        return answer

    fake.fetch_call = fetch_while_the_call_ends
    report = reconcile(services.sessions, fake, now=clock.now())

    assert report.finalized == 0
    with transaction(services.sessions) as session:
        attempt = session.scalar(sa.select(ContactAttempt))
        assert attempt.status == "completed"  # not moved back to in_progress


def _ended_calls(outcome):
    return (
        REGISTRY.get_sample_value("dialer_attempts_total", {"channel": "call", "outcome": outcome})
        or 0.0
    )


def test_a_call_the_reconciler_ends_is_counted_once(services, packs, fake, clock, dispatcher):
    placed = _placed_call(services, packs, fake, clock, dispatcher)
    fake.set_call_status(placed.call.sid, "busy")
    clock.advance(timedelta(minutes=31))
    before = _ended_calls("busy")

    assert reconcile(services.sessions, fake, now=clock.now()).finalized == 1

    assert _ended_calls("busy") == before + 1


def test_a_lost_text_status_is_applied_as_its_webhook_would_be(
    services, packs, fake, clock, dispatcher
):
    make_campaign(services, packs)  # a text step
    insert_portfolio(services.engine, count=1, now=clock.now(), places=MA)
    with transaction(services.sessions) as session:
        enrol(session, get_campaign(session, "test-campaign"), now=clock.now())
    dispatcher.tick()
    (sent,) = fake.sent
    fake.set_message_status(sent.message.sid, "delivered")
    clock.advance(timedelta(minutes=31))

    assert reconcile(services.sessions, fake, now=clock.now()).finalized == 1

    with transaction(services.sessions) as session:
        attempt = session.scalar(sa.select(ContactAttempt))
        assert (attempt.status, attempt.outcome) == ("delivered", "delivered")
        lines = session.scalars(
            sa.select(CaseEvent.kind).where(CaseEvent.attempt_id == attempt.id)
        ).all()
        assert "sms_delivered" in lines  # the timeline says so, as for a webhook
        assert session.scalar(sa.select(Debt.next_contact_at)) == clock.now()


def test_a_call_in_progress_whose_callbacks_stopped_is_fetched_once_it_should_have_ended(
    services, packs, fake, clock, dispatcher
):
    """Answered, then nothing (the web process was down when it ended): fetched after the
    30 s ring timeout plus the longest automated call (10 min) and 2 min of grace, not after
    the 30 minutes every other open attempt waits."""
    placed = _placed_call(services, packs, fake, clock, dispatcher)
    with transaction(services.sessions) as session:
        attempt_id = session.scalar(sa.select(ContactAttempt.id))
        apply_call_status_event(
            session,
            CallStatusEvent(attempt_id=attempt_id, call_sid=placed.call.sid, status="in-progress"),
            now=clock.now(),
        )
    fake.set_call_status(placed.call.sid, "completed", duration=95)

    clock.advance(timedelta(minutes=12))  # it may still be talking
    assert reconcile(services.sessions, fake, now=clock.now()).finalized == 0
    clock.advance(timedelta(minutes=1))
    assert reconcile(services.sessions, fake, now=clock.now()).finalized == 1

    attempt = _attempt(services, attempt_id)
    assert (attempt.status, attempt.duration_seconds) == ("completed", 95)


def test_a_text_whose_create_got_a_5xx_is_released_in_seconds_not_minutes(
    services, packs, fake, clock, dispatcher
):
    """A 5xx on Messages create, and the lookup finds no text: the attempt stays `dialing`
    (counted as sent) with why; the reconciler asks again 20 s later (not 2 min) and, still
    nothing, releases it: due again, never sent twice."""
    make_campaign(services, packs)  # a text step
    (person,) = insert_portfolio(services.engine, count=1, now=clock.now(), places=MA)
    with transaction(services.sessions) as session:
        enrol(session, get_campaign(session, "test-campaign"), now=clock.now())
    fake.fail_next("send_sms", fake.ambiguous(record=False))

    assert dispatcher.tick().ambiguous == 1
    with transaction(services.sessions) as session:
        attempt = session.scalar(sa.select(ContactAttempt))
    assert attempt.status == "dialing"
    assert attempt.error_message.startswith("ambiguous create")

    clock.advance(timedelta(seconds=10))
    assert reconcile(services.sessions, fake, now=clock.now()).released == 0  # too soon
    clock.advance(timedelta(seconds=11))
    assert reconcile(services.sessions, fake, now=clock.now()).released == 1

    assert _attempt(services, attempt.id).status == "not_placed"
    assert fake.sent == []
    with transaction(services.sessions) as session:
        assert session.get(Debt, person.debt_id).next_contact_at == clock.now()
