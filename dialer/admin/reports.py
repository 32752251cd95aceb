"""Contact reports over any date range, cut by campaign, agent, channel or day, and as CSV.

The range is whole days in the operator's time zone (`ReportQuery.zone`), or each consumer's
own local days (`DayBasis.CONSUMER`: an attempt at 23:30 in Los Angeles on the 10th counts on
the 10th, though it is the 11th in New York). Counts are grouped in the database (one aggregate
query per table) except by day or by the consumer's day, where each row's local date is computed
here from its UTC time.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from dialer.admin.consumer_days import ConsumerDays, any_zone_bounds
from dialer.db.models import (
    Campaign,
    CaseEvent,
    Client,
    ContactAttempt,
    Debt,
    Disposition,
    PromiseToPay,
    User,
)
from dialer.errors import InputError
from dialer.vocabulary import Channel, Direction, Outcome

MAX_DAYS = 366
# An abandoned call (no agent for a person who asked) reached someone but is no conversation.
REACHED = frozenset(
    {Outcome.CONVERSATION, Outcome.WRONG_PARTY, Outcome.VOICEMAIL, Outcome.ABANDONED}
)
SMS_SETTLED = frozenset({Outcome.DELIVERED, Outcome.UNDELIVERED, Outcome.FAILED})
AUTOMATED = "automated"  # the agent column of contacts no agent made


class DayBasis(StrEnum):
    """Whose calendar a report's days are: the operator's zone, or each consumer's own."""

    OPERATOR = "operator"
    CONSUMER = "consumer"


class GroupBy(StrEnum):
    CLIENT = "client"
    CAMPAIGN = "campaign"
    AGENT = "agent"
    CHANNEL = "channel"
    DAY = "day"


@dataclass(frozen=True, slots=True)
class ReportQuery:
    """Days `start`..`end` (both included) in `zone`, optionally narrowed."""

    start: date
    end: date
    zone: ZoneInfo
    group_by: GroupBy = GroupBy.CAMPAIGN
    campaign_id: int | None = None
    agent_id: int | None = None
    channel: Channel | None = None
    client_ids: frozenset[int] | None = None  # None: every client (see users limited to some)
    days: DayBasis = DayBasis.OPERATOR

    def __post_init__(self) -> None:
        if self.end < self.start:
            msg = f"the range ends ({self.end}) before it starts ({self.start})"
            raise InputError(msg)
        if (self.end - self.start).days >= MAX_DAYS:
            msg = f"a report covers at most {MAX_DAYS} days"
            raise InputError(msg)

    @property
    def utc_bounds(self) -> tuple[datetime, datetime]:
        """[first instant, first instant after) of the range, as UTC (DST-safe); by consumers'
        days, wide enough for every zone (each row is then kept by its consumer's own date)."""
        if self.days is DayBasis.CONSUMER:
            return any_zone_bounds(self.start, self.end)
        first = datetime.combine(self.start, time(0), tzinfo=self.zone)
        after = datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=self.zone)
        return first, after


@dataclass(slots=True)
class ReportRow:
    key: str
    calls: int = 0
    calls_reached: int = 0
    conversations: int = 0
    sms: int = 0
    sms_settled: int = 0
    sms_delivered: int = 0
    promises: int = 0
    promises_kept: int = 0
    promises_broken: int = 0

    @property
    def attempts(self) -> int:
        return self.calls + self.sms

    @property
    def contact_rate(self) -> float | None:
        """Calls that reached someone or a machine, among calls placed."""
        return _ratio(self.calls_reached, self.calls)

    @property
    def right_party_rate(self) -> float | None:
        """Conversations with the consumer, among calls that reached someone or something."""
        return _ratio(self.conversations, self.calls_reached)

    @property
    def sms_delivery_rate(self) -> float | None:
        return _ratio(self.sms_delivered, self.sms_settled)

    def add(self, channel: str, outcome: str | None, count: int) -> None:
        if channel == Channel.CALL.value:
            self.calls += count
            self.calls_reached += count if outcome in REACHED else 0
            self.conversations += count if outcome == Outcome.CONVERSATION else 0
        else:
            self.sms += count
            self.sms_settled += count if outcome in SMS_SETTLED else 0
            self.sms_delivered += count if outcome == Outcome.DELIVERED else 0

    def add_promise(self, status: str, count: int) -> None:
        self.promises += count
        self.promises_kept += count if status == "kept" else 0
        self.promises_broken += count if status == "broken" else 0


@dataclass(slots=True)
class Report:
    query: ReportQuery
    rows: list[ReportRow] = field(default_factory=list)
    total: ReportRow = field(default_factory=lambda: ReportRow("total"))
    blocks_by_reason: Counter[str] = field(default_factory=Counter)


