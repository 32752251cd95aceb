"""An agent's call covers the person, not the claimed debt: an agent step's call (progressive
or dialled from preview) and a manual call are about every debt of the consumer that is due on
a call and allowed, written against each (so each debt's caps count it); a debt under dispute
is left out."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from dialer.agents import preview
from dialer.agents.manual_call import reserve_manual_call
from dialer.cases.facts import debt_key, load_history
from dialer.db.engine import transaction
from dialer.db.models import AttemptDebt, ConsumerFlagRecord, ContactAttempt, Debt, User
from dialer.dispatch.place import place
from dialer.vocabulary import ConsumerFlag
from tests.integration.dispatch.conftest import BASE_URL, make_campaign
from tests.integration.dispatch.test_agent_steps import AGENT_STEP, PREVIEW_STEP, _agent
from tests.integration.dispatch.test_person import _debts_of, _enrol, _people_with_debts

IVR_STEP = [{"kind": "ivr", "script": "reminder_ivr", "max_attempts": 2}]


def _dispute(services, person, debt_id: int) -> None:
    with transaction(services.sessions) as session:
        session.add(
            ConsumerFlagRecord(
                consumer_id=person.consumer_id,
                debt_id=debt_id,
                flag=ConsumerFlag.DISPUTE_PENDING.value,
                source="test",
                learned_at=services.clock.now(),
            )
        )


def _covered(services, attempt_id: int) -> set[int]:
    with transaction(services.sessions) as session:
        return set(
            session.scalars(
                sa.select(AttemptDebt.debt_id).where(AttemptDebt.attempt_id == attempt_id)
            )
        )


def _counted(services, person) -> set[str]:
    """The debts the person's one contact counts against (the engine's history)."""
    with transaction(services.sessions) as session:
        since = services.clock.now() - timedelta(days=1)
        (entry,) = load_history(session, person.consumer_id, since=since)
    return set(entry.debts)


def test_an_agent_step_call_covers_every_due_debt_of_the_person(services, packs, dispatcher, fake):
    _agent(services, "a1", "+16175550901")
    make_campaign(services, packs, steps=AGENT_STEP)
    (person,) = _people_with_debts(services, count=1, debts=3)
    _enrol(services)
    first, second, disputed = _debts_of(services, person.consumer_id)
    _dispute(services, person, disputed.id)

    assert dispatcher.tick().placed == 1

    assert len(fake.placed) == 1  # one call for the person, not one per debt
    with transaction(services.sessions) as session:
        (attempt,) = session.scalars(sa.select(ContactAttempt)).all()
    assert _covered(services, attempt.id) == {first.id, second.id}
    assert _counted(services, person) == {debt_key(first.id), debt_key(second.id)}
    debts = _debts_of(services, person.consumer_id)
    assert [d.step_attempts for d in debts] == [1, 1, 0]


def test_a_previewed_call_covers_the_persons_due_debts_when_the_agent_dials(
    services, packs, dispatcher, fake
):
    agent_id = _agent(services, "a1", "+16175550901")
    make_campaign(services, packs, steps=PREVIEW_STEP)
    (person,) = _people_with_debts(services, count=1, debts=2)
    _enrol(services)
    debts = _debts_of(services, person.consumer_id)
    dispatcher.tick()
    with transaction(services.sessions) as session:
        (waiting,) = session.scalars(sa.select(ContactAttempt)).all()
    assert _covered(services, waiting.id) == {d.id for d in debts}  # the desk shows both

    with transaction(services.sessions) as session:
        reservation = preview.call_previewed(
            session, agent_id=agent_id, now=services.clock.now(), packs=packs
        )
    placement = place(
        reservation,
        sessions=services.sessions,
        telephony=fake,
        pacer=dispatcher.pacer,
        base_url=BASE_URL,
        clock=services.clock,
    )

    assert placement.result == "placed"
    assert len(fake.placed) == 1
    assert _covered(services, reservation.attempt_id) == {d.id for d in debts}
    assert _counted(services, person) == {debt_key(d.id) for d in debts}
    assert [d.step_attempts for d in _debts_of(services, person.consumer_id)] == [1, 1]


def test_a_manual_call_covers_every_due_debt_of_the_person(services, packs, fake):
    agent_id = _agent(services, "a1", "+16175550901")
    make_campaign(services, packs, steps=IVR_STEP)
    (person,) = _people_with_debts(services, count=1, debts=3)
    _enrol(services)
    first, second, disputed = _debts_of(services, person.consumer_id)
    _dispute(services, person, disputed.id)

    with transaction(services.sessions) as session:
        reservation = reserve_manual_call(
            session,
            debt_id=first.id,
            agent_id=agent_id,
            actor="a1",
            now=services.clock.now(),
            packs=packs,
        )

    assert set(reservation.debt_ids) == {first.id, second.id}
    assert _covered(services, reservation.attempt_id) == {first.id, second.id}
    assert _counted(services, person) == {debt_key(first.id), debt_key(second.id)}
    # a call by hand is no campaign step try
    assert [d.step_attempts for d in _debts_of(services, person.consumer_id)] == [0, 0, 0]


def test_a_previewed_retry_still_covers_every_debt_on_its_last_try(
    services, packs, dispatcher, fake, clock
):
    """The preview counted as each debt's try; dialling it is that same try, so a debt on its
    last allowed try is still covered (not dropped as if it had used it up)."""
    agent_id = _agent(services, "a1", "+16175550901")
    retry = [{**PREVIEW_STEP[0], "max_attempts": 2, "retry": {"no_answer": "1h"}}]
    make_campaign(services, packs, steps=retry)
    (person,) = _people_with_debts(services, count=1, debts=2)
    _enrol(services)
    debts = _debts_of(services, person.consumer_id)

    def dial():
        dispatcher.tick()
        with transaction(services.sessions) as session:
            return preview.call_previewed(session, agent_id=agent_id, now=clock.now(), packs=packs)

    first = dial()
    with transaction(services.sessions) as session:  # nobody answered; the agent is free
        attempt = session.get(ContactAttempt, first.attempt_id)
        attempt.status, attempt.outcome, attempt.ended_at = "no_answer", "no_answer", clock.now()
        session.execute(sa.update(User).values(availability="available", current_attempt_id=None))
        session.execute(sa.update(Debt).values(next_contact_at=clock.now()))
    clock.advance(timedelta(hours=1, minutes=1))

    second = dial()

    assert set(second.debt_ids) == {d.id for d in debts}
    assert [d.step_attempts for d in _debts_of(services, person.consumer_id)] == [2, 2]
