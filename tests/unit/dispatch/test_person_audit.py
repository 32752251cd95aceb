"""The person-level audit of the provider's log: figures and every breach, one person at a
time (a number on two files counts for both people)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dialer.audit.demo import Seen
from dialer.audit.person import audit_people
from dialer.vocabulary import Channel

T0 = datetime(2026, 3, 17, 15, 0, tzinfo=UTC)
A, B = "+16175550001", "+16175550002"


def _call(sid, to, minute, *, seconds=60, spoke=False):
    at = T0 + timedelta(minutes=minute)
    return Seen(sid, Channel.CALL, to, at, at + timedelta(seconds=seconds), spoke)


def _text(sid, to, minute):
    return Seen(sid, Channel.SMS, to, T0 + timedelta(minutes=minute))


def _audit(seen, *, people=None, automated=None, gap=240):
    people = people or {A: {1}, B: {2}}
    automated = {s.sid for s in seen} if automated is None else automated
    return audit_people(seen, people=people, automated=automated, gap_minutes=gap)


def test_contacts_apart_by_the_gap_pass_and_are_counted():
    result = _audit([_text("S1", A, 0), _call("C1", A, 241), _call("C2", B, 0)])
    assert result.ok
    assert result.people_contacted == 2
    assert result.max_contacts_per_person_hour == 1
    assert result.max_calls_in_flight_per_person == 1


def test_two_calls_at_once_to_one_person_across_their_numbers_are_caught():
    long_call = _call("C1", A, 0, seconds=600)
    result = _audit([long_call, _call("C2", B, 1), _call("C3", A, 5)], people={A: {1}, B: {1}},
                    gap=None)  # fmt: skip
    assert result.max_calls_in_flight_per_person == 2  # C2 ended before C3 began
    assert [v["sid"] for v in result.violations] == ["C2", "C3"]
    assert not result.ok


def test_a_contact_within_the_gap_is_caught_but_not_the_consented_callback():
    seen = [_text("S1", A, 0), _text("S2", A, 30), _call("C1", A, 60)]
    result = _audit(seen, automated={"S1", "S2"})  # C1: the callback the consumer asked for
    assert [(v["sid"], v["reasons"]) for v in result.violations] == [
        ("S2", ["within the gap after another contact"])
    ]
    assert result.max_contacts_per_person_hour == 2


def test_an_automated_call_days_after_a_conversation_about_any_debt_is_caught():
    seen = [_call("C1", A, 0, spoke=True), _call("C2", A, 60 * 24 * 3), _call("C3", A, 60 * 24 * 8)]
    result = _audit(seen, gap=None)
    assert [v["sid"] for v in result.violations] == ["C2"]


def test_a_text_that_failed_reached_nobody_and_does_not_start_the_gap():
    failed = Seen("S1", Channel.SMS, A, T0, reached=False)
    result = _audit([failed, _call("C1", A, 1)])
    assert result.ok
    assert result.max_contacts_per_person_hour == 1
