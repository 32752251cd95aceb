"""The person is the unit: one contact in flight per consumer, one contact covering every due
debt (recorded against each), promises held and callbacks placed at the asked time."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from dialer.callbacks.replanning import mark_debt_for_replanning
from dialer.campaigns import enrol, get_campaign
from dialer.campaigns.definition import CampaignDefinition
from dialer.campaigns.planner import IN_FLIGHT_RECHECK, promise_resumes_at
from dialer.cases.dispositions import DispositionCode, DispositionInput, record_disposition
from dialer.cases.facts import debt_key, load_history
from dialer.cases.why_not_now import explain_case
from dialer.db.engine import transaction
from dialer.db.models import (
    AttemptDebt,
    CaseEvent,
    ConsumerFlagRecord,
    ContactAttempt,
    Debt,
    Phone,
    PromiseToPay,
    User,
)
from dialer.errors import InputError
from dialer.vocabulary import AgentAvailability, Channel, ConsumerFlag, Role
from tests.integration.dispatch.conftest import make_campaign
from tests.integration.dispatch.portfolio import insert_portfolio

MA = [("US", "MA", "617")]
CREDITORS = ("Acme Bank", "Beta Card", "Gamma Loans")


def _people_with_debts(services, *, count: int, debts: int):
    """`count` Massachusetts consumers, each with `debts` debts (different creditors)."""
    people = insert_portfolio(services.engine, count=count, now=services.clock.now(), places=MA)
    now = services.clock.now()
    with transaction(services.sessions) as session:
        for person in people:
            for extra in range(1, debts):
                session.add(
                    Debt(
                        external_ref=f"D{person.consumer_id:05d}-{extra}",
                        consumer_id=person.consumer_id,
                        creditor=CREDITORS[extra % len(CREDITORS)],
                        balance=Decimal(100 * extra),
                        currency="USD",
                        days_past_due=30,
                        stage="new",
                        jurisdiction="US-MA",
                        created_at=now,
                        updated_at=now,
                    )
                )
    return people


def _enrol(services):
    with transaction(services.sessions) as session:
        return enrol(session, get_campaign(session, "test-campaign"), now=services.clock.now())


def _debts_of(services, consumer_id):
    with transaction(services.sessions) as session:
        rows = session.scalars(sa.select(Debt).where(Debt.consumer_id == consumer_id))
        return sorted(rows, key=lambda d: d.id)


def _attempts(services):
    with transaction(services.sessions) as session:
        return list(session.scalars(sa.select(ContactAttempt).order_by(ContactAttempt.id)))


def test_one_text_covers_every_due_debt_and_counts_against_each(services, packs, dispatcher, fake):
    make_campaign(services, packs)
    (person,) = _people_with_debts(services, count=1, debts=3)
    assert _enrol(services) == 3

    dispatcher.tick()

    assert len(fake.sent) == 1  # not three texts in the same second
    body = fake.sent[0].message.body
    for creditor, balance in zip(CREDITORS, ("$250.00", "$100.00", "$200.00"), strict=True):
        assert creditor in body
        assert balance in body
    (attempt,) = _attempts(services)
    debts = _debts_of(services, person.consumer_id)
    with transaction(services.sessions) as session:
        covered = set(
            session.scalars(
                sa.select(AttemptDebt.debt_id).where(AttemptDebt.attempt_id == attempt.id)
            )
        )
        (entry,) = load_history(
            session, person.consumer_id, since=services.clock.now() - timedelta(days=1)
        )
    assert covered == {d.id for d in debts}
    assert set(entry.debts) == {debt_key(d.id) for d in debts}  # each debt's caps count it
    assert all(d.step_attempts == 1 for d in debts)
    assert debts[0].next_contact_at is None  # its webhooks replan it
    recheck = services.clock.now() + IN_FLIGHT_RECHECK  # the others look again, never lost
    assert all(d.next_contact_at == recheck for d in debts[1:])
    assert dispatcher.tick().placed == 0
    services.clock.advance(IN_FLIGHT_RECHECK)
    assert dispatcher.tick().placed == 0  # still in flight: nothing more for the person


def test_a_debt_under_dispute_is_left_out_of_the_shared_text(services, packs, dispatcher, fake):
    make_campaign(services, packs)
    (person,) = _people_with_debts(services, count=1, debts=2)
    _enrol(services)
    disputed = _debts_of(services, person.consumer_id)[1]
    with transaction(services.sessions) as session:
        session.add(
            ConsumerFlagRecord(
                consumer_id=person.consumer_id,
                debt_id=disputed.id,
                flag=ConsumerFlag.DISPUTE_PENDING.value,
                source="test",
                learned_at=services.clock.now(),
            )
        )

    dispatcher.tick()

    assert len(fake.sent) == 1
    assert "Acme Bank" in fake.sent[0].message.body
    assert disputed.creditor not in fake.sent[0].message.body
    (attempt,) = _attempts(services)
    with transaction(services.sessions) as session:
        covered = list(
            session.scalars(
                sa.select(AttemptDebt.debt_id).where(AttemptDebt.attempt_id == attempt.id)
            )
        )
    assert covered == [person.debt_id]


def test_while_a_contact_is_in_flight_no_other_debt_of_the_person_is_contacted(
    services, packs, dispatcher, fake, clock
):
    make_campaign(services, packs)
    (person,) = _people_with_debts(services, count=1, debts=2)
    _enrol(services)
    other = _debts_of(services, person.consumer_id)[1]
    with transaction(services.sessions) as session:  # the other debt is on the call step
        session.get(Debt, other.id).step_index = 1

    dispatcher.tick()
    clock.advance(IN_FLIGHT_RECHECK * 2)  # the text is still in flight (no delivery report)
    with transaction(services.sessions) as session:
        session.execute(sa.update(ContactAttempt).values(status="sending"))
    dispatcher.tick()

    assert (len(fake.sent), len(fake.placed)) == (1, 0)  # no call while the text is in flight
    waiting = _debts_of(services, person.consumer_id)[1]
    assert waiting.next_contact_at is not None  # not lost
    # the same answer "why not now" gives: which contact, to which number, since when
    assert waiting.last_decision.startswith("waiting: contact_in_flight: a text with this person")
    with transaction(services.sessions) as session:
        explained = explain_case(
            session,
            case_ref=waiting.external_ref,
            channel=Channel.CALL,
            at=clock.now(),
            packs=packs,
        )
    assert explained.reasons[0].code == "contact_in_flight"
    assert explained.reasons[0].message in waiting.last_decision


def test_two_workers_never_put_two_contacts_in_flight_for_one_person(
    services, packs, dispatcher, fake
):
    make_campaign(services, packs, steps=[{"kind": "ivr", "script": "reminder_ivr"}])
    _people_with_debts(services, count=6, debts=3)
    _enrol(services)
    workers = [replace(dispatcher, batch_size=5) for _ in range(3)]
    reports = []
    threads = [threading.Thread(target=lambda w=w: reports.append(w.tick())) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    per_number = Counter(call.call.to for call in fake.placed)
    assert per_number
    assert max(per_number.values()) == 1
    per_person = Counter(a.consumer_id for a in _attempts(services))
    assert max(per_person.values()) == 1


def test_a_promise_to_pay_holds_whatever_webhook_replans_the_debt(
    services, packs, dispatcher, fake, clock
):
    campaign = make_campaign(services, packs, promise_grace="3d")
    (person,) = insert_portfolio(services.engine, count=1, now=clock.now(), places=MA)
    _enrol(services)
    due = date(2026, 3, 20)
    with transaction(services.sessions) as session:
        session.add(
            PromiseToPay(
                debt_id=person.debt_id,
                amount=Decimal("50.00"),
                currency="USD",
                due_date=due,
                status="open",
                created_at=clock.now(),
            )
        )
        mark_debt_for_replanning(session, person.debt_id, clock.now())  # e.g. the call ended

    dispatcher.tick()

    resumes = promise_resumes_at(due, CampaignDefinition.model_validate(campaign.definition))
    assert resumes.date() == date(2026, 3, 24)  # the day after, plus three days of grace
    assert len(fake.sent) == 0
    assert _debts_of(services, person.consumer_id)[0].next_contact_at == resumes
    clock.set(resumes - timedelta(hours=1))
    with transaction(services.sessions) as session:
        mark_debt_for_replanning(session, person.debt_id, clock.now())
    dispatcher.tick()
    assert len(fake.sent) == 0  # a later replan does not undo it either

    clock.set(resumes + timedelta(minutes=1))
    dispatcher.tick()
    assert len(fake.sent) == 1  # the promise was broken: the strategy resumes
    with transaction(services.sessions) as session:
        promise = session.scalars(sa.select(PromiseToPay)).one()
        kinds = list(session.scalars(sa.select(CaseEvent.kind)))
    assert promise.status == "broken"
    assert "promise_broken" in kinds


def test_a_callback_is_that_call_at_the_asked_time(services, packs, dispatcher, fake, clock):
    make_campaign(services, packs)
    (person,) = insert_portfolio(services.engine, count=1, now=clock.now(), places=MA)
    _enrol(services)
    asked = clock.now() + timedelta(hours=2)
    with transaction(services.sessions) as session:
        session.get(Debt, person.debt_id).callback_at = asked

    dispatcher.tick()
    assert (len(fake.sent), len(fake.placed)) == (0, 0)  # not before the asked time
    assert _debts_of(services, person.consumer_id)[0].next_contact_at == asked

    clock.set(asked)
    dispatcher.tick()

    assert (len(fake.sent), len(fake.placed)) == (0, 1)  # a call, though the step is an SMS
    (attempt,) = _attempts(services)
    assert attempt.callback
    assert attempt.callback_at == asked
    debt = _debts_of(services, person.consumer_id)[0]
    assert debt.callback_at is None
    assert debt.step_attempts == 0


def test_the_next_debt_waits_for_the_gap_after_the_persons_last_contact(
    services, packs, dispatcher, fake, clock
):
    make_campaign(services, packs)
    (person,) = _people_with_debts(services, count=1, debts=2)
    _enrol(services)
    other = _debts_of(services, person.consumer_id)[1]
    with transaction(services.sessions) as session:  # the other debt is on the call step
        session.get(Debt, other.id).step_index = 1
    texted_at = clock.now()

    dispatcher.tick()
    with transaction(services.sessions) as session:  # the text was delivered
        session.execute(sa.update(ContactAttempt).values(status="delivered", outcome="delivered"))
    clock.advance(IN_FLIGHT_RECHECK * 2)
    dispatcher.tick()

    assert (len(fake.sent), len(fake.placed)) == (1, 0)
    waiting = _debts_of(services, person.consumer_id)[1]
    assert "contact_spacing" in (waiting.last_decision or "")
    assert waiting.next_contact_at == texted_at + timedelta(minutes=240)


def _live_call(services, person, clock):
    with transaction(services.sessions) as session:
        attempt = ContactAttempt(
            consumer_id=person.consumer_id,
            debt_id=person.debt_id,
            channel="call",
            direction="outbound",
            mode="automated",
            origin="dialer",
            to_number=person.number,
            from_number="+16175550199",
            campaign_id=session.get(Debt, person.debt_id).campaign_id,
            step_index=0,
            status="in_progress",
            attempted_at=clock.now(),
            updated_at=clock.now(),
        )
        session.add(attempt)
        session.flush()
        return attempt.id


def test_a_promise_recorded_on_a_live_call_survives_the_call_ended_webhook(
    services, packs, dispatcher, fake, clock
):
    campaign = make_campaign(services, packs)
    (person,) = insert_portfolio(services.engine, count=1, now=clock.now(), places=MA)
    _enrol(services)
    attempt_id = _live_call(services, person, clock)
    due = clock.now().date() + timedelta(days=5)
    with transaction(services.sessions) as session:
        record_disposition(
            session,
            debt_id=person.debt_id,
            entry=DispositionInput(
                code=DispositionCode.PROMISE_TO_PAY, amount=Decimal("50"), promised_date=due
            ),
            now=clock.now(),
            actor="ann",
            agent_id=None,
            packs=packs,
            attempt_id=attempt_id,
        )
    clock.advance(timedelta(minutes=3))
    with transaction(services.sessions) as session:  # what the call-ended webhook does
        attempt = session.get(ContactAttempt, attempt_id)
        attempt.status, attempt.outcome, attempt.ended_at = "completed", "conversation", clock.now()
        mark_debt_for_replanning(session, person.debt_id, clock.now())

    dispatcher.tick()

    resumes = promise_resumes_at(due, CampaignDefinition.model_validate(campaign.definition))
    assert (len(fake.sent), len(fake.placed)) == (0, 0)
    assert _debts_of(services, person.consumer_id)[0].next_contact_at == resumes


def test_a_callback_on_an_agent_step_rings_the_agent_first(
    services, packs, dispatcher, fake, clock
):
    """The call the consumer asked for goes through an agent, and like a manual call it
    rings the agent's phone first (no machine detection); the answer dials the consumer."""
    with transaction(services.sessions) as session:
        session.add(
            User(
                username="ines",
                display_name="Ines",
                role=Role.AGENT.value,
                phone_e164="+16175550177",
                created_at=clock.now(),
                availability=AgentAvailability.AVAILABLE.value,
                availability_changed_at=clock.now(),
            )
        )
    agent_step = {"kind": "agent", "script": "agent_bridge", "max_attempts": 1}
    make_campaign(services, packs, steps=[agent_step])
    (person,) = insert_portfolio(services.engine, count=1, now=clock.now(), places=MA)
    _enrol(services)
    asked = clock.now() + timedelta(hours=2)
    with transaction(services.sessions) as session:
        session.get(Debt, person.debt_id).callback_at = asked
    clock.set(asked)
    dispatcher.tick()

    (placed,) = fake.placed
    assert placed.call.to == "+16175550177"  # the agent's phone, not the consumer's
    assert (placed.amd_url, placed.machine_detection) == (None, False)
    (attempt,) = _attempts(services)
    assert (attempt.callback, attempt.to_number) == (True, person.number)
    assert attempt.agent_id is not None


