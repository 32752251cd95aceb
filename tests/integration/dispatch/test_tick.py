"""The dispatch tick on a real database (SQLite and PostgreSQL) with the fake gateway."""

from __future__ import annotations

import importlib
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from dialer.callbacks.replanning import mark_debt_for_replanning
from dialer.campaigns import enrol, get_campaign, set_status
from dialer.db.engine import transaction
from dialer.db.models import CaseEvent, ContactAttempt, Debt, Phone
from dialer.dispatch.choose import SMS_VALIDITY
from dialer.telephony import InvalidNumberError, RetryableTelephonyError
from dialer.vocabulary import CampaignStatus
from tests.integration.dispatch.conftest import BASE_URL, make_campaign
from tests.integration.dispatch.portfolio import insert_portfolio

MA = [("US", "MA", "617")]
place_module = importlib.import_module("dialer.dispatch.place")  # the package exports place()


def _enrol(services, name="test-campaign"):
    with transaction(services.sessions) as session:
        return enrol(session, get_campaign(session, name), now=services.clock.now())


def _attempts(services):
    with transaction(services.sessions) as session:
        return list(session.scalars(sa.select(ContactAttempt).order_by(ContactAttempt.id)))


def _debt(services, debt_id):
    with transaction(services.sessions) as session:
        return session.get(Debt, debt_id)


def _finish(services, attempt_id, *, status, outcome, at):
    with transaction(services.sessions) as session:
        attempt = session.get(ContactAttempt, attempt_id)
        attempt.status, attempt.outcome, attempt.ended_at = status, outcome, at
        mark_debt_for_replanning(session, attempt.debt_id, at)


def test_due_consumers_get_one_sms_each_and_leave_the_queue(services, packs, dispatcher, fake):
    make_campaign(services, packs)
    people = insert_portfolio(services.engine, count=5, now=services.clock.now(), places=MA)
    assert _enrol(services) == 5

    report = dispatcher.tick()

    assert report.placed == 5
    assert sorted(m.message.to for m in fake.sent) == sorted(p.number for p in people)
    assert all(m.status_url.startswith(f"{BASE_URL}/twilio/sms/status?attempt=") for m in fake.sent)
    assert all("Acme Bank" in m.message.body for m in fake.sent)
    assert all(m.valid_for == SMS_VALIDITY for m in fake.sent)  # Twilio drops it after that
    attempts = _attempts(services)
    assert {a.status for a in attempts} == {"queued"}
    assert all(a.decision["decision"] == "allow" and a.provider_sid for a in attempts)
    assert all(a.from_number == "+16175550199" for a in attempts)  # local presence: 617
    assert all(_debt(services, p.debt_id).next_contact_at is None for p in people)
    assert dispatcher.tick().claimed == 0
    assert len(fake.sent) == 5


def test_outside_hours_parks_the_debt_until_lawful_and_logs_once(
    services, packs, dispatcher, fake, clock
):
    clock.set(datetime(2026, 3, 18, 2, 0, tzinfo=UTC))  # 22:00 in Boston
    make_campaign(services, packs)
    (person,) = insert_portfolio(services.engine, count=1, now=clock.now(), places=MA)
    _enrol(services)

    report = dispatcher.tick()

    assert report.blocked == 1
    assert report.reasons == {"outside_hours": 1}
    debt = _debt(services, person.debt_id)
    assert debt.last_decision.startswith("blocked sms: outside_hours")
    assert debt.next_contact_at > clock.now()
    clock.advance(timedelta(minutes=5))
    assert dispatcher.tick().claimed == 0  # nothing is re-evaluated in a busy loop
    clock.set(debt.next_contact_at)
    assert dispatcher.tick().placed == 1
    with transaction(services.sessions) as session:
        events = session.scalars(
            sa.select(CaseEvent.kind).where(CaseEvent.kind == "contact_blocked")
        )
        assert list(events) == ["contact_blocked"]


def test_paused_campaign_is_not_dispatched_until_resumed(services, packs, dispatcher, fake):
    make_campaign(services, packs)
    insert_portfolio(services.engine, count=3, now=services.clock.now(), places=MA)
    _enrol(services)
    with transaction(services.sessions) as session:
        set_status(session, "test-campaign", CampaignStatus.PAUSED, now=services.clock.now())
    assert dispatcher.tick().claimed == 0
    with transaction(services.sessions) as session:
        set_status(session, "test-campaign", CampaignStatus.ACTIVE, now=services.clock.now())
    assert dispatcher.tick().placed == 3


def test_retries_by_outcome_then_advances_then_escalates(services, packs, dispatcher, fake, clock):
    make_campaign(services, packs)
    (person,) = insert_portfolio(services.engine, count=1, now=clock.now(), places=MA)
    _enrol(services)
    dispatcher.tick()
    (sms,) = _attempts(services)
    _finish(services, sms.id, status="failed", outcome="failed", at=clock.now())

    assert dispatcher.tick().planned == 1  # retry of the SMS after 1h
    assert _debt(services, person.debt_id).next_contact_at == clock.now() + timedelta(hours=1)
    clock.advance(timedelta(hours=1))
    assert dispatcher.tick().placed == 1
    second = _attempts(services)[-1]
    assert (second.channel, second.step_index) == ("sms", 0)
    _finish(services, second.id, status="failed", outcome="failed", at=clock.now())

    dispatcher.tick()  # max_attempts reached: next step (IVR) one day later
    debt = _debt(services, person.debt_id)
    assert (debt.step_index, debt.step_attempts) == (1, 0)
    assert debt.next_contact_at == clock.now() + timedelta(days=1)
    clock.advance(timedelta(days=1))
    assert dispatcher.tick().placed == 1
    call = _attempts(services)[-1]
    assert call.channel == "call"
    assert fake.placed[-1].machine_detection
    assert fake.placed[-1].answer_url == f"{BASE_URL}/twilio/voice/answer?attempt={call.id}"
    _finish(services, call.id, status="completed", outcome="conversation", at=clock.now())

    dispatcher.tick()  # conversation: no retry, advance to escalation after 2 days
    clock.advance(timedelta(days=2))
    dispatcher.tick()
    debt = _debt(services, person.debt_id)
    assert debt.stage == "escalated_agency"
    assert debt.next_contact_at is None
    assert len(_attempts(services)) == 3


