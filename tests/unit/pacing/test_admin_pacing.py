"""Admin pacing limits: only lower the account's rate, global scope only, applied at once."""

from __future__ import annotations

import uuid

import pytest

from dialer.errors import InputError
from dialer.pacing import Pacer, PacingConfig, PacingLimits, check_pacing, pacing_from_dict
from dialer.vocabulary import Channel


class Ticking:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def pacer(clock: Ticking, *, cps: float = 10.0, cap: int | None = None) -> Pacer:
    config = PacingConfig(
        calls_per_second=cps, max_concurrent_calls=cap, namespace=uuid.uuid4().hex
    )
    return Pacer(config, account="AC1", monotonic=clock, sleep=lambda seconds: None)


def grants(limiter: Pacer, tries: int = 50) -> int:
    return sum(limiter.try_acquire(Channel.CALL, sender="+1") for _ in range(tries))


def test_a_rate_above_the_accounts_is_refused_naming_both_numbers() -> None:
    with pytest.raises(InputError) as refused:
        check_pacing({"calls_per_second": 12}, scope="global", account_calls_per_second=10)
    assert "12" in str(refused.value)
    assert "10" in str(refused.value)
    assert "DIALER_CALLS_PER_SECOND" in str(refused.value)
    allowed = check_pacing({"calls_per_second": 2.5}, scope="global", account_calls_per_second=10)
    assert allowed == PacingLimits(calls_per_second=2.5)


@pytest.mark.parametrize("scope", ["state", "campaign"])
def test_pacing_outside_the_global_scope_is_refused(scope: str) -> None:
    with pytest.raises(InputError, match=f"global scope, not in a {scope} scope"):
        check_pacing({"max_concurrent_calls": 5}, scope=scope, account_calls_per_second=10)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"calls_per_second": 0}, "above 0"),
        ({"calls_per_second": -1.5}, "above 0"),
        ({"calls_per_second": "fast"}, "a number"),
        ({"max_concurrent_calls": 0}, ">= 1"),
        ({"max_concurrent_calls": 2.5}, ">= 1"),
        ({"max_concurrent_calls": True}, ">= 1"),
    ],
)
def test_bad_pacing_values_are_refused(data: dict[str, object], words: str) -> None:
    with pytest.raises(InputError, match=words):
        pacing_from_dict(data)


def test_lowering_the_rate_applies_at_once_and_old_grants_still_count() -> None:
    clock = Ticking()
    limiter = pacer(clock, cps=10)
    assert grants(limiter) == 10
    clock.now += 1.0
    assert grants(limiter, tries=5) == 5  # five at the account's rate ...
    assert limiter.apply_admin(PacingLimits(calls_per_second=2))
    clock.now += 0.5
    assert grants(limiter) == 0  # ... still fill the lower rate's window: no burst
    clock.now += 0.6
    assert grants(limiter) == 2
    clock.now += 1.0
    assert grants(limiter) == 2
    assert limiter.apply_admin(PacingLimits()) is True  # the admin limit removed
    clock.now += 1.0
    assert grants(limiter) == 10


def test_an_admin_cannot_raise_the_rate_or_cap_above_the_accounts() -> None:
    clock = Ticking()
    limiter = pacer(clock, cps=4, cap=20)
    limiter.apply_admin(PacingLimits(calls_per_second=50, max_concurrent_calls=30))
    assert (limiter.config.calls_per_second, limiter.config.max_concurrent_calls) == (4, 20)
    assert grants(limiter) == 4
    assert limiter.apply_admin(PacingLimits(max_concurrent_calls=3))
    assert limiter.config.max_concurrent_calls == 3
    assert limiter.apply_admin(PacingLimits(max_concurrent_calls=3)) is False  # unchanged


def test_acquire_waits_at_the_lowered_rate() -> None:
    clock = Ticking()
    limiter = Pacer(
        PacingConfig(calls_per_second=20, namespace=uuid.uuid4().hex),
        account="AC1",
        monotonic=clock,
        sleep=lambda seconds: setattr(clock, "now", clock.now + seconds),
    )
    limiter.apply_admin(PacingLimits(calls_per_second=0.5))  # one call every two seconds
    start = clock.now
    for _ in range(3):
        assert limiter.acquire(Channel.CALL, sender="+1", timeout=10) is not None
    assert 4.0 <= clock.now - start < 4.2