def test_an_agent_callback_time_is_recorded_and_a_past_one_refused_with_the_next_lawful_time(
    services, packs, clock
):
    make_campaign(services, packs)
    (person,) = insert_portfolio(services.engine, count=1, now=clock.now(), places=MA)
    _enrol(services)
    attempt_id = _live_call(services, person, clock)

    def callback(local):
        with transaction(services.sessions) as session:
            record_disposition(
                session,
                debt_id=person.debt_id,
                entry=DispositionInput(code=DispositionCode.CALLBACK, callback_local=local),
                now=clock.now(),
                actor="ann",
                agent_id=None,
                packs=packs,
                attempt_id=attempt_id,
            )

    with pytest.raises(InputError, match=r"in the past\. The next lawful time is 2026-03-17"):
        callback(datetime(2026, 3, 17, 9, 0))  # clock: 11:00 in Boston
    with pytest.raises(InputError, match=r"not lawful.*next lawful time is 2026-03-18 08:00"):
        callback(datetime(2026, 3, 17, 22, 30))
    callback(datetime(2026, 3, 17, 16, 0))
    asked = datetime(2026, 3, 17, 20, 0, tzinfo=UTC)  # 16:00 EDT
    debt = _debts_of(services, person.consumer_id)[0]
    assert debt.callback_at == asked
    assert debt.next_contact_at == asked
    with transaction(services.sessions) as session:
        attempt = session.get(ContactAttempt, attempt_id)
        assert attempt.callback_at == asked
        assert attempt.callback_requested


