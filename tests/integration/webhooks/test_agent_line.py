"""The agent line through the webhooks: the dialer calls the agent's phone once; answering
puts them in their room; a predictive call's person is bridged into that room (no ring, no
two-second gamble on the agent's phone); the line dropping ends the session, sets the agent
away with the reason, and nothing more is bridged to them."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from dialer.agents.line_session import connect_line, hang_up_line
from dialer.bootstrap import Services
from dialer.db.models import User
from dialer.telephony.fake import FakeTelephony
from tests.integration.webhooks.builders import make_agent
from tests.integration.webhooks.conftest import Twilio
from tests.integration.webhooks.helpers import attempt_row, rows
from tests.integration.webhooks.test_predictive_answer import _predictive_call, _redirects

AGENT_PHONE = "+16175550199"


@dataclass
class Line:
    agent_id: int
    attempt_id: int
    sid: str
    fake: FakeTelephony


def _agent(services: Services, agent_id: int) -> User:
    return rows(services.sessions, User, User.id == agent_id)[0]


def _connect(services: Services) -> Line:
    """An available agent, a predictive call in flight (its campaign's caller ID calls the
    agent), and the agent connecting their phone."""
    agent_id = make_agent(services.sessions, now=services.clock.now(), phone=AGENT_PHONE)
    attempt_id = _predictive_call(services)
    fake = FakeTelephony(clock=services.clock)
    sid = connect_line(
        services.sessions,
        fake,
        agent_id=agent_id,
        now=services.clock.now(),
        base_url=services.settings.public_base_url,
    )
    return Line(agent_id, attempt_id, sid, fake)


def _answer_line(twilio: Twilio, line: Line) -> str:
    line.fake.set_call_status(line.sid, "in-progress")
    path = f"/twilio/voice/line?agent={line.agent_id}"
    return twilio.post(path, {"CallSid": line.sid}).get_data(as_text=True)


def _status(twilio: Twilio, line: Line, status: str, seq: int) -> None:
    data = {"CallSid": line.sid, "CallStatus": status, "SequenceNumber": str(seq)}
    path = f"/twilio/voice/line-status?agent={line.agent_id}"
    assert twilio.post(path, data).status_code == 204


def test_a_connected_line_takes_a_predictive_call_into_the_agents_room(
    twilio: Twilio, services: Services
) -> None:
    line = _connect(services)
    (placed,) = line.fake.placed
    assert (placed.call.to, placed.call.from_) == (AGENT_PHONE, "+16175559999")
    assert placed.answer_url.endswith(f"/twilio/voice/line?agent={line.agent_id}")
    assert _agent(services, line.agent_id).line_state == "calling"

    room = f"agent-line-{line.agent_id}"
    assert f'startConferenceOnEnter="true" waitUrl="">{room}</Conference>' in _answer_line(
        twilio, line
    )
    agent = _agent(services, line.agent_id)
    assert (agent.line_state, agent.line_call_sid) == ("connected", line.sid)

    body = twilio.answer(line.attempt_id).get_data(as_text=True)
    assert f">{room}</Conference>" in body
    assert "<Number>" not in body  # the agent's phone is not rung for the call
    assert "<Say" not in body
    agent = _agent(services, line.agent_id)
    assert (agent.availability, agent.current_attempt_id) == ("on_call", line.attempt_id)
    twilio.call_status(line.attempt_id, "completed", 4, CallDuration="90")
    assert attempt_row(services.sessions, line.attempt_id).outcome != "abandoned"
    assert _agent(services, line.agent_id).line_state == "connected"  # still in their room


def test_the_line_dropping_sets_the_agent_away_and_no_call_is_bridged_to_them(
    twilio: Twilio, services: Services
) -> None:
    line = _connect(services)
    _answer_line(twilio, line)

    _status(twilio, line, "completed", 3)  # the agent's phone hung up

    agent = _agent(services, line.agent_id)
    assert (agent.line_state, agent.availability) == ("", "away")
    assert agent.line_note == "dropped"  # the desk says: your phone hung up; you are away
    body = twilio.answer(line.attempt_id).get_data(as_text=True)
    assert "Conference" not in body
    assert "All of our agents are busy right now" in body  # abandoned, identified at once


def test_a_line_dropping_after_the_pick_leaves_the_person_no_silent_room(
    app: Flask, twilio: Twilio, services: Services
) -> None:
    """The line drops between the agent's pick and the answer (its status callback not in
    yet): the person joins an empty room. Twilio requests the room's waitUrl (only the agent
    starts it); the call is redirected at once to the abandoned call's path: the
    identification message first, the agent away, the callback offer."""
    fake = _redirects(app, services)
    line = _connect(services)
    _answer_line(twilio, line)
    body = twilio.answer(line.attempt_id).get_data(as_text=True)
    wait = f"/twilio/voice/wait?attempt={line.attempt_id}"
    assert f'waitUrl="{services.settings.public_base_url}{wait}"' in body

    waiting = twilio.post(wait, {"CallSid": "CA" + "1" * 32})  # nobody started the room

    assert waiting.status_code == 200
    assert "<Say" not in waiting.get_data(as_text=True)  # waitUrl TwiML: a pause, no Dial
    (redirected,) = fake.redirected
    assert redirected.endswith(f"/twilio/voice/gather?attempt={line.attempt_id}&stage=dial&try=1")
    after = twilio.gather(line.attempt_id, "dial", "").get_data(as_text=True)
    assert "All of our agents are busy right now" in after.split("<Say", 2)[1]
    assert "stage=callback" in after
    twilio.call_status(line.attempt_id, "completed", 4, CallDuration="20")
    assert attempt_row(services.sessions, line.attempt_id).outcome == "abandoned"
    assert _agent(services, line.agent_id).availability == "away"


def test_a_phone_that_does_not_answer_leaves_no_line_and_says_why(
    twilio: Twilio, services: Services
) -> None:
    line = _connect(services)
    _status(twilio, line, "no-answer", 2)
    agent = _agent(services, line.agent_id)
    assert (agent.line_state, agent.availability) == ("", "away")
    assert agent.line_note == "no-answer"
    # a late answer for that call finds no line: the phone is hung up, nothing is connected
    assert "<Hangup />" in _answer_line(twilio, line)
    assert _agent(services, line.agent_id).line_state == ""


def test_hanging_up_from_the_desk_ends_the_call_and_keeps_the_agent_available(
    twilio: Twilio, services: Services
) -> None:
    line = _connect(services)
    _answer_line(twilio, line)

    hang_up_line(services.sessions, line.fake, agent_id=line.agent_id, now=services.clock.now())

    assert line.fake.calls[line.sid].status == "completed"
    _status(twilio, line, "completed", 3)  # its status callback changes nothing more
    agent = _agent(services, line.agent_id)
    assert (agent.line_state, agent.availability) == ("", "available")
    assert agent.line_note == "desk"
    body = twilio.answer(line.attempt_id).get_data(as_text=True)
    assert f"<Number>{AGENT_PHONE}</Number>" in body  # without a line, their phone rings
