"""The evaluation context: local clocks at the proposed instant and the history in local days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dialer.compliance.decision import Reason
from dialer.compliance.facts import ConsumerFacts, HistoryEntry, PhoneFacts, ProposedContact
from dialer.vocabulary import PhoneType

_UNIX_ORDINAL = date(1970, 1, 1).toordinal()
_SPAN_FOR_FAST_PATH = 150 * 86400  # US DST transitions are > 150 days apart


@dataclass(frozen=True, slots=True)
class Block:
    """One rule blocking the contact; `until` is when it stops blocking (None: never)."""

    reason: Reason
    until: datetime | None


@dataclass(frozen=True, slots=True)
class PreparedEntry:
    entry: HistoryEntry
    epoch: float
    days: tuple[int, ...]  # local date ordinal in each evaluation zone
    phone_type: PhoneType


def local_days(epochs: list[float], moments: list[datetime], zone: ZoneInfo) -> list[int]:
    """Local date ordinals; one offset lookup when no clock change can fall inside the span."""
    if not epochs:
        return []
    first, last = moments[0], moments[-1]
    off_first = first.astimezone(zone).utcoffset()
    off_last = last.astimezone(zone).utcoffset()
    if (
        off_first == off_last
        and off_first is not None
        and epochs[-1] - epochs[0] < (_SPAN_FOR_FAST_PATH)
    ):
        shift = off_first.total_seconds()
        return [int((e + shift) // 86400) + _UNIX_ORDINAL for e in epochs]
    return [m.astimezone(zone).toordinal() for m in moments]


def prepare_history(
    history: tuple[HistoryEntry, ...] | list[HistoryEntry],
    zones: tuple[ZoneInfo, ...],
    consumer: ConsumerFacts,
) -> tuple[PreparedEntry, ...]:
    """Sort by time once and convert every entry to local dates once per evaluation."""
    ordered = sorted(history, key=lambda e: e.at)
    moments = [e.at for e in ordered]
    epochs = [m.timestamp() for m in moments]
    per_zone = [local_days(epochs, moments, z) for z in zones]
    types = {p.number: p.type for p in consumer.phones}
    return tuple(
        PreparedEntry(
            entry,
            epochs[i],
            tuple(days[i] for days in per_zone),
            types.get(entry.consumer_number or "", PhoneType.UNKNOWN),
        )
        for i, entry in enumerate(ordered)
    )


@dataclass(frozen=True, slots=True)
class Moment:
    """The proposed contact at instant `at`, seen from every candidate zone."""

    consumer: ConsumerFacts
    proposed: ProposedContact
    phone: PhoneFacts
    at: datetime
    epoch: float
    zones: tuple[ZoneInfo, ...]
    local: tuple[datetime, ...]
    days: tuple[int, ...]
    history: tuple[PreparedEntry, ...]  # only entries at or before `at`

    @classmethod
    def of(
        cls,
        *,
        consumer: ConsumerFacts,
        proposed: ProposedContact,
        phone: PhoneFacts,
        at: datetime,
        zones: tuple[ZoneInfo, ...],
        history: tuple[PreparedEntry, ...],
    ) -> Moment:
        local = tuple(at.astimezone(z) for z in zones)
        epoch = at.timestamp()
        past = (
            history
            if not history or history[-1].epoch <= epoch
            else tuple(h for h in history if h.epoch <= epoch)
        )
        return cls(
            consumer,
            proposed,
            phone,
            at,
            epoch,
            zones,
            local,
            tuple(d.toordinal() for d in local),
            past,
        )


def local_start(day_ordinal: int, clock: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of `clock` on local date `day_ordinal` in `zone` (DST-correct)."""
    local = datetime.combine(date.fromordinal(day_ordinal), clock, tzinfo=zone)
    moment = local.astimezone(UTC)
    if moment.astimezone(zone).time() < clock:  # inside a spring-forward gap: first valid time
        moment = (
            datetime.combine(date.fromordinal(day_ordinal), clock, tzinfo=zone)
            .replace(fold=1)
            .astimezone(UTC)
        )
    return moment


def day_label(day_ordinal: int) -> str:
    return date.fromordinal(day_ordinal).isoformat()


def next_second(moment: datetime) -> datetime:
    return moment + timedelta(seconds=1)