def contact_report(session: Session, query: ReportQuery) -> Report:
    rows: dict[str, ReportRow] = {}

    def row(key: str) -> ReportRow:
        return rows.setdefault(key, ReportRow(key))

    names = _names(session, query.group_by)
    for key, channel, outcome, count in _attempt_counts(session, query):
        row(names.get(key, key)).add(channel, outcome, count)
    if query.channel in (None, Channel.CALL):
        for key, status, count in _promise_counts(session, query):
            row(names.get(key, key)).add_promise(status, count)
    report = Report(query, rows=sorted(rows.values(), key=lambda r: r.key))
    for line in report.rows:
        for name in ReportRow.__slots__[1:]:
            setattr(report.total, name, getattr(report.total, name) + getattr(line, name))
    report.blocks_by_reason = _blocks(session, query)
    return report


def _attempt_counts(session: Session, query: ReportQuery) -> Iterable[tuple[str, str, Any, int]]:
    first, after = query.utc_bounds
    a = ContactAttempt
    conditions: list[ColumnElement[bool]] = [
        a.attempted_at >= first,
        a.attempted_at < after,
        a.direction == Direction.OUTBOUND.value,
    ]
    if query.campaign_id is not None:
        conditions.append(a.campaign_id == query.campaign_id)
    if query.agent_id is not None:
        conditions.append(a.agent_id == query.agent_id)
    if query.channel is not None:
        conditions.append(a.channel == query.channel.value)
    if query.client_ids is not None:
        conditions.append(
            a.debt_id.in_(select(Debt.id).where(Debt.client_id.in_(query.client_ids)))
        )
    if query.days is DayBasis.CONSUMER:
        return _by_consumer_day(session, query, conditions)
    if query.group_by is GroupBy.CLIENT:
        by_client = (
            select(Debt.client_id, a.channel, a.outcome, func.count())
            .join(Debt, Debt.id == a.debt_id, isouter=True)
            .where(*conditions)
            .group_by(Debt.client_id, a.channel, a.outcome)
        )
        return [(_key(k), ch, outcome, n) for k, ch, outcome, n in session.execute(by_client)]
    if query.group_by is GroupBy.DAY:
        found: Counter[tuple[str, str, Any]] = Counter()
        for at, channel, outcome in session.execute(
            select(a.attempted_at, a.channel, a.outcome).where(*conditions)
        ):
            found[(at.astimezone(query.zone).date().isoformat(), channel, outcome)] += 1
        return [(*key, count) for key, count in found.items()]
    dimension = {
        GroupBy.CAMPAIGN: a.campaign_id,
        GroupBy.AGENT: a.agent_id,
        GroupBy.CHANNEL: a.channel,
    }[query.group_by]
    grouped = (
        select(dimension, a.channel, a.outcome, func.count())
        .where(*conditions)
        .group_by(dimension, a.channel, a.outcome)
    )
    return [(_key(k), channel, outcome, n) for k, channel, outcome, n in session.execute(grouped)]


def _by_consumer_day(
    session: Session, query: ReportQuery, conditions: list[ColumnElement[bool]]
) -> list[tuple[str, str, Any, int]]:
    """Attempts counted on their consumer's local date, kept when it is in the range."""
    a = ContactAttempt
    dimension = {
        GroupBy.CLIENT: Debt.client_id,
        GroupBy.CAMPAIGN: a.campaign_id,
        GroupBy.AGENT: a.agent_id,
        GroupBy.CHANNEL: a.channel,
        GroupBy.DAY: a.channel,  # replaced by the local date below
    }[query.group_by]
    rows = session.execute(
        select(a.consumer_id, a.attempted_at, dimension, a.channel, a.outcome)
        .join(Debt, Debt.id == a.debt_id, isouter=True)
        .where(*conditions)
    ).all()
    days = ConsumerDays(session, {row[0] for row in rows})
    found: Counter[tuple[str, str, Any]] = Counter()
    for consumer_id, at, key, channel, outcome in rows:
        day = days.day(consumer_id, at)
        if query.start <= day <= query.end:
            group = day.isoformat() if query.group_by is GroupBy.DAY else _key(key)
            found[(group, channel, outcome)] += 1
    return [(*key, count) for key, count in found.items()]


