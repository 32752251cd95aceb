"""Decisions per second on one core: a consumer with two phones and a 30-day history.

Run: .venv/bin/python bench/bench_compliance.py [--seconds N]
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from dialer.compliance import (
    AdminLimits,
    ConsumerFacts,
    HistoryEntry,
    PhoneFacts,
    ProposedContact,
    RulePacks,
    evaluate,
    load_rule_packs,
)
from dialer.vocabulary import Channel, ContactMode, Direction, Outcome, PhoneType

MOBILE = "+13175550100"
HOME = "+18125550101"
OUTCOMES = [Outcome.NO_ANSWER, Outcome.VOICEMAIL, Outcome.BUSY, Outcome.NO_ANSWER]


def history(start: datetime) -> list[HistoryEntry]:
    """~32 entries over 30 days: calls on two numbers and debts, texts, one inbound reply."""
    entries: list[HistoryEntry] = []
    for day in range(30):
        at = start + timedelta(days=day, hours=15)
        entries.append(
            HistoryEntry(
                at=at,
                channel=Channel.CALL,
                to=MOBILE if day % 2 else HOME,
                outcome=OUTCOMES[day % 4],
                debts=("D1", "D2") if day % 5 == 0 else ("D1",) if day % 3 else ("D2",),
            )
        )
        if day % 10 == 0:
            entries.append(
                HistoryEntry(
                    at=at + timedelta(hours=2),
                    channel=Channel.SMS,
                    to=MOBILE,
                    outcome=Outcome.DELIVERED,
                )
            )
    entries.append(
        HistoryEntry(
            at=start + timedelta(days=12, hours=18),
            channel=Channel.SMS,
            direction=Direction.INBOUND,
            from_=MOBILE,
            body="ok I will pay friday",
        )
    )
    return entries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    packs = load_rule_packs()
    consumer = ConsumerFacts(
        country="US",
        state="IN",
        postal_code="46204",
        phones=(
            PhoneFacts(MOBILE, PhoneType.MOBILE, True),
            PhoneFacts(HOME, PhoneType.LANDLINE, False),
        ),
    )
    start = datetime(2026, 2, 1, tzinfo=UTC)
    past = history(start)
    # A mix of proposals over one day: inside and outside the window, allowed and blocked.
    proposals = [
        ProposedContact(
            at=start + timedelta(days=31, hours=h),
            channel=ch,
            to=MOBILE,
            mode=ContactMode.AUTOMATED,
            debts=("D1",),
        )
        for h in range(0, 24, 2)
        for ch in (Channel.CALL, Channel.SMS)
    ]
    allowed, rate = _rate(consumer, past, proposals, None, packs, args.seconds)
    # The same with the person-level limits on and every proposal about two debts.
    person = AdminLimits(min_minutes_between_contacts=120, person_lockout_after_conversation=True)
    two_debts = [replace(p, debts=("D1", "D2")) for p in proposals]
    _, person_rate = _rate(consumer, past, two_debts, person, packs, args.seconds)
    print(
        f"history entries: {len(past)}; proposals: {len(proposals)} "
        f"({allowed} allowed, {len(proposals) - allowed} blocked with next_allowed_at)"
    )
    print(f"{rate:,.0f} decisions/second")
    print(f"{person_rate:,.0f} decisions/second (two debts, person-level limits on)")
    result = {
        "bench": "compliance",
        "figures": {
            "decisions_per_second": {"value": round(rate), "unit": "decisions/s"},
            "decisions_per_second_two_debts_person_limits": {
                "value": round(person_rate),
                "unit": "decisions/s",
            },
            "history_entries": {"value": len(past), "unit": "entries"},
        },
        "notes": "one core, a consumer with a 30-day history; half the proposals blocked "
        "(so next_allowed_at is computed); target 20,000/s",
    }
    print("RESULT " + json.dumps(result))


def _rate(
    consumer: ConsumerFacts,
    past: list[HistoryEntry],
    proposals: list[ProposedContact],
    limits: AdminLimits | None,
    packs: RulePacks,
    seconds: float,
) -> tuple[int, float]:
    """(how many proposals are allowed, decisions per second over `seconds`)."""
    for p in proposals:  # warm the zone and rule caches
        evaluate(consumer, past, p, limits=limits, packs=packs)
    allowed = sum(
        evaluate(consumer, past, p, limits=limits, packs=packs).allowed for p in proposals
    )
    done = 0
    began = time.perf_counter()
    deadline = began + seconds
    while time.perf_counter() < deadline:
        for p in proposals:
            evaluate(consumer, past, p, limits=limits, packs=packs)
        done += len(proposals)
    return allowed, done / (time.perf_counter() - began)


if __name__ == "__main__":
    main()
