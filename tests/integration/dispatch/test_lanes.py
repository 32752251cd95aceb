"""Each channel at its own rate in one tick: a slow SMS lane does not hold up the calls."""

from __future__ import annotations

import uuid
from datetime import timedelta

import sqlalchemy as sa

from dialer.campaigns import enrol, get_campaign
from dialer.db.engine import transaction
from dialer.db.models import ContactAttempt, Debt
from dialer.pacing import Pacer, PacingConfig
from dialer.vocabulary import Channel
from tests.integration.dispatch.conftest import make_campaign
from tests.integration.dispatch.portfolio import insert_portfolio

MA = [("US", "MA", "617")]


def _portfolio(services, packs, *, sms: int, calls: int):
    """`sms` debts due on the SMS step, `calls` debts due on the IVR step (all due now)."""
    make_campaign(services, packs)
    people = insert_portfolio(
        services.engine, count=sms + calls, now=services.clock.now(), places=MA
    )
    with transaction(services.sessions) as session:
        enrol(session, get_campaign(session, "test-campaign"), now=services.clock.now())
        on_call_step = [p.debt_id for p in people[sms:]]
        session.execute(sa.update(Debt).where(Debt.id.in_(on_call_step)).values(step_index=1))
    return people


def _slow_sms_pacer(dispatcher, *, calls_per_second, sms_per_second):
    """A pacer whose window clock moves only when it sleeps: a tick takes no time on it, so
    "the same second" does not depend on how fast this machine evaluates the debts."""
    moment = [1000.0]

    def sleep(seconds: float) -> None:
        moment[0] += seconds

    dispatcher.pacer = Pacer(
        PacingConfig(
            calls_per_second=calls_per_second,
            sms_per_second=sms_per_second,
            namespace=f"t-{uuid.uuid4().hex[:8]}",
        ),
        account="AC-test",
        sleep=sleep,
        monotonic=lambda: moment[0],
    )


def test_calls_run_at_their_rate_while_sms_wait_for_theirs(services, packs, dispatcher, fake):
    people = _portfolio(services, packs, sms=8, calls=8)
    _slow_sms_pacer(dispatcher, calls_per_second=5, sms_per_second=1)

    report = dispatcher.tick()

    assert report.claimed == 16
    assert (len(fake.placed), len(fake.sent)) == (5, 1)  # each lane filled, none overfilled
    assert (report.placed, report.deferred, report.released) == (6, 10, 0)
    # Nobody waited for the SMS lane: a tick that waited for its next slot would have sent a
    # second text (seven were due at 1/s); the seven are deferred instead.
    with transaction(services.sessions) as session:
        attempts = list(session.scalars(sa.select(ContactAttempt)))
        debts = {d.id: d for d in session.scalars(sa.select(Debt))}
    assert len(attempts) == 6  # a deferred contact leaves no attempt row behind
    contacted = {a.debt_id for a in attempts}
    waiting = [debts[p.debt_id] for p in people if p.debt_id not in contacted]
    assert len(waiting) == 10
    assert all(d.next_contact_at == services.clock.now() for d in waiting)  # due again now
    assert all(d.step_attempts == 0 for d in waiting)

    again = dispatcher.tick()  # within the same second: both lanes used are still full

    # The claim takes first the steps whose lane has room: the call lane has none, the SMS
    # step may still use the campaign's other sender (+1310), so only the seven texts are
    # claimed; their sender (+1617, local presence) is full, so they are deferred again.
    assert (again.claimed, again.placed, again.deferred) == (7, 0, 7)
    assert (len(fake.placed), len(fake.sent)) == (5, 1)


def test_a_saturated_sms_lane_leaves_the_call_lane_its_full_rate(services, packs, dispatcher, fake):
    _portfolio(services, packs, sms=10, calls=10)
    _slow_sms_pacer(dispatcher, calls_per_second=1000, sms_per_second=1)

    report = dispatcher.tick()

    assert len(fake.placed) == 10  # every due call, at once
    assert len(fake.sent) == 1
    assert (report.placed, report.deferred) == (11, 9)


def test_a_tick_paced_through_the_database_reserves_and_places(services, packs, dispatcher, fake):
    """Without Redis the lanes are read while the reservation holds SQLite's write lock: the
    read must not wait for that lock (it did, and every tick failed after the busy timeout)."""
    _portfolio(services, packs, sms=2, calls=2)
    dispatcher.pacer = Pacer(
        PacingConfig(calls_per_second=5, sms_per_second=5, namespace=f"t-{uuid.uuid4().hex[:8]}"),
        account="AC-test",
        database=services.engine,
    )
    assert dispatcher.pacer.shared == "database"
    try:
        report = dispatcher.tick()
    finally:
        dispatcher.pacer.clear()
    assert report.claimed == 4
    assert len(fake.placed) + len(fake.sent) == report.placed > 0


def test_a_full_sms_lane_does_not_hide_the_calls_due_behind_it(services, packs, dispatcher, fake):
    """Forty texts due first, then ten calls, a batch of ten: with the SMS lane full, the
    claim takes the calls (their lane has room) instead of the oldest due texts."""
    people = _portfolio(services, packs, sms=40, calls=10)
    with transaction(services.sessions) as session:  # the texts were due before the calls
        texts = [p.debt_id for p in people[:40]]
        earlier = services.clock.now() - timedelta(minutes=5)
        session.execute(sa.update(Debt).where(Debt.id.in_(texts)).values(next_contact_at=earlier))
    _slow_sms_pacer(dispatcher, calls_per_second=100, sms_per_second=1)
    for sender in ("+16175550199", "+13105550199"):
        assert dispatcher.pacer.try_acquire(Channel.SMS, sender=sender)  # both senders full
    dispatcher.batch_size = 10

    report = dispatcher.tick()

    assert (report.claimed, report.placed, len(fake.placed), len(fake.sent)) == (10, 10, 10, 0)
