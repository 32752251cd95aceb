"""FakeTelephony behaves like the port, and recovery logic works on it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dialer.clock import FakeClock
from dialer.telephony import (
    AmbiguousCreateError,
    InvalidNumberError,
    OptedOutError,
    RetryableTelephonyError,
    Telephony,
    TelephonyError,
    place_call_safely,
    recover_ambiguous_call,
)
from dialer.telephony.fake import FakeTelephony

START = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
ARGS = {
    "to": "+15551230001",
    "from_": "+15005550006",
    "answer_url": "https://x/answer",
    "status_url": "https://x/status",
    "amd_url": None,
    "timeout_seconds": 20,
    "machine_detection": False,
}


@pytest.fixture
def fake() -> FakeTelephony:
    return FakeTelephony(clock=FakeClock(START))


def test_it_satisfies_the_port(fake):
    port: Telephony = fake
    assert port is fake


def test_records_calls_and_messages(fake):
    call = fake.place_call(**ARGS)
    assert call.status == "queued"
    assert call.created_at == START
    assert fake.placed[0].answer_url == "https://x/answer"
    msg = fake.send_sms(to="+15551230001", from_="+15005550006", body="hi", status_url="s")
    assert fake.fetch_message(msg.sid).body == "hi"
    assert fake.sent[0].status_url == "s"
    assert fake.cancel_call(call.sid).status == "canceled"
    assert fake.hang_up(call.sid).status == "canceled"


def test_status_changes_and_hang_up(fake):
    call = fake.place_call(**ARGS)
    fake.set_call_status(call.sid, "in-progress", answered_by="human")
    assert fake.hang_up(call.sid).status == "completed"
    assert fake.fetch_call(call.sid).answered_by == "human"
    with pytest.raises(TelephonyError):
        fake.redirect_call(call.sid, url="https://x/vm")
    with pytest.raises(TelephonyError):
        fake.fetch_call("CA-missing")


def test_scripted_errors(fake):
    fake.fail_next("place_call", RetryableTelephonyError(20429, 429, "slow down"))
    with pytest.raises(RetryableTelephonyError):
        fake.place_call(**ARGS)
    assert fake.place_call(**ARGS).status == "queued"
    fake.fail_number("+15550000000", InvalidNumberError(21211, 400, "bad"))
    with pytest.raises(InvalidNumberError):
        fake.place_call(**{**ARGS, "to": "+15550000000"})
    fake.opted_out.add("+15551112222")
    with pytest.raises(OptedOutError):
        fake.send_sms(to="+15551112222", from_="+15005550006", body="x", status_url="s")


def test_find_calls_filters_by_numbers_and_time(fake):
    fake.place_call(**ARGS)
    fake.clock.advance(timedelta(minutes=5))
    later = fake.place_call(**ARGS)
    fake.place_call(**{**ARGS, "to": "+15559999999"})
    found = fake.find_calls(to=ARGS["to"], from_=ARGS["from_"], created_after=fake.clock.now())
    assert [c.sid for c in found] == [later.sid]


def test_recover_finds_the_call_that_was_placed(fake):
    reserved_at = fake.clock.now()
    fake.fail_next("place_call", fake.ambiguous(record=True))
    with pytest.raises(AmbiguousCreateError):
        fake.place_call(**ARGS)
    found = recover_ambiguous_call(
        fake, to=ARGS["to"], from_=ARGS["from_"], reserved_at=reserved_at
    )
    assert found is not None
    assert found.sid in fake.calls


def test_place_call_safely_adopts_the_call_or_stays_ambiguous_never_creating_twice(fake):
    reserved_at = fake.clock.now()
    fake.fail_next("place_call", fake.ambiguous(record=True))
    adopted = place_call_safely(fake, reserved_at=reserved_at, **ARGS)
    assert len(fake.calls) == 1
    assert adopted.sid in fake.calls

    other = FakeTelephony(clock=FakeClock(START))
    other.fail_next("place_call", other.ambiguous(record=False))
    with pytest.raises(AmbiguousCreateError):
        place_call_safely(other, reserved_at=reserved_at, **ARGS)
    assert not other.calls  # no blind second create: the attempt stays ambiguous


def test_place_call_safely_never_adopts_a_call_another_attempt_owns(fake):
    reserved_at = fake.clock.now()
    theirs = fake.place_call(**ARGS)
    fake.fail_next("place_call", fake.ambiguous(record=False))
    with pytest.raises(AmbiguousCreateError):
        place_call_safely(
            fake, reserved_at=reserved_at, owned=lambda sids: set(sids) & {theirs.sid}, **ARGS
        )
    assert list(fake.calls) == [theirs.sid]


def test_a_failed_lookup_after_an_ambiguous_create_stays_ambiguous(fake):
    reserved_at = fake.clock.now()
    fake.fail_next("place_call", fake.ambiguous(record=True))
    fake.fail_next("find_calls", RetryableTelephonyError(None, None, "lookup timed out"))
    with pytest.raises(AmbiguousCreateError):
        place_call_safely(fake, reserved_at=reserved_at, **ARGS)
    assert len(fake.calls) == 1
