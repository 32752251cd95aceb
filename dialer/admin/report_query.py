"""What a contact report is asked (days, zone or each consumer's own days, grouping) and what
it answers (a row of figures per group, a total, blocks by reason)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from dialer.admin.consumer_days import any_zone_bounds
from dialer.errors import InputError
from dialer.vocabulary import Channel, Outcome

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


def _ratio(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole
