"""What the demo shows, read from the case record (the same database the processes write)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dialer.db.models import ContactAttempt, Debt, PromiseToPay
from dialer.vocabulary import AttemptOrigin, AttemptStatus, Channel, Direction

HUMAN_OUTCOMES = ("conversation", "wrong_party")


@dataclass
class Snapshot:
    calls_placed: int = 0
    answered_human: int = 0
    answered_machine: int = 0
    sms_sent: int = 0
    sms_delivered: int = 0
    replies: int = 0
    promises: int = 0
    not_placed: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)
    blocked: dict[str, tuple[int, datetime | None]] = field(default_factory=dict)
    by_zone: Counter[str] = field(default_factory=Counter)
    by_local_hour: list[int] = field(default_factory=lambda: [0] * 24)


def take_snapshot(session: Session) -> Snapshot:
    snap = Snapshot()
    outbound = (ContactAttempt.direction == Direction.OUTBOUND.value) & (
        ContactAttempt.origin != AttemptOrigin.HISTORY.value
    )
    rows = session.execute(
        select(
            ContactAttempt.channel,
            ContactAttempt.status,
            ContactAttempt.outcome,
            ContactAttempt.answered_by,
            ContactAttempt.attempted_at,
            ContactAttempt.decision,
        ).where(outbound)
    ).all()
    for channel, status, outcome, answered_by, at, decision in rows:
        snap.statuses[status] += 1
        if status == AttemptStatus.NOT_PLACED.value:
            snap.not_placed += 1
            continue
        if outcome:
            snap.outcomes[f"{channel}: {outcome}"] += 1
        if channel == Channel.CALL.value:
            snap.calls_placed += 1
            snap.answered_human += outcome in HUMAN_OUTCOMES or answered_by == "human"
            snap.answered_machine += bool(answered_by and answered_by.startswith("machine"))
        else:
            snap.sms_sent += 1
            snap.sms_delivered += status == AttemptStatus.DELIVERED.value
        _locate(snap, at, decision)
    snap.replies = (
        session.scalar(
            select(func.count())
            .select_from(ContactAttempt)
            .where(
                ContactAttempt.direction == Direction.INBOUND.value,
                ContactAttempt.origin != AttemptOrigin.HISTORY.value,
            )
        )
        or 0
    )
    snap.promises = session.scalar(select(func.count()).select_from(PromiseToPay)) or 0
    snap.blocked = _blocked(session)
    return snap


def _locate(snap: Snapshot, at: datetime, decision: object) -> None:
    """The consumer's zone as the engine resolved it when it allowed the contact."""
    zones = decision.get("candidate_zones") if isinstance(decision, dict) else None
    if not zones:
        return
    zone = str(zones[0]["zone"])
    snap.by_zone[zone] += 1
    snap.by_local_hour[at.astimezone(ZoneInfo(zone)).hour] += 1


def _blocked(session: Session) -> dict[str, tuple[int, datetime | None]]:
    """Debts whose latest decision is a block, by reason, with the earliest next lawful time."""
    out: dict[str, tuple[int, datetime | None]] = {}
    rows = session.execute(
        select(Debt.last_decision, Debt.next_contact_at).where(Debt.last_decision.like("blocked %"))
    ).all()
    for text, next_at in rows:
        if text is None:
            continue
        reasons = text.split(":", 1)[1].split(";", 1)[0] if ":" in text else text
        for reason in (r.strip() for r in reasons.split(",")):
            count, earliest = out.get(reason, (0, None))
            if next_at is not None and (earliest is None or next_at < earliest):
                earliest = next_at
            out[reason] = (count + 1, earliest)
    return dict(sorted(out.items(), key=lambda item: -item[1][0]))
