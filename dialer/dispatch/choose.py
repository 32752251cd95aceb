"""Choosing the phone, the caller ID and the decision for one proposed contact (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from dialer.campaigns.definition import CallerIds
from dialer.compliance import (
    AdminLimits,
    ConsumerFacts,
    Decision,
    HistoryEntry,
    PhoneFacts,
    ProposedContact,
    evaluate_through,
)
from dialer.compliance.packs import RulePacks
from dialer.vocabulary import Channel, ContactMode, PhoneStatus, PhoneType

# A reserved contact is placed within this long (place() releases it otherwise), so it must be
# lawful for the whole interval (the consumer's history cannot change while the consumer is
# locked; only the time-of-day rules can close in on it).
DECISION_GRACE = timedelta(seconds=15)
# A text may then wait in Twilio's queue (behind the sender's other texts, or while Twilio or
# a carrier is backed up). It is sent with this ValidityPeriod: Twilio drops a text still
# queued after it (error 30036) rather than deliver it late, so a text is lawful to send only
# if it is lawful until then too.
SMS_VALIDITY = timedelta(minutes=10)
# The checks between the two ends are at most this far apart: a consumer's inconvenient time
# or a holiday shorter than this is the only thing that could slip between them.
CHECK_STEP = timedelta(minutes=5)


def lawful_span(channel: Channel) -> timedelta:
    """How long after its decision a contact may still reach the consumer."""
    return DECISION_GRACE + SMS_VALIDITY if channel is Channel.SMS else DECISION_GRACE


def instants_to_check(at: datetime, channel: Channel) -> list[datetime]:
    """The instants after `at` a contact decided at `at` must still be lawful at: every
    CHECK_STEP of its lawful span, and the span's end."""
    span = lawful_span(channel)
    later = []
    step = CHECK_STEP
    while step < span:
        later.append(at + step)
        step += CHECK_STEP
    return [*later, at + span]


@dataclass(frozen=True, slots=True)
class Choice:
    phone: PhoneFacts | None
    decision: Decision | None  # None: no usable phone at all


def usable_phones(
    facts: ConsumerFacts, channel: Channel, *, sms_capable: dict[str, bool]
) -> list[PhoneFacts]:
    """Valid numbers not opted out of the channel (SMS: only numbers that can take SMS)."""
    phones = []
    for phone in facts.phones:
        if phone.status is not PhoneStatus.VALID:
            continue
        if channel is Channel.SMS and (
            phone.sms_opted_out
            or not sms_capable.get(phone.number, True)
            or phone.type is PhoneType.LANDLINE
        ):
            continue
        if channel is Channel.CALL and phone.call_opted_out:
            continue
        phones.append(phone)
    return phones


def choose_contact(
    facts: ConsumerFacts,
    history: list[HistoryEntry],
    *,
    channel: Channel,
    at: datetime,
    debt: str,
    limits: AdminLimits,
    packs: RulePacks,
    sms_capable: dict[str, bool],
) -> Choice:
    """The first usable phone the engine allows; else the block that clears soonest."""
    blocked: list[tuple[PhoneFacts, Decision]] = []
    later = instants_to_check(at, channel)
    for phone in usable_phones(facts, channel, sms_capable=sms_capable):
        proposed = ProposedContact(
            at=at, channel=channel, to=phone.number, mode=ContactMode.AUTOMATED, debts=(debt,)
        )
        decision = evaluate_through(facts, history, proposed, later, limits=limits, packs=packs)
        if decision.allowed:
            return Choice(phone, decision)
        blocked.append((phone, decision))
    if not blocked:
        return Choice(None, None)
    timed = [pair for pair in blocked if pair[1].next_allowed_at is not None]
    if timed:
        return Choice(*min(timed, key=lambda pair: pair[1].next_allowed_at or at))
    return Choice(*blocked[0])


def caller_id(caller_ids: CallerIds, to: str) -> str:
    """The sending number: with local presence, one sharing the consumer's area code."""
    if caller_ids.local_presence and to.startswith("+1") and len(to) >= 5:
        for number in caller_ids.numbers:
            if number.startswith(to[:5]):
                return number
    return caller_ids.numbers[0]
