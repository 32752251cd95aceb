"""Recording on every kind of call, end to end: the web app on a real port, the Twilio
emulator calling it back, the emulator's own logs (what each party heard, the TwiML each leg
executed, the Recordings list read with the official client) as the evidence.

- a manual call (the agent's phone rings first) to Massachusetts (every party must consent):
  the consumer's leg hears the notice, and only then does recording start, on that leg;
  to Texas (one party): recorded from the consumer's answer, no notice;
- an automated (IVR) call to Massachusetts: the notice is the first thing heard, recording
  starts after it; to Texas: recorded from the answer; to Puerto Rico (no rule): never.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from twilio.rest import Client

from dialer.agents.manual_call import reserve_manual_call
from dialer.bootstrap import Services
from dialer.campaigns import create_campaign, parse_definition
from dialer.clock import FakeClock
from dialer.compliance import load_rule_packs
from dialer.db.engine import transaction
from dialer.db.models import CaseEvent, Consumer, ContactAttempt, Debt, Phone
from dialer.dispatch.place import place
from dialer.pacing import Pacer, PacingConfig
from dialer.recordings.retention import delete_expired_recordings
from dialer.telephony.twilio_gateway import RebasedHttpClient, TwilioTelephony
from dialer.vocabulary import AttemptStatus, CollectorType
from tests.e2e.test_voice_flow import AGENT_PHONE, OUR_NUMBER, _agent, served
from tests.e2e.workers_support import emulator_calls
from twilio_emulator.testing import EmulatorHandle, running_emulator

__all__ = ["served"]  # the fixture: the web app on a real port, signed for the emulator

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

WEEKDAY = datetime(2026, 3, 17, 15, 0, tzinfo=UTC)  # 11:00 in Boston, 10:00 in Austin
NUMBERS = {"MA": "+16175550142", "TX": "+15125550142", "PR": "+17875550142"}
NOTICE = "This call will be recorded."


@pytest.fixture
def emulator() -> Iterator[EmulatorHandle]:
    with running_emulator(speed=40.0, cps=20.0) as handle:
        yield handle


def _recorded_case(services: Services, state: str) -> tuple[int, int]:
    """A consumer in `state` whose debt belongs to a campaign that records (announce)."""
    definition = parse_definition(
        {
            "name": "recorded",
            "audience": {"countries": ["US"], "states": ["MA", "TX"]},
            "steps": [{"kind": "sms", "template": "reminder_friendly"}],
            "caller_ids": {"numbers": [OUR_NUMBER]},
            "recording": {"enabled": True, "all_party_consent": "announce"},
        },
        source="test",
    )
    with transaction(services.sessions) as session:
        campaign = create_campaign(
            session,
            definition,
            packs=load_rule_packs(),
            now=WEEKDAY,
            collector=CollectorType.FIRST_PARTY,
        )
        consumer = Consumer(
            external_ref=f"REC-{state}",
            first_name="Ana",
            last_name="Diaz",
            language="en",
            country="US",
            state=state,
            created_at=WEEKDAY,
            updated_at=WEEKDAY,
        )
        session.add(consumer)
        session.flush()
        debt = Debt(
            external_ref=f"REC-D-{state}",
            consumer_id=consumer.id,
            campaign_id=campaign.id,
            creditor="Acme Bank",
            balance=Decimal("420.00"),
            currency="USD",
            jurisdiction=f"US-{state}",
            created_at=WEEKDAY,
            updated_at=WEEKDAY,
        )
        phone = Phone(
            consumer_id=consumer.id, e164=NUMBERS[state], phone_type="mobile", consent=True
        )
        session.add_all([debt, phone])
        session.flush()
        return campaign.id, debt.id


def _client(emulator: EmulatorHandle) -> Client:
    http = RebasedHttpClient(emulator.base_url, timeout=30)
    return Client(emulator.account_sid, emulator.auth_token, http_client=http)


def _spoken_seconds(text: str) -> float:
    """How long the emulator speaks `text` (2.5 words a second), less the 3-decimal rounding
    of the two stamps compared."""
    return len(text.split()) / 2.5 - 0.01


def _started(executed: list[dict]) -> list[dict]:
    return [row for row in executed if row.get("event") == "recording-started"]


def _attempt_and_timeline(services: Services, attempt_id: int) -> tuple[ContactAttempt, list]:
    with services.sessions() as session:
        attempt = session.get(ContactAttempt, attempt_id)
        details = session.scalars(
            select(CaseEvent.detail).where(
                CaseEvent.attempt_id == attempt_id, CaseEvent.kind == "recording_started"
            )
        ).all()
    assert attempt is not None
    return attempt, list(details)


@pytest.mark.parametrize("state", ["MA", "TX"])
def test_a_manual_call_is_recorded_only_after_the_consumer_heard_the_notice(
    emulator: EmulatorHandle, served: Services, state: str
) -> None:
    services = served
    packs = load_rule_packs()
    _, debt_id = _recorded_case(services, state)
    agent_id = _agent(services)
    with transaction(services.sessions) as session:
        reservation = reserve_manual_call(
            session, debt_id=debt_id, agent_id=agent_id, actor="ines", now=WEEKDAY, packs=packs
        )
    emulator.script(AGENT_PHONE, call="human", ring_seconds=1, talk_seconds=6)
    emulator.script(NUMBERS[state], call="human", ring_seconds=1, talk_seconds=6)
    telephony = TwilioTelephony.create(
        emulator.account_sid, emulator.auth_token, emulator.base_url, 5
    )
    placement = place(
        reservation,
        sessions=services.sessions,
        telephony=telephony,
        pacer=Pacer(PacingConfig(calls_per_second=5, namespace=f"rec-{state}"), account="AC"),
        base_url=services.settings.public_base_url,
        clock=FakeClock(WEEKDAY),
    )
    assert placement.result == "placed"
    assert emulator.wait_idle(timeout=60)

    (leg,) = [c for c in emulator_calls(emulator) if c.direction == "outbound-dial"]
    assert (leg.to, leg.parent_call_sid) == (NUMBERS[state], placement.sid)
    agent_dial = [row for row in emulator.executed(placement.sid) if row.get("verb") == "Dial"]
    heard = emulator.heard(leg.sid)
    leg_started = _started(emulator.executed(leg.sid))
    (recording,) = _client(emulator).recordings.list()
    attempt, timeline = _attempt_and_timeline(services, reservation.attempt_id)
    assert attempt.recording_sid == recording.sid
    if state == "MA":
        # Nothing records from the consumer's answer; their leg hears the notice first, then
        # recording starts on that leg (and runs through the bridge).
        assert "record" not in agent_dial[0]["attributes"]
        assert heard[0]["text"].startswith(NOTICE)
        (started,) = leg_started
        assert started["at"] >= heard[0]["at"] + _spoken_seconds(heard[0]["text"])
        assert recording.call_sid == leg.sid
        assert (attempt.recording_basis, timeline[0]["mechanism"]) == ("announced", "consumer_leg")
        assert timeline[0]["rule"] == "us-ma.recording-consent"
    else:
        # One party's consent suffices: the bridge records from the consumer's answer.
        assert agent_dial[0]["attributes"]["record"] == "record-from-answer-dual"
        assert not any(NOTICE in row["text"] for row in heard)
        assert leg_started == []
        assert recording.call_sid == placement.sid
        assert attempt.recording_basis == "one_party"
    # Kept for the retention, then deleted at the provider like every other recording.
    ended = attempt.ended_at or attempt.attempted_at
    report = delete_expired_recordings(
        services.sessions, telephony, packs=packs, now=ended + timedelta(days=1096)
    )
    assert report.deleted == [recording.sid]
    assert _client(emulator).recordings.list() == []


@pytest.mark.parametrize("state", ["MA", "TX", "PR"])
def test_an_automated_call_is_recorded_after_the_notice_and_never_where_no_rule_covers(
    emulator: EmulatorHandle, served: Services, state: str
) -> None:
    services = served
    base = services.settings.public_base_url
    campaign_id, debt_id = _recorded_case(services, state)
    with transaction(services.sessions) as session:
        consumer_id, phone_id = session.execute(
            select(Phone.consumer_id, Phone.id).where(Phone.e164 == NUMBERS[state])
        ).one()
        attempt = ContactAttempt(
            consumer_id=consumer_id,
            debt_id=debt_id,
            campaign_id=campaign_id,
            phone_id=phone_id,
            channel="call",
            status=AttemptStatus.RESERVED.value,
            attempted_at=WEEKDAY,
            reserved_at=WEEKDAY,
            from_number=OUR_NUMBER,
            to_number=NUMBERS[state],
        )
        session.add(attempt)
        session.flush()
        attempt_id = attempt.id
    emulator.script(NUMBERS[state], call="human", digits=["1"], ring_seconds=1, talk_seconds=4)
    telephony = TwilioTelephony.create(
        emulator.account_sid, emulator.auth_token, emulator.base_url, 5
    )
    query = f"attempt={attempt_id}"
    call = telephony.place_call(
        to=NUMBERS[state],
        from_=OUR_NUMBER,
        answer_url=f"{base}/twilio/voice/answer?{query}",
        status_url=f"{base}/twilio/voice/status?{query}",
        amd_url=f"{base}/twilio/voice/amd?{query}",
        timeout_seconds=20,
        machine_detection=True,
    )
    assert emulator.wait_idle(timeout=60)

    heard = emulator.heard(call.sid)
    started = _started(emulator.executed(call.sid))
    recordings = _client(emulator).recordings.list(call_sid=call.sid)
    attempt, timeline = _attempt_and_timeline(services, attempt_id)
    if state == "PR":  # no rule says whose consent it needs there: never recorded
        assert (started, recordings, timeline) == ([], [], [])
        assert (attempt.recording_basis, attempt.recording_sid) == (None, None)
        return
    (recording,) = recordings
    (start,) = started
    assert attempt.recording_sid == recording.sid
    assert len(heard) > 1  # the identity question followed
    if state == "MA":
        # The notice is the first thing heard; recording starts once it was said, before the
        # identity question.
        assert heard[0]["text"].startswith(NOTICE)
        assert heard[0]["at"] + _spoken_seconds(heard[0]["text"]) <= start["at"]
        assert start["at"] <= heard[1]["at"]
        assert (attempt.recording_basis, timeline[0]["rule"]) == (
            "announced",
            "us-ma.recording-consent",
        )
    else:
        assert not any(NOTICE in row["text"] for row in heard)
        assert start["at"] <= heard[0]["at"]  # from the answer
        assert attempt.recording_basis == "one_party"
    assert timeline[0]["mechanism"] == "start"
