"""What the wallboard shows, read in one short transaction (polled every few seconds).

- agents: every active agent, their state and for how long, the languages they speak, the case
  of the call they are on;
- calls in flight: call attempts not yet ended, by status;
- abandonment: calls a live person answered and no agent took, today (UTC) and over 30 days,
  against the 3 % cap;
- queue: what waits for an agent: consumers in the menu of a live call with no agent yet,
  cases in preview on desks, and callbacks the consumers asked for that are due.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from dialer.agents.abandonment import ABANDONMENT_CAP, LIVE_ANSWERED, WINDOW
from dialer.db.models import ContactAttempt, Debt, User
from dialer.vocabulary import (
    TERMINAL_STATUSES,
    AgentAvailability,
    AttemptStatus,
    Channel,
    Direction,
    Outcome,
    Role,
)

CALLBACKS_LOOKBACK = timedelta(days=1)
IN_FLIGHT = tuple(
    s.value
    for s in AttemptStatus
    if s not in TERMINAL_STATUSES and s not in {AttemptStatus.SENDING, AttemptStatus.SENT}
)


@dataclass(frozen=True, slots=True)
class AgentTile:
    id: int
    name: str
    availability: str
    seconds_in_state: int | None
    languages: list[str]
    case_ref: str | None
    line: str  # LineState: "" (no line), "calling", "connected" (dialer.agents.line)
    line_since: datetime | None  # when the line got to that state; None without a line


@dataclass(frozen=True, slots=True)
class AbandonmentTile:
    live_answered: int
    abandoned: int
    rate: float | None
    over_cap: bool


@dataclass(frozen=True, slots=True)
class Wallboard:
    at: datetime
    agents: list[AgentTile]
    agents_by_state: dict[str, int]
    calls_in_flight: dict[str, int]
    abandonment_today: AbandonmentTile
    abandonment_30_days: AbandonmentTile
    cap: float
    queue: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["at"] = self.at.isoformat()
        for tile in data["agents"]:
            since = tile["line_since"]
            tile["line_since"] = None if since is None else since.isoformat()
        return data


def wallboard(session: Session, *, now: datetime) -> Wallboard:
    agents = _agents(session, now=now)
    by_state = {state.value: 0 for state in AgentAvailability}
    for agent in agents:
        by_state[agent.availability] = by_state.get(agent.availability, 0) + 1
    midnight = datetime.combine(now.date(), time(0), tzinfo=now.tzinfo)
    return Wallboard(
        at=now,
        agents=agents,
        agents_by_state=by_state,
        calls_in_flight=_in_flight(session),
        abandonment_today=_abandonment(session, since=midnight),
        abandonment_30_days=_abandonment(session, since=now - WINDOW),
        cap=ABANDONMENT_CAP,
        queue=_queue(session, now=now),
    )


def agent_languages(user: User) -> list[str]:
    spoken = [code for code in (user.languages or "").split(",") if code]
    return spoken or [user.language]


def _agents(session: Session, *, now: datetime) -> list[AgentTile]:
    rows = session.execute(
        select(User, Debt.external_ref)
        .outerjoin(ContactAttempt, ContactAttempt.id == User.current_attempt_id)
        .outerjoin(Debt, Debt.id == ContactAttempt.debt_id)
        .where(User.role == Role.AGENT.value, User.is_active.is_(True))
        .order_by(User.display_name, User.id)
    ).all()
    return [
        AgentTile(
            id=user.id,
            name=user.display_name,
            availability=user.availability,
            seconds_in_state=None
            if user.availability_changed_at is None
            else max(0, int((now - user.availability_changed_at).total_seconds())),
            languages=agent_languages(user),
            case_ref=ref,
            line=user.line_state,
            line_since=user.line_since if user.line_state else None,
        )
        for user, ref in rows
    ]


def _in_flight(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(ContactAttempt.status, func.count())
        .where(
            ContactAttempt.channel == Channel.CALL.value,
            ContactAttempt.status.in_(IN_FLIGHT),
        )
        .group_by(ContactAttempt.status)
    ).all()
    counts = dict.fromkeys(IN_FLIGHT, 0)
    counts.update({str(status): int(n) for status, n in rows})
    return counts


def _abandonment(session: Session, *, since: datetime) -> AbandonmentTile:
    row = session.execute(
        select(
            func.count(ContactAttempt.id),
            func.count(ContactAttempt.id).filter(ContactAttempt.outcome == Outcome.ABANDONED.value),
        ).where(
            ContactAttempt.channel == Channel.CALL.value,
            ContactAttempt.direction == Direction.OUTBOUND.value,
            ContactAttempt.outcome.in_(LIVE_ANSWERED),
            ContactAttempt.attempted_at >= since,
        )
    ).one()
    live, abandoned = int(row[0] or 0), int(row[1] or 0)
    rate = None if live == 0 else abandoned / live
    return AbandonmentTile(live, abandoned, rate, rate is not None and rate > ABANDONMENT_CAP)


def _queue(session: Session, *, now: datetime) -> dict[str, int]:
    in_menu = session.scalar(
        select(func.count())
        .select_from(ContactAttempt)
        .where(
            ContactAttempt.channel == Channel.CALL.value,
            ContactAttempt.status == AttemptStatus.IN_PROGRESS.value,
            ContactAttempt.agent_id.is_(None),
            ~ContactAttempt.id.in_(
                select(User.current_attempt_id).where(User.current_attempt_id.is_not(None))
            ),
        )
    )
    in_preview = session.scalar(
        select(func.count())
        .select_from(User)
        .join(ContactAttempt, ContactAttempt.id == User.current_attempt_id)
        .where(ContactAttempt.status == AttemptStatus.RESERVED.value)
    )
    placed = aliased(ContactAttempt)  # the callback already placed for that request
    callbacks_due = session.scalar(
        select(func.count(func.distinct(ContactAttempt.consumer_id))).where(
            ContactAttempt.callback_requested,  # as the partial index says it (not IS TRUE)
            ContactAttempt.callback_at.is_not(None),
            ContactAttempt.callback_at <= now,
            ContactAttempt.callback_at >= now - CALLBACKS_LOOKBACK,
            ~select(placed.id)
            .where(
                placed.consumer_id == ContactAttempt.consumer_id,
                placed.callback,
                placed.attempted_at >= ContactAttempt.attempted_at,
            )
            .exists(),
        )
    )
    return {
        "in_menu": int(in_menu or 0),
        "in_preview": int(in_preview or 0),
        "callbacks_due": int(callbacks_due or 0),
    }