def _promise_counts(session: Session, query: ReportQuery) -> Iterable[tuple[str, str, int]]:
    """Promises made in the range, by the agent who took them and the debt's campaign."""
    first, after = query.utc_bounds
    p, d, debt = PromiseToPay, Disposition, Debt
    conditions: list[ColumnElement[bool]] = [p.created_at >= first, p.created_at < after]
    if query.campaign_id is not None:
        conditions.append(debt.campaign_id == query.campaign_id)
    if query.agent_id is not None:
        conditions.append(d.agent_id == query.agent_id)
    if query.client_ids is not None:
        conditions.append(debt.client_id.in_(query.client_ids))
    base = (
        select(
            p.created_at, p.status, debt.campaign_id, d.agent_id, debt.client_id, debt.consumer_id
        )
        .join(debt, debt.id == p.debt_id)
        .outerjoin(d, d.id == p.disposition_id)
        .where(*conditions)
    )
    rows = session.execute(base).all()
    days = ConsumerDays(session, {r[5] for r in rows}) if query.days is DayBasis.CONSUMER else None
    found: Counter[tuple[str, str]] = Counter()
    for created_at, status, campaign_id, agent_id, client_id, consumer_id in rows:
        day = (
            created_at.astimezone(query.zone).date()
            if days is None
            else days.day(consumer_id, created_at)
        )
        if not query.start <= day <= query.end:
            continue
        key = {
            GroupBy.CLIENT: _key(client_id),
            GroupBy.CAMPAIGN: _key(campaign_id),
            GroupBy.AGENT: _key(agent_id),
            GroupBy.CHANNEL: Channel.CALL.value,
            GroupBy.DAY: day.isoformat(),
        }[query.group_by]
        found[(key, status)] += 1
    return [(key, status, count) for (key, status), count in found.items()]


def _blocks(session: Session, query: ReportQuery) -> Counter[str]:
    first, after = query.utc_bounds
    events = select(CaseEvent.detail, CaseEvent.consumer_id, CaseEvent.at).where(
        CaseEvent.at >= first, CaseEvent.at < after, CaseEvent.kind == "contact_blocked"
    )
    if query.campaign_id is not None or query.client_ids is not None:
        events = events.join(Debt, Debt.id == CaseEvent.debt_id)
    if query.campaign_id is not None:
        events = events.where(Debt.campaign_id == query.campaign_id)
    if query.client_ids is not None:
        events = events.where(Debt.client_id.in_(query.client_ids))
    rows = session.execute(events).all()
    days = ConsumerDays(session, {r[1] for r in rows}) if query.days is DayBasis.CONSUMER else None
    found: Counter[str] = Counter()
    for stored, consumer_id, at in rows:
        if days is not None and not query.start <= days.day(consumer_id, at) <= query.end:
            continue
        detail = stored or {}
        if query.channel is not None and detail.get("channel") not in (None, query.channel.value):
            continue
        found.update(detail.get("reasons") or ["unknown"])
    return found


def _key(value: object) -> str:
    return "" if value is None else str(value)


def _names(session: Session, group_by: GroupBy) -> dict[str, str]:
    """Ids as names people read: campaigns by name, agents by username."""
    if group_by is GroupBy.CLIENT:
        named = {str(i): c for i, c in session.execute(select(Client.id, Client.code))}
        return {"": "(no client)", **named}
    if group_by is GroupBy.CAMPAIGN:
        named = {str(i): n for i, n in session.execute(select(Campaign.id, Campaign.name))}
        return {"": "(no campaign)", **named}
    if group_by is GroupBy.AGENT:
        named = {str(i): n for i, n in session.execute(select(User.id, User.username))}
        return {"": AUTOMATED, **named}
    return {}


def _ratio(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


CSV_COLUMNS = (
    "group",
    "attempts",
    "calls",
    "calls_reached",
    "conversations",
    "contact_rate",
    "right_party_rate",
    "sms",
    "sms_delivered",
    "sms_delivery_rate",
    "promises",
    "promises_kept",
    "promises_broken",
)


def report_row(line: ReportRow) -> dict[str, Any]:
    """One group's figures by the CSV's column names (rates as decimals, None when undefined)."""
    return {
        "group": line.key,
        "attempts": line.attempts,
        "calls": line.calls,
        "calls_reached": line.calls_reached,
        "conversations": line.conversations,
        "contact_rate": line.contact_rate,
        "right_party_rate": line.right_party_rate,
        "sms": line.sms,
        "sms_delivered": line.sms_delivered,
        "sms_delivery_rate": line.sms_delivery_rate,
        "promises": line.promises,
        "promises_kept": line.promises_kept,
        "promises_broken": line.promises_broken,
    }


def report_csv(report: Report) -> str:
    """One line per group and a total line; rates as decimals (blank when undefined)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for line in [*report.rows, report.total]:
        writer.writerow(
            (
                _safe(line.key),
                line.attempts,
                line.calls,
                line.calls_reached,
                line.conversations,
                _rate(line.contact_rate),
                _rate(line.right_party_rate),
                line.sms,
                line.sms_delivered,
                _rate(line.sms_delivery_rate),
                line.promises,
                line.promises_kept,
                line.promises_broken,
            )
        )
    writer.writerow(())
    writer.writerow(("blocked_reason", "count"))
    for reason, count in report.blocks_by_reason.most_common():
        writer.writerow((reason, count))
    return out.getvalue()


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def _safe(text: str) -> str:
    """A name typed by a user, never read as a formula by a spreadsheet."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
