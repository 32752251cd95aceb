"""What a simulated consumer's answer changes in their facts: a number reported as the wrong
party, a STOP reply (the inbound text in the history, the number opted out of texts)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from dialer.compliance import ConsumerFacts, HistoryEntry
from dialer.vocabulary import Channel, Direction, PhoneStatus


def wrong_party(facts: ConsumerFacts, number: str) -> ConsumerFacts:
    phones = tuple(
        replace(p, status=PhoneStatus.WRONG_PARTY) if p.number == number else p
        for p in facts.phones
    )
    return replace(facts, phones=phones)


def opted_out(facts: ConsumerFacts, number: str) -> ConsumerFacts:
    phones = tuple(
        replace(p, sms_opted_out=True) if p.number == number else p for p in facts.phones
    )
    return replace(facts, phones=phones)


def stop_reply(number: str, *, at: datetime, debts: tuple[str, ...]) -> HistoryEntry:
    return HistoryEntry(
        at=at,
        channel=Channel.SMS,
        direction=Direction.INBOUND,
        from_=number,
        body="STOP",
        outcome="received",
        debts=debts,
    )
