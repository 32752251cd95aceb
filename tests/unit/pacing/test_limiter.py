"""The pacer: never more than the rate in any one-second window; blocks until a slot."""

from __future__ import annotations

import time
import uuid

from dialer.pacing import Pacer, PacingConfig, rate_item
from dialer.vocabulary import Channel


def max_in_window(stamps, window=1.0):
    ordered, best, low = sorted(stamps), 0, 0
    for high, moment in enumerate(ordered):
        while ordered[low] <= moment - window:
            low += 1
        best = max(best, high - low + 1)
    return best


def pacer(cps=20.0, sms=2.0):
    return Pacer(
        PacingConfig(calls_per_second=cps, sms_per_second=sms, namespace=uuid.uuid4().hex),
        account="AC1",
    )


def test_no_one_second_window_exceeds_the_rate():
    limiter = pacer(cps=20)
    start = time.monotonic()
    stamps = []
    while len(stamps) < 50:
        assert limiter.acquire(Channel.CALL, sender="+1", timeout=5) is not None
        stamps.append(limiter.last_grant)  # when the window granted it (not when we noticed)
    assert max_in_window(stamps) <= 20
    assert 2.0 <= stamps[-1] - start < 3.0  # 50 at 20/s: two full windows, then ten more


def test_sms_is_paced_per_sender():
    limiter = pacer(sms=2)
    assert limiter.try_acquire(Channel.SMS, sender="+1A")
    assert limiter.try_acquire(Channel.SMS, sender="+1A")
    assert not limiter.try_acquire(Channel.SMS, sender="+1A")
    assert limiter.try_acquire(Channel.SMS, sender="+1B")


def test_acquire_gives_up_at_the_deadline_and_back_off_pauses():
    limiter = pacer(cps=1)
    assert limiter.acquire(Channel.CALL, sender="x", timeout=0.1) is not None
    assert limiter.acquire(Channel.CALL, sender="x", timeout=0.1) is None
    other = pacer(cps=100)
    other.back_off(0.3)
    assert not other.try_acquire(Channel.CALL, sender="x")
    assert other.acquire(Channel.CALL, sender="x", timeout=1) >= 0.2


def test_rates_below_one_per_second():
    item = rate_item(0.5, namespace="n")
    assert (item.amount, item.get_expiry()) == (1, 2)


def _arrivals(margin: float) -> list[float]:
    """15 texts from one sender at 5/s on a fake clock; each create reaches the provider 0.13 s
    after its grant, except every sixth, which arrives at once (the jitter measured in the
    fault runs): when the provider counts them."""
    now = [0.0]
    limiter = Pacer(
        PacingConfig(sms_per_second=5, namespace=uuid.uuid4().hex, transit_margin=margin),
        account="AC1",
        monotonic=lambda: now[0],
        sleep=lambda seconds: now.__setitem__(0, now[0] + seconds),
    )
    arrivals = []
    for index in range(15):
        assert limiter.acquire(Channel.SMS, sender="+1", timeout=5) is not None
        arrivals.append(now[0] + (0.0 if index % 5 == 0 else 0.13))
    return arrivals


def test_the_margin_keeps_the_providers_count_within_the_rate_despite_transit_jitter():
    """The provider counts a create when it arrives: granted exactly 5 per second, a slow
    create followed a second later by a quick one lands 6 in one second at the provider."""
    assert max_in_window(_arrivals(0.0)) > 5
    assert max_in_window(_arrivals(0.15)) <= 5
