"""The keypad flow: identity first, disclosure after, and each choice lands in the case."""

from __future__ import annotations

from dialer.bootstrap import Services
from dialer.db.engine import transaction
from dialer.db.models import ConsumerFlagRecord, ContactAttempt, OptOut, User
from tests.integration.webhooks.builders import make_agent, make_case
from tests.integration.webhooks.conftest import Twilio
from tests.integration.webhooks.helpers import (
    attempt_row,
    debt_row,
    event_kinds,
    phone_row,
    rows,
)

DISCLOSURE = "This is Dialer Recovery Services, a debt collector."


def test_human_confirms_then_hears_the_disclosure_and_the_menu(
    twilio: Twilio, services: Services
) -> None:
    case = make_case(services.sessions, now=services.clock.now())
    first = twilio.answer(case.attempt_id, AnsweredBy="human").get_data(as_text=True)
    assert "Press 1 if you are Maria" in first
    assert "Acme" not in first
    assert "debt" not in first
    menu = twilio.gather(case.attempt_id, "identity", "1").get_data(as_text=True)
    assert DISCLOSURE in menu
    assert "Acme Bank" in menu
    assert "$1,234.50" in menu
    assert "stage=menu" in menu
    attempt = attempt_row(services.sessions, case.attempt_id)
    assert attempt.identity_confirmed
    assert attempt.status == "in_progress"


def test_spanish_consumer_is_spoken_to_in_spanish(twilio: Twilio, services: Services) -> None:
    case = make_case(services.sessions, now=services.clock.now(), language="es")
    body = twilio.answer(case.attempt_id).get_data(as_text=True)
    assert 'language="es-US"' in body
    assert "Oprima 1 si usted es Maria" in body


def test_machine_on_answer_gets_the_limited_content_voicemail(
    twilio: Twilio, services: Services
) -> None:
    case = make_case(services.sessions, now=services.clock.now())
    body = twilio.answer(case.attempt_id, AnsweredBy="machine_end_beep").get_data(as_text=True)
    assert "Please call me back at +16175559999" in body
    assert "<Hangup" in body
    assert "Acme" not in body
    assert "debt" not in body.lower()
    assert event_kinds(services.sessions, case.consumer_id) == ["voicemail"]


def test_not_me_marks_the_number_wrong_party(twilio: Twilio, services: Services) -> None:
    case = make_case(services.sessions, now=services.clock.now())
    twilio.answer(case.attempt_id)
    body = twilio.gather(case.attempt_id, "identity", "2").get_data(as_text=True)
    assert "<Hangup" in body
    assert "Acme" not in body
    twilio.call_status(case.attempt_id, "completed", 4, CallDuration="12")
    assert attempt_row(services.sessions, case.attempt_id).outcome == "wrong_party"
    assert phone_row(services.sessions, case.phone_id).status == "wrong_party"
    assert event_kinds(services.sessions, case.consumer_id) == ["wrong_party", "call_ended"]


def test_not_my_debt_records_a_dispute_and_pauses_the_debt(
    twilio: Twilio, services: Services
) -> None:
    case = make_case(services.sessions, now=services.clock.now())
    twilio.answer(case.attempt_id)
    twilio.gather(case.attempt_id, "identity", "1")
    body = twilio.gather(case.attempt_id, "menu", "3").get_data(as_text=True)
    assert "dispute" in body
    assert "<Hangup" in body
    flags = rows(
        services.sessions, ConsumerFlagRecord, ConsumerFlagRecord.consumer_id == case.consumer_id
    )
    assert [(f.flag, f.debt_id, f.source) for f in flags] == [
        ("dispute_pending", case.debt_id, "ivr")
    ]
    twilio.call_status(case.attempt_id, "completed", 4, CallDuration="40")
    # The call ending does not un-pause the disputed debt.
    assert debt_row(services.sessions, case.debt_id).next_contact_at is None
    assert attempt_row(services.sessions, case.attempt_id).outcome == "conversation"
    assert event_kinds(services.sessions, case.consumer_id) == [
        "identity_confirmed",
        "dispute",
        "call_ended",
    ]


def test_stop_calling_adds_a_call_opt_out(twilio: Twilio, services: Services) -> None:
    case = make_case(services.sessions, now=services.clock.now())
    twilio.gather(case.attempt_id, "identity", "1")
    twilio.gather(case.attempt_id, "menu", "4")
    opt_outs = rows(services.sessions, OptOut, OptOut.phone_id == case.phone_id)
    assert [(o.channel, o.source, o.revoked_at) for o in opt_outs] == [("call", "ivr", None)]


