"""A contact the dialer chooses is lawful for as long as it may take to reach the consumer."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from dialer.compliance import (
    AdminLimits,
    ConsumerFacts,
    PhoneFacts,
    ProposedContact,
    evaluate,
    load_rule_packs,
)
from dialer.compliance.facts import InconvenientTime
from dialer.dispatch.choose import CHECK_STEP, DECISION_GRACE, SMS_VALIDITY, choose_contact
from dialer.vocabulary import Channel, ContactMode, PhoneType

PACKS = load_rule_packs()
PHONE = PhoneFacts("+16175550123", PhoneType.MOBILE, True)
PLACES = {  # state: its ZIP code, the zone the consumer is in
    "MA": ("02108", "America/New_York"),
    "FL": ("32301", "America/New_York"),
    "CA": ("90012", "America/Los_Angeles"),
}
# Local times of day, most of them in the last hour and a half before the 21:00 close.
seconds_of_day = st.one_of(st.integers(19 * 3600 + 1800, 21 * 3600), st.integers(0, 86399))
# Consumer-stated inconvenient times, placed from the proposed contact's local minute:
# (minutes after it, minutes long), at least CHECK_STEP long.
windows_after = st.lists(
    st.tuples(st.integers(0, 30), st.integers(CHECK_STEP.seconds // 60, 30)), max_size=2
)


def _windows(local: datetime, after: list[tuple[int, int]]) -> tuple[InconvenientTime, ...]:
    found = []
    for offset, length in after:
        start = local.hour * 60 + local.minute + offset
        end = start + length
        if end < 24 * 60:  # a window that crosses midnight is left out here
            found.append(InconvenientTime(time(start // 60, start % 60), time(end // 60, end % 60)))
    return tuple(found)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([Channel.SMS, Channel.CALL]),
    st.integers(0, 364),
    seconds_of_day,
    windows_after,
    st.sampled_from(sorted(PLACES)),
)
def test_a_chosen_contact_stays_lawful_until_it_can_no_longer_reach_the_consumer(
    channel, day, second, after, state
) -> None:
    postal_code, zone = PLACES[state]
    local = datetime(2026, 1, 1, tzinfo=ZoneInfo(zone)) + timedelta(days=day, seconds=second)
    at = local.astimezone(UTC)
    consumer = ConsumerFacts(
        country="US",
        state=state,
        postal_code=postal_code,
        phones=(PHONE,),
        inconvenient_times=_windows(local, after),
    )
    choice = choose_contact(
        consumer,
        [],
        channel=channel,
        at=at,
        debt="debt-1",
        limits=AdminLimits(),
        packs=PACKS,
        sms_capable={PHONE.number: True},
    )
    if choice.decision is None or not choice.decision.allowed:
        return
    # Placed within the grace; a text then waits at most its validity in Twilio's queue.
    span = DECISION_GRACE + (SMS_VALIDITY if channel is Channel.SMS else timedelta(0))
    minute = timedelta(minutes=1)
    moments = [at + minute * k for k in range(int(span / minute) + 1)] + [at + span]
    for moment in moments:
        proposed = ProposedContact(
            at=moment,
            channel=channel,
            to=PHONE.number,
            mode=ContactMode.AUTOMATED,
            debts=("debt-1",),
        )
        assert evaluate(consumer, [], proposed, packs=PACKS).allowed, moment
