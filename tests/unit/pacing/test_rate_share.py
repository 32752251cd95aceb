"""The demo's share of the call rate counts only the seconds when calls were due."""

from __future__ import annotations

from dialer.demo.due import rate_share
from dialer.demo.report import pacing_summary


def test_seconds_with_nothing_due_and_no_call_are_left_out():
    # Due from 9.5 until the sample at 11.7 found nothing; due again at 12.9 until 14.1.
    samples = [(9.5, 3), (11.7, 0), (12.9, 2), (14.1, 0), (20.0, 0)]
    used = rate_share([10.1, 10.5, 11.2, 15.0], samples, cps=5)
    assert used.due_seconds == 6  # 9, 10, 11 (calls), 12, 13, and 15 (a call was created)
    assert used.calls == 4
    assert used.share == 4 / 30


def test_a_slow_sampler_still_counts_every_second_until_its_next_look():
    used = rate_share([], [(100.2, 1), (103.9, 0)], cps=2)
    assert used.due_seconds == 3  # 100, 101, 102: due at 100.2, nothing said otherwise before 103.9
    assert used.share == 0.0


def test_the_lane_used_to_the_full_is_a_share_of_one():
    creates = [s + k / 8 for s in range(10) for k in range(5)]  # exact binary fractions
    used = rate_share(creates, [(float(s), 10) for s in range(10)], cps=5)
    assert (used.due_seconds, used.calls, used.share) == (10, 50, 1.0)
    line = pacing_summary(creates, [(float(s), 10) for s in range(10)], 5)
    assert line == (
        "pacing: at most 5 call(s) created in any one second (limit 5); 100% of the call rate "
        "used in the 10 s when calls were due (50 calls)"
    )


def test_nothing_due_and_nothing_created_is_no_share_at_all():
    assert rate_share([], [], cps=5).share == 0.0