def test_callback_window_is_recorded(twilio: Twilio, services: Services) -> None:
    case = make_case(services.sessions, now=services.clock.now())
    twilio.gather(case.attempt_id, "identity", "1")
    assert "stage=callback" in twilio.gather(case.attempt_id, "menu", "2").get_data(as_text=True)
    body = twilio.gather(case.attempt_id, "callback", "3").get_data(as_text=True)
    assert "call you back in the evening" in body
    assert attempt_row(services.sessions, case.attempt_id).callback_requested
    assert event_kinds(services.sessions, case.consumer_id)[-1] == "callback_requested"


def test_agent_now_reserves_an_agent_and_whispers_the_case(
    twilio: Twilio, services: Services
) -> None:
    now = services.clock.now()
    case = make_case(services.sessions, now=now)
    agent_id = make_agent(services.sessions, now=now)
    make_agent(services.sessions, now=now, username="away", phone="+16175550198", available=False)
    twilio.answer(case.attempt_id)
    twilio.gather(case.attempt_id, "identity", "1")
    body = twilio.gather(case.attempt_id, "menu", "1").get_data(as_text=True)
    assert "<Number" in body
    assert "+16175550199</Number>" in body
    assert f"whisper?attempt={case.attempt_id}" in body
    agent = rows(services.sessions, User, User.id == agent_id)[0]
    assert (agent.availability, agent.current_attempt_id) == ("on_call", case.attempt_id)
    whisper = twilio.post(
        f"/twilio/voice/whisper?attempt={case.attempt_id}", {"CallSid": "CA" + "5" * 32}
    ).get_data(as_text=True)
    assert "Incoming call for Maria, Acme Bank account, balance $1,234.50" in whisper
    twilio.call_status(case.attempt_id, "completed", 4, CallDuration="300")
    agent = rows(services.sessions, User, User.id == agent_id)[0]
    assert (agent.availability, agent.current_attempt_id) == ("wrap_up", None)
    assert attempt_row(services.sessions, case.attempt_id).agent_id == agent_id


def test_no_agent_free_is_an_abandoned_call_not_a_conversation(
    twilio: Twilio, services: Services
) -> None:
    """Pressed 1 for an agent, nobody free: the consumer hears who is calling and how to call
    back, is offered a callback, and the call ends as `abandoned`: no conversation (no
    lockout, no right-party contact), and no callback request unless they choose a time."""
    case = make_case(services.sessions, now=services.clock.now())
    twilio.gather(case.attempt_id, "identity", "1")
    body = twilio.gather(case.attempt_id, "menu", "1").get_data(as_text=True)
    assert "All of our agents are busy right now" in body
    assert "Please call me back" not in body
    assert "You can call us back at +16175559999" in body
    assert "stage=callback" in body
    assert not attempt_row(services.sessions, case.attempt_id).callback_requested
    assert "agent_unavailable" in event_kinds(services.sessions, case.consumer_id)
    twilio.call_status(case.attempt_id, "completed", 4, CallDuration="40")
    attempt = attempt_row(services.sessions, case.attempt_id)
    assert (attempt.status, attempt.outcome) == ("completed", "abandoned")


def test_an_abandoned_caller_who_picks_a_time_has_a_callback_request(
    twilio: Twilio, services: Services
) -> None:
    case = make_case(services.sessions, now=services.clock.now())
    twilio.gather(case.attempt_id, "identity", "1")
    twilio.gather(case.attempt_id, "menu", "1")
    body = twilio.gather(case.attempt_id, "callback", "1").get_data(as_text=True)
    assert "call you back in the morning" in body
    twilio.call_status(case.attempt_id, "completed", 4, CallDuration="40")
    attempt = attempt_row(services.sessions, case.attempt_id)
    assert attempt.callback_requested
    assert attempt.outcome == "abandoned"


def test_an_agent_who_does_not_pick_up_abandons_the_call_and_steps_away(
    twilio: Twilio, services: Services
) -> None:
    now = services.clock.now()
    case = make_case(services.sessions, now=now)
    agent_id = make_agent(services.sessions, now=now)
    twilio.gather(case.attempt_id, "identity", "1")
    twilio.gather(case.attempt_id, "menu", "1")
    path = f"/twilio/voice/gather?attempt={case.attempt_id}&stage=dial&try=1"
    body = twilio.post(path, {"CallSid": "CA" + "1" * 32, "DialCallStatus": "no-answer"}).get_data(
        as_text=True
    )
    assert "You can call us back at" in body
    twilio.call_status(case.attempt_id, "completed", 4, CallDuration="40")
    assert attempt_row(services.sessions, case.attempt_id).outcome == "abandoned"
    assert rows(services.sessions, User, User.id == agent_id)[0].availability == "away"


