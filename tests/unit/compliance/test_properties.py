from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from dialer.compliance import (
    ConsumerFacts,
    HistoryEntry,
    PhoneFacts,
    ProposedContact,
    RulePacks,
    evaluate,
    evaluate_through,
    load_rule_packs,
)
from dialer.compliance.zone_names import zone_info
from dialer.vocabulary import Channel, ConsumerFlag, Outcome, PhoneType

PACKS: RulePacks = load_rule_packs()
CONSUMERS = [
    ConsumerFacts(
        country="US",
        state="FL",
        postal_code="32301",
        phones=(PhoneFacts("+18505550112", PhoneType.MOBILE, True),),
    ),
    ConsumerFacts(
        country="US", state="IN", phones=(PhoneFacts("+13175550110", PhoneType.MOBILE, True),)
    ),
    ConsumerFacts(
        country="US",
        state="AZ",
        postal_code="85004",
        phones=(PhoneFacts("+16025550116", PhoneType.MOBILE, True),),
    ),
    ConsumerFacts(
        country="US",
        state="HI",
        postal_code="96813",
        phones=(PhoneFacts("+18085550117", PhoneType.MOBILE, True),),
    ),
]
START = datetime(2026, 1, 1, tzinfo=UTC)
instants = st.integers(0, 365 * 24 * 3600).map(lambda s: START + timedelta(seconds=s))
outcomes = st.sampled_from([Outcome.NO_ANSWER, Outcome.VOICEMAIL, Outcome.BUSY, Outcome.FAILED])


def _proposal(consumer: ConsumerFacts, at: datetime) -> ProposedContact:
    return ProposedContact(at=at, channel=Channel.CALL, to=consumer.phones[0].number)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(CONSUMERS), instants)
def test_never_allowed_outside_the_window_in_any_candidate_zone(consumer, at) -> None:
    decision = evaluate(consumer, [], _proposal(consumer, at), packs=PACKS)
    if decision.allowed:
        for candidate in decision.candidate_zones:
            zone = zone_info(candidate.zone)
            assert zone is not None
            assert time(8) <= at.astimezone(zone).time() < time(21)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(CONSUMERS), instants)
def test_next_allowed_is_allowed_and_a_moment_earlier_is_not(consumer, at) -> None:
    decision = evaluate(consumer, [], _proposal(consumer, at), packs=PACKS)
    nxt = decision.next_allowed_at
    if decision.allowed or nxt is None:
        return
    assert evaluate(consumer, [], _proposal(consumer, nxt), packs=PACKS).allowed
    for gap in (timedelta(seconds=1), timedelta(minutes=1)):
        if nxt - gap >= at:
            assert not evaluate(consumer, [], _proposal(consumer, nxt - gap), packs=PACKS).allowed


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 20 * 24), outcomes), min_size=0, max_size=25))
def test_never_an_eighth_counted_call_in_seven_local_days(attempts) -> None:
    """Greedy dialer: place every proposed call the engine allows; check every 7-day window."""
    consumer = CONSUMERS[0]
    history: list[HistoryEntry] = []
    for hour, outcome in sorted(attempts):
        at = START + timedelta(hours=hour)
        if evaluate(consumer, history, _proposal(consumer, at), packs=PACKS).allowed:
            history.append(
                HistoryEntry(
                    at=at, channel=Channel.CALL, to=consumer.phones[0].number, outcome=outcome
                )
            )
    for zone_name in ("America/New_York", "America/Chicago"):
        zone = zone_info(zone_name)
        assert zone is not None
        counted = [
            h.at.astimezone(zone).date()
            for h in history
            if h.outcome in {Outcome.NO_ANSWER, Outcome.VOICEMAIL}
        ]
        for day in set(counted):
            window = [d for d in counted if 0 <= (d - day).days < 7]
            assert len(window) <= 7


US_STATES = ["CA", "CO", "FL", "MA", "NY", "TX", "WA"]


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(US_STATES),
    st.sampled_from(list(PhoneType)),
    st.booleans(),
    st.sampled_from(list(Channel)),
    instants,
)
def test_a_work_number_is_never_contacted_once_the_employer_prohibits_it(
    state, other_type, consent, channel, at
) -> None:
    """Whatever the time, channel, consent or other numbers: the work number stays blocked,
    and the flag alone never blocks a number that is not a work number."""
    work = PhoneFacts("+13035550104", PhoneType.WORK, consent)
    other = PhoneFacts("+13035550103", other_type, consent)
    flagged = ConsumerFacts(
        country="US",
        state=state,
        phones=(work, other),
        flags=frozenset({ConsumerFlag.WORKPLACE_PROHIBITED}),
    )
    to_work = evaluate(flagged, [], ProposedContact(at, channel, work.number), packs=PACKS)
    assert not to_work.allowed
    assert "workplace_prohibited" in {r.code.value for r in to_work.reasons}
    to_other = evaluate(flagged, [], ProposedContact(at, channel, other.number), packs=PACKS)
    unflagged = ConsumerFacts(country="US", state=state, phones=(work, other))
    same_without_flag = evaluate(
        unflagged, [], ProposedContact(at, channel, other.number), packs=PACKS
    )
    if other_type is not PhoneType.WORK:
        assert to_other.allowed == same_without_flag.allowed


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(CONSUMERS),
    instants,
    st.lists(st.integers(1, 6 * 3600), max_size=4),
    st.lists(st.tuples(st.integers(0, 20 * 24), outcomes), max_size=8),
)
def test_evaluating_through_later_instants_is_evaluating_at_each(
    consumer, at, offsets, attempts
) -> None:
    """One evaluator for several instants decides what a fresh evaluation at each would."""
    history = [
        HistoryEntry(
            at=START + timedelta(hours=hours),
            channel=Channel.CALL,
            to=consumer.phones[0].number,
            outcome=outcome,
        )
        for hours, outcome in sorted(attempts)
    ]
    later = [at + timedelta(seconds=s) for s in sorted(offsets)]
    each = [evaluate(consumer, history, _proposal(consumer, t), packs=PACKS) for t in [at, *later]]
    expected = next((d for d in each if not d.allowed), each[0])
    through = evaluate_through(consumer, history, _proposal(consumer, at), later, packs=PACKS)
    assert through == expected
