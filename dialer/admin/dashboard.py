"""Today's numbers for the supervisors' dashboard (read-only queries over the case record)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from dialer.cases.contact_check import consumer_zone
from dialer.db.models import CaseEvent, ContactAttempt, User
from dialer.vocabulary import AgentAvailability, Channel, Direction, Outcome, Role

PACING_BUCKET_MINUTES = 30
# An abandoned call reached a person but is no right-party contact: it counts only below.
REACHED = frozenset(
    {Outcome.CONVERSATION, Outcome.WRONG_PARTY, Outcome.VOICEMAIL, Outcome.ABANDONED}
)


@dataclass
class AgentLine:
    username: str
    availability: str
    calls: int
    talk_seconds: int


@dataclass
class Today:
    start: datetime
    calls_by_local_hour: Counter[int] = field(default_factory=Counter)
    call_outcomes: Counter[str] = field(default_factory=Counter)
    sms_outcomes: Counter[str] = field(default_factory=Counter)
    blocks_by_reason: Counter[str] = field(default_factory=Counter)
    agents_by_availability: Counter[str] = field(default_factory=Counter)
    agents: list[AgentLine] = field(default_factory=list)
    pacing: Counter[datetime] = field(default_factory=Counter)

    @property
    def right_party_rate(self) -> float | None:
        """Conversations with the consumer among calls that reached someone or something."""
        reached = sum(self.call_outcomes[o] for o in REACHED)
        return None if reached == 0 else self.call_outcomes[Outcome.CONVERSATION] / reached

    @property
    def sms_delivery_rate(self) -> float | None:
        settled = sum(self.sms_outcomes[o] for o in ("delivered", "undelivered", "failed"))
        return None if settled == 0 else self.sms_outcomes["delivered"] / settled


def today(session: Session, *, now: datetime) -> Today:
    """Everything since midnight UTC."""
    start = datetime.combine(now.date(), time(0), tzinfo=now.tzinfo)
    result = Today(start=start)
    attempts = session.scalars(
        select(ContactAttempt).where(
            ContactAttempt.attempted_at >= start,
            ContactAttempt.direction == Direction.OUTBOUND.value,
        )
    ).all()
    zones: dict[int, ZoneInfo] = {}
    for attempt in attempts:
        if attempt.channel == Channel.CALL.value:
            result.calls_by_local_hour[_local_hour(session, attempt, zones)] += 1
            result.call_outcomes[attempt.outcome or "in_flight"] += 1
            bucket = attempt.attempted_at.replace(second=0, microsecond=0)
            bucket -= timedelta(minutes=bucket.minute % PACING_BUCKET_MINUTES)
            result.pacing[bucket] += 1
        else:
            result.sms_outcomes[attempt.outcome or attempt.status] += 1
    for event in session.scalars(
        select(CaseEvent).where(CaseEvent.at >= start, CaseEvent.kind == "contact_blocked")
    ):
        result.blocks_by_reason.update((event.detail or {}).get("reasons") or ["unknown"])
    _agents(session, result, attempts)
    return result


def _agents(session: Session, result: Today, attempts: Sequence[ContactAttempt]) -> None:
    calls: Counter[int] = Counter()
    talk: Counter[int] = Counter()
    for attempt in attempts:
        if attempt.agent_id is not None:
            calls[attempt.agent_id] += 1
            talk[attempt.agent_id] += attempt.duration_seconds or 0
    users = session.scalars(
        select(User).where(User.role == Role.AGENT.value, User.is_active).order_by(User.username)
    ).all()
    for user in users:
        result.agents_by_availability[user.availability] += 1
        result.agents.append(
            AgentLine(user.username, user.availability, calls[user.id], talk[user.id])
        )
    for state in AgentAvailability:
        result.agents_by_availability.setdefault(state.value, 0)


def _local_hour(session: Session, attempt: ContactAttempt, zones: dict[int, ZoneInfo]) -> int:
    zone = _snapshot_zone(attempt)
    if zone is None:
        if attempt.consumer_id not in zones:
            zones[attempt.consumer_id] = consumer_zone(session, consumer_id=attempt.consumer_id)
        zone = zones[attempt.consumer_id]
    return attempt.attempted_at.astimezone(zone).hour


def _snapshot_zone(attempt: ContactAttempt) -> ZoneInfo | None:
    candidates = (attempt.decision or {}).get("candidate_zones") or []
    for candidate in candidates:
        try:
            return ZoneInfo(candidate["zone"])
        except (KeyError, ValueError, TypeError):
            continue
    return None
