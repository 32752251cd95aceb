"""The agent line's session state machine: placed, answered, ended; nothing else moves it."""

from __future__ import annotations

import pytest

from dialer.agents.line import LineEvent, next_state, room_name
from dialer.vocabulary import LineState

NONE, CALLING, CONNECTED = LineState.NONE, LineState.CALLING, LineState.CONNECTED


def test_a_session_goes_from_calling_the_phone_to_connected_to_ended() -> None:
    assert next_state(NONE, LineEvent.PLACED) is CALLING
    assert next_state(CALLING, LineEvent.ANSWERED) is CONNECTED
    assert next_state(CONNECTED, LineEvent.ENDED) is NONE


def test_a_phone_that_never_answered_ends_the_session_too() -> None:
    assert next_state(CALLING, LineEvent.ENDED) is NONE


@pytest.mark.parametrize(
    ("state", "event"),
    [
        (CALLING, LineEvent.PLACED),  # a second connect while the phone rings
        (CONNECTED, LineEvent.PLACED),  # or while the line is up
        (NONE, LineEvent.ANSWERED),  # an answer for a line already hung up from the desk
        (CONNECTED, LineEvent.ANSWERED),  # a replayed answer
        (NONE, LineEvent.ENDED),  # a late status for a line already ended
    ],
)
def test_events_that_do_not_apply_change_nothing(state: LineState, event: LineEvent) -> None:
    assert next_state(state, event) is None


def test_rooms_are_named_for_the_agent_without_personal_data() -> None:
    assert room_name(12) == "agent-line-12"
