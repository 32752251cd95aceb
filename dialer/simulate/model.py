"""The simulator's outcome model: what happens when a call is placed or an SMS is sent.

Seeded and in process; the probabilities are plain fields so a run can be reproduced and
varied. Draws use one `random.Random` per case, so two runs with different limits see the same
consumer behave the same way for the same sequence of contacts (a fair comparison).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from dialer.vocabulary import Outcome


@dataclass(frozen=True, slots=True)
class OutcomeModel:
    answer_rate: float = 0.45  # of placed calls
    machine_share: float = 0.35  # of answered calls: voicemail
    wrong_party_rate: float = 0.03  # of human answers
    busy_rate: float = 0.08
    failed_rate: float = 0.02  # the rest of the unanswered calls ring out (no answer)
    promise_rate: float = 0.30  # of right-party conversations
    dispute_rate: float = 0.04  # of right-party conversations
    cease_rate: float = 0.01  # of right-party conversations
    sms_delivered_rate: float = 0.95
    sms_stop_rate: float = 0.03  # of delivered SMS: the consumer replies STOP
    ring_seconds: int = 25
    talk_seconds: int = 150


@dataclass(frozen=True, slots=True)
class CallResult:
    outcome: Outcome
    duration: timedelta
    promise: bool = False
    dispute: bool = False
    cease: bool = False


@dataclass(frozen=True, slots=True)
class SmsResult:
    outcome: Outcome
    stop_reply: bool = False


def draw_call(model: OutcomeModel, rng: random.Random) -> CallResult:
    """One call: answered by a person or a machine, busy, failed or no answer."""
    roll = rng.random()
    ring = timedelta(seconds=model.ring_seconds)
    if roll < model.answer_rate:
        if rng.random() < model.machine_share:
            return CallResult(Outcome.VOICEMAIL, ring + timedelta(seconds=30))
        if rng.random() < model.wrong_party_rate:
            return CallResult(Outcome.WRONG_PARTY, ring + timedelta(seconds=20))
        talk = ring + timedelta(seconds=model.talk_seconds)
        result = rng.random()
        return CallResult(
            Outcome.CONVERSATION,
            talk,
            promise=result < model.promise_rate,
            dispute=model.promise_rate <= result < model.promise_rate + model.dispute_rate,
            cease=model.promise_rate + model.dispute_rate
            <= result
            < model.promise_rate + model.dispute_rate + model.cease_rate,
        )
    roll -= model.answer_rate
    if roll < model.busy_rate:
        return CallResult(Outcome.BUSY, timedelta(seconds=5))
    if roll < model.busy_rate + model.failed_rate:
        return CallResult(Outcome.FAILED, timedelta(seconds=2))
    return CallResult(Outcome.NO_ANSWER, ring)


def draw_sms(model: OutcomeModel, rng: random.Random) -> SmsResult:
    if rng.random() >= model.sms_delivered_rate:
        return SmsResult(Outcome.UNDELIVERED)
    return SmsResult(Outcome.DELIVERED, stop_reply=rng.random() < model.sms_stop_rate)
