"""What a simulated shard keeps: its pacing capacity, each case's state, the attempts it made,
and the history window the live dispatcher loads (the engine sees the same)."""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from operator import attrgetter

from dialer.campaigns.planner import LatestAttempt
from dialer.cases.facts import HISTORY_DAYS
from dialer.compliance import ConsumerFacts, HistoryEntry, ProposedContact
from dialer.simulate.figures import Figures
from dialer.vocabulary import Outcome

HISTORY_WINDOW = timedelta(days=HISTORY_DAYS)  # what the live dispatcher loads, too
_AT = attrgetter("at")
# The status a call or text with this outcome ends in (what the planner reads).
STATUS_OF = {
    Outcome.CONVERSATION: "completed", Outcome.VOICEMAIL: "completed",
    Outcome.WRONG_PARTY: "completed", Outcome.NO_ANSWER: "no_answer", Outcome.BUSY: "busy",
    Outcome.FAILED: "failed", Outcome.DELIVERED: "delivered", Outcome.UNDELIVERED: "undelivered",
    Outcome.ABANDONED: "completed",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Capacity:
    calls_per_second: float = 5.0
    sms_per_second: float = 10.0
    agents: int = 20  # bridged agent calls per 5-minute step


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    case: int
    at: datetime
    proposed: ProposedContact
    ended: datetime | None = None  # when the call ended or the text's receipt came back


@dataclass
class CaseState:
    step_index: int = 0
    step_attempts: int = 0
    latest: LatestAttempt | None = None
    rng: random.Random | None = None
    versions: list[tuple[datetime, ConsumerFacts]] = field(default_factory=list)


@dataclass
class ShardResult:
    figures: Figures
    attempts: list[AttemptRecord]


def recent_history(history: list[HistoryEntry], now: datetime) -> list[HistoryEntry]:
    """The entries of the last `HISTORY_DAYS` (as the live dispatcher loads); oldest first."""
    since = now - HISTORY_WINDOW
    if not history or history[0].at >= since:
        return history
    return history[bisect.bisect_left(history, since, key=_AT) :]