def test_a_landline_only_debt_skips_the_sms_step_with_a_timeline_line(
    services, packs, dispatcher, fake
):
    make_campaign(services, packs)
    (person,) = insert_portfolio(
        services.engine, count=1, now=services.clock.now(), places=MA, consent=True
    )
    with transaction(services.sessions) as session:
        session.execute(sa.update(Phone).values(phone_type="landline", sms_capable=False))
    _enrol(services)

    report = dispatcher.tick()

    debt = _debts_of(services, person.consumer_id)[0]
    assert debt.step_index == 1  # not stuck on the SMS step for ever
    # The call step went ahead in the same tick (no trip round the queue behind other debts).
    assert (report.claimed, report.placed, len(fake.sent), len(fake.placed)) == (1, 1, 0, 1)
    with transaction(services.sessions) as session:
        lines = list(
            session.scalars(
                sa.select(CaseEvent.summary).where(CaseEvent.kind == "campaign_step_skipped")
            )
        )
    assert lines == ["Step 1 (sms) skipped: no number that can take it; next step 2"]


def test_the_end_of_a_shared_contact_moves_every_debt_it_covered_on(
    services, packs, dispatcher, fake, clock
):
    make_campaign(services, packs)
    (person,) = _people_with_debts(services, count=1, debts=3)
    _enrol(services)
    dispatcher.tick()
    (attempt,) = _attempts(services)
    clock.advance(timedelta(seconds=30))
    with transaction(services.sessions) as session:  # the delivery report: one debt named
        row = session.get(ContactAttempt, attempt.id)
        row.status, row.outcome, row.ended_at = "delivered", "delivered", clock.now()
        mark_debt_for_replanning(session, person.debt_id, clock.now())
    clock.advance(IN_FLIGHT_RECHECK)

    dispatcher.tick()

    debts = _debts_of(services, person.consumer_id)
    assert [d.step_index for d in debts] == [1, 1, 1]  # each moved to the call step
    assert {d.next_contact_at for d in debts} == {
        attempt.attempted_at + timedelta(days=1, seconds=30)
    }
