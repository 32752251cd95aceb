"""The predictive pacing ratio: calls in flight = free agents x ratio, held under the cap.

Pure: plain numbers in, a decision out (no database, no clock). The model:
- a call in flight with no agent yet is *waiting*; when a live person answers it, it takes a
  free agent, or, with none free, it is abandoned;
- the ratio aims at one live answer per free agent: 1 / the campaign's recent live-answer rate,
  bounded by the step's `max_ratio` (and 1.0 until `min_sample` recent calls were seen);
- the cap (16 CFR 310.4(b)(4)(i): at most 3 % of live-answered calls abandoned, per campaign,
  over 30 days) is enforced by slowing down: the waiting calls beyond the free agents are the
  most that can still be abandoned, and they may never exceed the campaign's remaining budget
  `E` with (abandoned + E) / (live answered + E) <= cap. So even if every waiting call is
  answered by a person at once, the 30-day rate stays under the cap. As the rate nears the cap
  the budget shrinks and the ratio falls to 1.0: progressive (the agent is reserved before the
  call is placed); above the cap there is no budget and no predictive dialing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction

ABANDONMENT_CAP = Fraction(3, 100)  # 16 CFR 310.4(b)(4)(i): 3 % of live-answered calls
PROGRESSIVE = 1.0
RECENT = timedelta(hours=1)  # the answer-rate sample: the step's calls that ended lately


@dataclass(frozen=True, slots=True)
class PacingOptions:
    """A predictive step's options (the campaign schema validates them)."""

    max_ratio: float = 2.0  # calls in flight per free agent, at most
    abandonment_limit: Fraction = ABANDONMENT_CAP  # the campaign's own limit (<= the cap)
    min_sample: int = 20  # recent calls needed before the answer rate is trusted


@dataclass(frozen=True, slots=True)
class PacingState:
    """What the pacer reads: agents, calls in flight and the campaign's figures."""

    free_agents: int  # available agents with a phone, not on a call
    waiting_calls: int  # agent-step calls in flight with no agent yet (reserved to ringing)
    live_answered: int  # the campaign's live-answered calls, last 30 days
    abandoned: int  # of which abandoned
    recent_calls: int  # the campaign's recently ended agent-step calls (the sample)
    recent_live: int  # of which a live person answered


@dataclass(frozen=True, slots=True)
class Pacing:
    """The pacer's answer: the ratio in force and how many more calls may be placed now."""

    target_ratio: float  # from the answer rate alone
    ratio: float  # in force: the target, slowed down by the abandonment budget
    budget: int  # waiting calls beyond the free agents the cap still allows
    calls_to_place: int  # new calls now, on top of those in flight

    @property
    def is_predictive(self) -> bool:
        """Calls are placed without an agent reserved (one is found when a person answers);
        otherwise the step dials progressively: the agent first, then the call."""
        return self.ratio > PROGRESSIVE


def target_ratio(state: PacingState, options: PacingOptions) -> float:
    """1 / the recent live-answer rate, between 1.0 and max_ratio; 1.0 on too small a sample."""
    if state.recent_calls < max(options.min_sample, 1):
        return PROGRESSIVE
    if state.recent_live <= 0:
        return options.max_ratio
    return min(max(state.recent_calls / state.recent_live, PROGRESSIVE), options.max_ratio)


def abandonment_budget(*, live_answered: int, abandoned: int, limit: Fraction) -> int:
    """The most calls that may still be abandoned: the largest E >= 0 with
    (abandoned + E) / (live_answered + E) <= limit (exact arithmetic; 0 at or over it)."""
    if limit <= 0:
        return 0
    room = (limit * live_answered - abandoned) / (1 - limit)
    return max(0, math.floor(room))


def pace(state: PacingState, options: PacingOptions) -> Pacing:
    """How many agent-step calls to place now."""
    free = max(state.free_agents, 0)
    target = target_ratio(state, options)
    budget = abandonment_budget(
        live_answered=state.live_answered,
        abandoned=state.abandoned,
        limit=min(options.abandonment_limit, ABANDONMENT_CAP),
    )
    most = min(math.floor(free * target + 1e-9), free + budget)
    ratio = most / free if free and most > free else PROGRESSIVE
    return Pacing(
        target_ratio=target,
        ratio=ratio,
        budget=budget,
        calls_to_place=max(0, most - max(state.waiting_calls, 0)),
    )
