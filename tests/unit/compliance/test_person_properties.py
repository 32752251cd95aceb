"""Person-level invariants, checked with a greedy dialer over generated multi-debt histories:
propose contacts about random subsets of a consumer's debts at random instants, place every
one the engine allows, then audit what was placed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

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
from dialer.compliance.zone_names import zone_info
from dialer.vocabulary import Channel, ContactMode, Outcome, PhoneType

PACKS: RulePacks = load_rule_packs()
DEBTS = ("D1", "D2", "D3")
PHONES = ("+12015550106", "+12015550107")
CONSUMER = ConsumerFacts(
    country="US",
    state="NJ",
    postal_code="07102",
    phones=tuple(PhoneFacts(n, PhoneType.MOBILE, True) for n in PHONES),
)
START = datetime(2026, 2, 2, 13, tzinfo=UTC)
ZONE = zone_info("America/New_York")
COUNTED_BY_REG_F = {Outcome.NO_ANSWER, Outcome.VOICEMAIL, Outcome.CONVERSATION}

debt_sets = st.sets(st.sampled_from(DEBTS), min_size=1).map(lambda s: tuple(sorted(s)))
proposals = st.lists(
    st.tuples(
        st.integers(0, 14 * 24 * 60),  # minutes after START
        debt_sets,
        st.sampled_from(list(Channel)),
        st.sampled_from(PHONES),
        st.sampled_from([ContactMode.AUTOMATED, ContactMode.AGENT]),
        st.sampled_from([Outcome.NO_ANSWER, Outcome.VOICEMAIL, Outcome.CONVERSATION]),
    ),
    max_size=40,
)


def _place_what_is_allowed(
    proposed: list[tuple[int, tuple[str, ...], Channel, str, ContactMode, Outcome]],
    limits: AdminLimits | None,
    consumer: ConsumerFacts = CONSUMER,
) -> list[HistoryEntry]:
    history: list[HistoryEntry] = []
    for minute, debts, channel, number, mode, outcome in sorted(proposed):
        at = START + timedelta(minutes=minute)
        contact = ProposedContact(at=at, channel=channel, to=number, mode=mode, debts=debts)
        if evaluate(consumer, history, contact, limits=limits, packs=PACKS).allowed:
            result = outcome.value if channel is Channel.CALL else Outcome.DELIVERED.value
            history.append(
                HistoryEntry(
                    at=at, channel=channel, to=number, outcome=result, debts=debts, mode=mode
                )
            )
    return history


@settings(max_examples=40, deadline=None)
@given(proposals, st.integers(1, 240))
def test_allowed_automated_contacts_are_never_within_the_gap_of_each_other(proposed, gap):
    history = _place_what_is_allowed(proposed, AdminLimits(min_minutes_between_contacts=gap))
    automated = [h.at for h in history if h.mode is ContactMode.AUTOMATED]
    for earlier, later in pairwise(automated):
        assert later - earlier >= timedelta(minutes=gap)


@settings(max_examples=40, deadline=None)
@given(proposals)
def test_a_three_debt_consumer_never_gets_an_eighth_call_about_a_debt_in_seven_days(proposed):
    """Shared calls count against each of their debts; no debt ever goes over Reg F's 7."""
    history = _place_what_is_allowed(proposed, None)
    assert ZONE is not None
    for debt in DEBTS:
        days = [
            h.at.astimezone(ZONE).date()
            for h in history
            if h.channel is Channel.CALL and debt in h.debts and h.outcome in COUNTED_BY_REG_F
        ]
        for first in set(days):
            assert sum(1 for d in days if 0 <= (d - first).days < 7) <= 7, debt


@settings(max_examples=40, deadline=None)
@given(proposals)
def test_no_automated_call_in_the_seven_days_after_a_conversation_about_any_debt(proposed):
    """A conversation's local date is day 1; automated calls wait until day 8, whatever debts."""
    history = _place_what_is_allowed(proposed, AdminLimits(person_lockout_after_conversation=True))
    assert ZONE is not None
    talks = [h.at for h in history if h.outcome == Outcome.CONVERSATION]
    for call in history:
        if call.channel is not Channel.CALL or call.mode is not ContactMode.AUTOMATED:
            continue
        day = call.at.astimezone(ZONE).date()
        for talk in talks:
            if talk < call.at:
                assert (day - talk.astimezone(ZONE).date()).days >= 7, (talk, call.at)


@settings(max_examples=60, deadline=None)
@given(proposals, st.integers(1, 240), st.integers(0, 14 * 24 * 60))
def test_the_next_allowed_time_is_allowed_and_a_second_earlier_is_not(proposed, gap, minute):
    limits = AdminLimits(min_minutes_between_contacts=gap, person_lockout_after_conversation=True)
    history = _place_what_is_allowed(proposed, limits)
    at = START + timedelta(minutes=minute)
    contact = ProposedContact(at=at, channel=Channel.CALL, to=PHONES[0], debts=DEBTS)
    decision = evaluate(CONSUMER, history, contact, limits=limits, packs=PACKS)
    nxt = decision.next_allowed_at
    if decision.allowed or nxt is None:
        return
    assert evaluate(CONSUMER, history, replace(contact, at=nxt), limits=limits, packs=PACKS).allowed
    if nxt - timedelta(seconds=1) >= at:
        earlier = replace(contact, at=nxt - timedelta(seconds=1))
        assert not evaluate(CONSUMER, history, earlier, limits=limits, packs=PACKS).allowed


MASSACHUSETTS = ConsumerFacts(
    country="US",
    state="MA",
    postal_code="02139",
    phones=tuple(PhoneFacts(n, PhoneType.MOBILE, True) for n in PHONES),
)


@settings(max_examples=40, deadline=None)
@given(proposals)
def test_massachusetts_never_three_calls_or_texts_about_a_debt_in_seven_days(proposed):
    """940 CMR 7.04(1)(f): two per seven days per debt; a shared contact counts for each."""
    history = _place_what_is_allowed(proposed, None, MASSACHUSETTS)
    assert ZONE is not None
    for debt in DEBTS:
        days = [h.at.astimezone(ZONE).date() for h in history if debt in h.debts]
        for first in set(days):
            assert sum(1 for d in days if 0 <= (d - first).days < 7) <= 2, debt