def test_no_input_repeats_once_then_hangs_up(twilio: Twilio, services: Services) -> None:
    case = make_case(services.sessions, now=services.clock.now())
    again = twilio.gather(case.attempt_id, "identity", "", tries=1).get_data(as_text=True)
    assert "Sorry, we did not get that." in again
    assert "try=2" in again
    bye = twilio.gather(case.attempt_id, "identity", "", tries=2).get_data(as_text=True)
    assert "We did not receive a choice. Goodbye." in bye
    assert "<Hangup" in bye


def test_a_duplicate_gather_gets_the_same_twiml_and_changes_nothing(
    twilio: Twilio, services: Services
) -> None:
    now = services.clock.now()
    case = make_case(services.sessions, now=now)
    make_agent(services.sessions, now=now)
    make_agent(services.sessions, now=now, username="a2", phone="+16175550198")
    twilio.gather(case.attempt_id, "identity", "1")
    first = twilio.gather(case.attempt_id, "menu", "1").get_data(as_text=True)
    again = twilio.gather(case.attempt_id, "menu", "1").get_data(as_text=True)
    assert first == again
    on_call = rows(services.sessions, User, User.availability == "on_call")
    assert len(on_call) == 1


def _manual(services: Services, attempt_id: int, agent_id: int) -> None:
    with transaction(services.sessions) as session:
        attempt = session.get(ContactAttempt, attempt_id)
        assert attempt is not None
        attempt.origin, attempt.mode, attempt.agent_id = "agent", "agent", agent_id


def test_a_manual_call_answered_by_the_agent_dials_the_consumer_with_no_prompt(
    twilio: Twilio, services: Services
) -> None:
    now = services.clock.now()
    case = make_case(services.sessions, now=now)
    _manual(services, case.attempt_id, make_agent(services.sessions, now=now))
    body = twilio.answer(case.attempt_id).get_data(as_text=True)
    assert "<Say" not in body
    assert "<Number>+16175550100</Number>" in body
    assert 'callerId="+16175559999"' in body
    path = f"/twilio/voice/gather?attempt={case.attempt_id}&stage=dial&try=1"
    twilio.post(path, {"CallSid": "CA" + "1" * 32, "DialCallStatus": "completed"})
    twilio.call_status(case.attempt_id, "completed", 4, CallDuration="120")
    assert attempt_row(services.sessions, case.attempt_id).outcome == "conversation"


def test_a_manual_call_the_consumer_does_not_answer_is_a_no_answer(
    twilio: Twilio, services: Services
) -> None:
    now = services.clock.now()
    case = make_case(services.sessions, now=now)
    _manual(services, case.attempt_id, make_agent(services.sessions, now=now))
    twilio.answer(case.attempt_id)
    path = f"/twilio/voice/gather?attempt={case.attempt_id}&stage=dial&try=1"
    twilio.post(path, {"CallSid": "CA" + "1" * 32, "DialCallStatus": "no-answer"})
    twilio.call_status(case.attempt_id, "completed", 4, CallDuration="25")
    assert attempt_row(services.sessions, case.attempt_id).outcome == "no_answer"
    assert "consumer_leg" in event_kinds(services.sessions, case.consumer_id)


def test_a_spanish_speaker_is_bridged_to_the_agent_who_speaks_spanish(
    twilio: Twilio, services: Services
) -> None:
    now = services.clock.now()
    case = make_case(services.sessions, now=now, language="es")
    make_agent(services.sessions, now=now, username="en1", phone="+16175550181")
    spanish = make_agent(services.sessions, now=now, username="es1", phone="+16175550182")
    with transaction(services.sessions) as session:
        agent = session.get(User, spanish)
        assert agent is not None
        agent.language = "es"
    twilio.answer(case.attempt_id)
    twilio.gather(case.attempt_id, "identity", "1")
    body = twilio.gather(case.attempt_id, "menu", "1").get_data(as_text=True)
    assert "+16175550182</Number>" in body
    assert attempt_row(services.sessions, case.attempt_id).agent_id == spanish


def test_a_call_placed_to_the_agent_first_dials_the_consumer_when_the_agent_answers(
    twilio: Twilio, services: Services
) -> None:
    """A scheduled callback placed with ring_first: Twilio's To is the agent's phone."""
    now = services.clock.now()
    case = make_case(services.sessions, now=now)
    agent_leg = twilio.answer(case.attempt_id, To="+16175550199").get_data(as_text=True)
    assert "<Say" not in agent_leg
    assert "<Number>+16175550100</Number>" in agent_leg
    other = make_case(services.sessions, now=now, ref="C2", number="+16175550101")
    consumer_leg = twilio.post(
        f"/twilio/voice/answer?attempt={other.attempt_id}",
        {"CallSid": "CA" + "2" * 32, "CallStatus": "in-progress", "To": "+16175550101"},
    ).get_data(as_text=True)
    assert "Press 1 if you are Maria" in consumer_leg
