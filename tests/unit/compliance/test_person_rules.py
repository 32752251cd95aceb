"""What an agent or auditor reads for the person-level rules: which debt, which gap, when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dialer.compliance import (
    AdminLimits,
    ConsumerFacts,
    HistoryEntry,
    PhoneFacts,
    ProposedContact,
    RulePacks,
    evaluate,
)
from dialer.vocabulary import Channel, ConsumerFlag, ContactMode, Outcome, PhoneType

MOBILE, OTHER = "+12015550106", "+12015550107"
NJ = ConsumerFacts(
    country="US",
    state="NJ",
    postal_code="07102",
    phones=(PhoneFacts(MOBILE, PhoneType.MOBILE, True), PhoneFacts(OTHER, PhoneType.MOBILE, True)),
)
NOON = datetime(2026, 2, 16, 17, tzinfo=UTC)  # 12:00 in Newark


def _call(at: datetime, **kwargs: object) -> ProposedContact:
    return ProposedContact(at=at, channel=Channel.CALL, to=MOBILE, **kwargs)  # type: ignore[arg-type]


def test_spacing_names_the_gap_and_the_next_allowed_time_is_the_last_contact_plus_the_gap(
    packs: RulePacks,
) -> None:
    limits = AdminLimits(min_minutes_between_contacts=90)
    text = HistoryEntry(at=NOON, channel=Channel.SMS, to=OTHER, outcome="delivered", debts=("D2",))
    decision = evaluate(NJ, [text], _call(NOON + timedelta(minutes=30)), limits=limits, packs=packs)
    assert decision.reason_codes == ("contact_spacing",)
    assert "90 minutes apart" in decision.reasons[0].message
    assert decision.next_allowed_at == NOON + timedelta(minutes=90)
    later = _call(NOON + timedelta(minutes=90))
    assert evaluate(NJ, [text], later, limits=limits, packs=packs).allowed


def test_a_block_on_a_multi_debt_call_names_the_debt_that_blocks(packs: RulePacks) -> None:
    consumer = ConsumerFacts(
        country=NJ.country,
        state=NJ.state,
        postal_code=NJ.postal_code,
        phones=NJ.phones,
        debt_flags=frozenset({("D3", ConsumerFlag.DISPUTE_PENDING)}),
    )
    calls = [
        HistoryEntry(
            at=NOON - timedelta(days=d, hours=1),
            channel=Channel.CALL,
            to=MOBILE,
            outcome="no_answer",
        )
        for d in range(7)  # Feb 10-16: seven calls about D1 in the window
    ]
    decision = evaluate(consumer, calls, _call(NOON, debts=("D1", "D2", "D3")), packs=packs)
    messages = [r.message for r in decision.reasons]
    assert any("debt D3 is flagged dispute_pending" in m for m in messages)
    assert any("7 calls for debt D1" in m for m in messages)
    assert not any("debt D2" in m for m in messages)
    counts = {c.description.split(" in the ")[0] for c in decision.counts}
    assert {"calls for debt D1", "calls for debt D2", "calls for debt D3"} <= counts


def test_a_callback_that_is_not_consented_says_why_it_is_still_blocked(packs: RulePacks) -> None:
    talk = HistoryEntry(
        at=NOON - timedelta(days=1),
        channel=Channel.CALL,
        to=MOBILE,
        outcome=Outcome.CONVERSATION.value,
        mode=ContactMode.AGENT,
    )
    decision = evaluate(NJ, [talk], _call(NOON, mode=ContactMode.AGENT, callback=True), packs=packs)
    assert decision.reason_codes == ("post_conversation",)
    assert "marked as a callback, but no callback request" in decision.reasons[0].message
    asked = HistoryEntry(
        at=talk.at,
        channel=Channel.CALL,
        to=MOBILE,
        outcome=Outcome.CONVERSATION.value,
        mode=ContactMode.AGENT,
        callback_requested=True,
        callback_at=NOON,
    )
    consented = _call(NOON, mode=ContactMode.AGENT, callback=True)
    assert evaluate(NJ, [asked], consented, packs=packs).allowed
