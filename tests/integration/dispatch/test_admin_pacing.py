"""An admin's pacing limits (calls per second, concurrent calls) apply from the next tick."""

from __future__ import annotations

import importlib
import time
import uuid

import pytest

from dialer.admin.contact_limits import current_limits, current_pacing, save_limits
from dialer.campaigns import enrol, get_campaign
from dialer.db.engine import transaction
from dialer.errors import InputError
from dialer.pacing import Pacer, PacingConfig, PacingLimits
from dialer.vocabulary import Channel
from tests.databases import redis_test_url
from tests.integration.dispatch.conftest import make_campaign
from tests.integration.dispatch.portfolio import insert_portfolio

MA = [("US", "MA", "617")]
ACCOUNT_CPS = 10.0
place_module = importlib.import_module("dialer.dispatch.place")


class Ticking:
    """The pacer's monotonic clock, moved by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _calls_due(services, packs, count):
    make_campaign(services, packs, steps=[{"kind": "ivr", "script": "reminder_ivr"}])
    insert_portfolio(services.engine, count=count, now=services.clock.now(), places=MA)
    with transaction(services.sessions) as session:
        enrol(session, get_campaign(session, "test-campaign"), now=services.clock.now())


def _paced(dispatcher, ticking):
    dispatcher.pacer = Pacer(
        PacingConfig(calls_per_second=ACCOUNT_CPS, namespace=f"t-{uuid.uuid4().hex[:8]}"),
        account="AC-test",
        monotonic=ticking,
    )


def _save(services, packs, limits, *, scope="global", key=""):
    with transaction(services.sessions) as session:
        return save_limits(
            session,
            scope=scope,
            scope_key=key,
            limits=limits,
            actor="alice",
            reason="test",
            packs=packs,
            now=services.clock.now(),
            account_calls_per_second=ACCOUNT_CPS,
        )


def test_a_lower_call_rate_saved_by_an_admin_applies_from_the_next_tick(
    services, packs, dispatcher, fake
):
    _calls_due(services, packs, 30)
    ticking = Ticking()
    _paced(dispatcher, ticking)

    first = dispatcher.tick()
    assert (first.placed, first.deferred) == (10, 20)  # the account's 10 per second

    _save(services, packs, {"calls_per_second": 2, "max_calls_per_day": 3})
    ticking.now += 1.0  # the window has moved on: at the old rate ten more would go
    second = dispatcher.tick()
    assert (second.placed, second.deferred) == (2, 18)
    ticking.now += 1.0
    assert dispatcher.tick().placed == 2
    assert len(fake.placed) == 14
    assert dispatcher.pacer.config.calls_per_second == 2

    _save(services, packs, {"max_calls_per_day": 3})  # the admin limit lifted
    ticking.now += 1.0
    assert dispatcher.tick().placed == 10


def test_pacing_limits_are_kept_apart_from_the_contact_limits(services, packs):
    _save(
        services, packs, {"calls_per_second": 2.5, "max_concurrent_calls": 4, "max_sms_per_day": 2}
    )
    with transaction(services.sessions) as session:
        assert current_pacing(session) == PacingLimits(calls_per_second=2.5, max_concurrent_calls=4)
        engine_limits = current_limits(session, campaign_id=None, state="US-MA")
    assert engine_limits.max_sms_per_day == 2
    assert not hasattr(engine_limits, "calls_per_second")


def test_an_admin_concurrency_cap_holds_calls_from_the_next_tick(
    services, packs, dispatcher, fake, monkeypatch
):
    _calls_due(services, packs, 6)
    monkeypatch.setattr(place_module, "PACING_TIMEOUT", 0.0)
    _save(services, packs, {"max_concurrent_calls": 4})

    report = dispatcher.tick()

    assert (report.placed, report.released) == (4, 2)
    assert len(fake.placed) == 4
    with transaction(services.sessions) as session:
        assert place_module.calls_in_flight(session) == 4


def test_a_rate_above_the_accounts_and_pacing_in_a_state_scope_are_refused(services, packs):
    with pytest.raises(InputError) as above:
        _save(services, packs, {"calls_per_second": 25})
    assert "25" in str(above.value)
    assert "10" in str(above.value)
    with pytest.raises(InputError, match="global scope"):
        _save(services, packs, {"max_concurrent_calls": 3}, scope="state", key="US-MA")
    with transaction(services.sessions) as session:
        assert current_pacing(session) == PacingLimits()


BACKENDS = ["memory"] + (["redis"] if redis_test_url() else [])


@pytest.mark.parametrize("backend", BACKENDS)
def test_processes_sharing_an_account_keep_the_lower_rate_across_a_change(backend):
    """Two pacers of one account: the rate travels with each hit, so the shared window still
    holds the grants made at the old rate when one of them lowers it."""
    config = PacingConfig(
        calls_per_second=ACCOUNT_CPS,
        storage_url=redis_test_url() if backend == "redis" else None,
        namespace=f"t-{uuid.uuid4().hex[:8]}",
    )
    first = Pacer(config, account="AC-shared")
    second = first if backend == "memory" else Pacer(config, account="AC-shared")
    try:
        taken = sum(first.try_acquire(Channel.CALL, sender="x") for _ in range(15))
        assert taken == 10
        second.apply_admin(PacingLimits(calls_per_second=2))
        assert not second.try_acquire(Channel.CALL, sender="x")  # ten already in the window
        time.sleep(1.05)
        first.apply_admin(PacingLimits(calls_per_second=2))
        granted = [p.try_acquire(Channel.CALL, sender="x") for p in (first, second) * 3]
        assert sum(granted) == 2
    finally:
        first.clear()