def test_invalid_number_is_learned_and_not_placed(services, packs, dispatcher, fake, clock):
    make_campaign(services, packs)
    (person,) = insert_portfolio(services.engine, count=1, now=services.clock.now(), places=MA)
    _enrol(services)
    fake.fail_number(person.number, InvalidNumberError(21211, 400, "invalid To"))

    report = dispatcher.tick()

    assert report.refused == 1
    (attempt,) = _attempts(services)
    assert (attempt.status, attempt.outcome, attempt.error_code) == ("not_placed", "failed", 21211)
    with transaction(services.sessions) as session:
        assert session.get(Phone, person.consumer_id).status == "invalid"
    dispatcher.tick()  # re-planned: the step's retry rule for "failed" is 1h
    clock.advance(timedelta(hours=1))
    dispatcher.tick()  # no usable phone is left, so automated contact stops
    debt = _debt(services, person.debt_id)
    assert debt.next_contact_at is None
    assert "no_usable_phone" in debt.last_decision


def test_rate_limited_create_is_released_and_retried_later(
    services, packs, dispatcher, fake, clock
):
    make_campaign(services, packs)
    (person,) = insert_portfolio(services.engine, count=1, now=clock.now(), places=MA)
    _enrol(services)
    fake.fail_next("send_sms", RetryableTelephonyError(20429, 429, "Too Many Requests"))
    dispatcher.pacer.back_off = lambda seconds: None  # keep the test instant

    assert dispatcher.tick().released == 1
    debt = _debt(services, person.debt_id)
    assert debt.step_attempts == 0
    assert debt.next_contact_at > clock.now()
    clock.set(debt.next_contact_at)
    assert dispatcher.tick().placed == 1
    assert [a.status for a in _attempts(services)] == ["not_placed", "queued"]
    assert _debt(services, person.debt_id).step_attempts == 1


def test_concurrent_call_cap_holds_new_calls_until_a_line_frees(
    services, packs, dispatcher, fake, monkeypatch
):
    make_campaign(services, packs, steps=[{"kind": "ivr", "script": "reminder_ivr"}])
    insert_portfolio(services.engine, count=3, now=services.clock.now(), places=MA)
    _enrol(services)
    dispatcher.pacer.config = replace(dispatcher.pacer.config, max_concurrent_calls=2)
    monkeypatch.setattr(place_module, "PACING_TIMEOUT", 0.3)

    report = dispatcher.tick()

    assert (report.placed, report.released) == (2, 1)  # the third waited, then went back
    assert len(fake.placed) == 2
    with transaction(services.sessions) as session:
        assert place_module.calls_in_flight(session) == 2


def test_two_workers_never_exceed_the_concurrent_call_cap_together(
    services, packs, dispatcher, fake, monkeypatch
):
    """Two workers tick at once against a cap of one line: counting and starting a call is
    serialized across processes, so both cannot see the line free and take it."""
    make_campaign(services, packs, steps=[{"kind": "ivr", "script": "reminder_ivr"}])
    insert_portfolio(services.engine, count=8, now=services.clock.now(), places=MA)
    _enrol(services)
    monkeypatch.setattr(place_module, "PACING_TIMEOUT", 0.6)
    count = place_module.calls_in_flight

    def slow_count(session):  # widen the gap between counting the lines and taking one
        found = count(session)
        time.sleep(0.05)
        return found

    monkeypatch.setattr(place_module, "calls_in_flight", slow_count)
    dispatcher.pacer.config = replace(dispatcher.pacer.config, max_concurrent_calls=1)
    workers = [replace(dispatcher, batch_size=4) for _ in range(2)]  # two claims of 4 debts
    reports = []
    threads = [threading.Thread(target=lambda w=w: reports.append(w.tick())) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(r.placed for r in reports) == 1
    assert len(fake.placed) == 1
    with transaction(services.sessions) as session:
        assert place_module.calls_in_flight(session) == 1


def test_a_text_is_sent_only_if_it_is_lawful_until_twilio_would_drop_it(
    services, packs, dispatcher, fake, clock
):
    """Boston, 20:52: a call could still go out, but a text could sit in Twilio's queue until
    21:02 (its validity): it waits for the morning instead."""
    make_campaign(services, packs)
    (person,) = insert_portfolio(services.engine, count=1, now=clock.now(), places=MA)
    clock.advance(datetime(2026, 3, 18, 0, 52, tzinfo=UTC) - clock.now())  # 20:52 in Boston
    assert _enrol(services) == 1

    report = dispatcher.tick()

    assert (report.placed, report.blocked, fake.sent) == (0, 1, [])
    assert report.reasons == {"outside_hours": 1}
    morning = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)  # 08:00 in Boston
    assert _debt(services, person.debt_id).next_contact_at == morning

    clock.advance(morning - clock.now())
    assert dispatcher.tick().placed == 1
    assert [m.message.to for m in fake.sent] == [person.number]
