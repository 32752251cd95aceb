"""The attempt state machine: forward only, terminal final, order of arrival irrelevant."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dialer.attempts import (
    apply_call_status,
    apply_sms_status,
    call_outcome,
    provider_accepted,
    refuse,
    release,
    revive,
    sms_outcome,
    start_dialing,
)
from dialer.vocabulary import AttemptStatus, Outcome

S = AttemptStatus


def test_a_call_moves_forward() -> None:
    status = S.RESERVED
    for reported, expected in [
        ("queued", S.QUEUED),
        ("initiated", S.INITIATED),
        ("ringing", S.RINGING),
        ("in-progress", S.IN_PROGRESS),
        ("completed", S.COMPLETED),
    ]:
        status = apply_call_status(status, reported)
        assert status is expected


def test_late_ringing_never_overwrites_completed() -> None:
    assert apply_call_status(S.COMPLETED, "ringing") is S.COMPLETED
    assert apply_call_status(S.IN_PROGRESS, "ringing") is S.IN_PROGRESS


@pytest.mark.parametrize("terminal", [S.COMPLETED, S.BUSY, S.NO_ANSWER, S.FAILED, S.CANCELED])
@pytest.mark.parametrize(
    "reported",
    ["queued", "ringing", "in-progress", "completed", "busy", "failed", "no-answer", "canceled"],
)
def test_terminal_states_are_final(terminal: AttemptStatus, reported: str) -> None:
    assert apply_call_status(terminal, reported) is terminal


def test_unknown_status_changes_nothing() -> None:
    assert apply_call_status(S.RINGING, "exploded") is S.RINGING


def test_sms_statuses() -> None:
    assert apply_sms_status(S.QUEUED, "sent") is S.SENT
    assert apply_sms_status(S.DELIVERED, "sent") is S.DELIVERED
    assert apply_sms_status(S.SENT, "sending") is S.SENT
    assert apply_sms_status(S.SENT, "undelivered") is S.UNDELIVERED
    assert apply_sms_status(S.FAILED, "delivered") is S.FAILED


CALL_SEQUENCE = ["queued", "initiated", "ringing", "in-progress", "completed"]


@settings(max_examples=200, deadline=None)
@given(st.permutations(CALL_SEQUENCE), st.lists(st.sampled_from(CALL_SEQUENCE), max_size=5))
def test_any_order_with_duplicates_ends_where_the_ordered_sequence_ends(
    order: list[str], duplicates: list[str]
) -> None:
    status = S.RESERVED
    for reported in order + duplicates:
        status = apply_call_status(status, reported)
    assert status is S.COMPLETED


def test_the_result_is_the_furthest_status_seen() -> None:
    for length in range(1, 5):
        for subset in itertools.permutations(CALL_SEQUENCE[:4], length):
            status = S.RESERVED
            for reported in subset:
                status = apply_call_status(status, reported)
            furthest = max(subset, key=CALL_SEQUENCE.index)
            assert status is apply_call_status(S.RESERVED, furthest)


@pytest.mark.parametrize(
    ("status", "answered_by", "confirmed", "current", "expected"),
    [
        (S.COMPLETED, "human", True, None, Outcome.CONVERSATION),
        (S.COMPLETED, "human", False, None, Outcome.CONVERSATION),
        (S.COMPLETED, "machine_end_beep", False, None, Outcome.VOICEMAIL),
        (S.COMPLETED, "fax", False, None, Outcome.VOICEMAIL),
        (S.COMPLETED, "human", True, Outcome.WRONG_PARTY, Outcome.WRONG_PARTY),
        # asked for an agent, got none: abandoned even though they confirmed who they are
        (S.COMPLETED, "human", True, Outcome.ABANDONED, Outcome.ABANDONED),
        # no agent when answered, then AMD said machine: never a live answer, a voicemail
        (S.COMPLETED, "machine_end_beep", False, Outcome.ABANDONED, Outcome.VOICEMAIL),
        (S.COMPLETED, "fax", False, Outcome.ABANDONED, Outcome.VOICEMAIL),
        (S.IN_PROGRESS, "machine_start", False, Outcome.ABANDONED, None),
        # AMD unsure, or a person confirmed who they are: a live answer, abandoned
        (S.COMPLETED, "unknown", False, Outcome.ABANDONED, Outcome.ABANDONED),
        (S.COMPLETED, None, False, Outcome.ABANDONED, Outcome.ABANDONED),
        (S.COMPLETED, "machine_end_beep", True, Outcome.ABANDONED, Outcome.ABANDONED),
        # a call that rang the agent first: the consumer's leg decides
        (S.COMPLETED, None, False, Outcome.NO_ANSWER, Outcome.NO_ANSWER),
        (S.COMPLETED, None, False, Outcome.BUSY, Outcome.BUSY),
        (S.BUSY, None, False, None, Outcome.BUSY),
        (S.NO_ANSWER, None, False, None, Outcome.NO_ANSWER),
        (S.FAILED, None, False, None, Outcome.FAILED),
        (S.CANCELED, None, False, None, Outcome.CANCELED),
        (S.RINGING, None, False, None, None),
    ],
)
def test_call_outcomes(
    status: AttemptStatus,
    answered_by: str | None,
    confirmed: bool,
    current: Outcome | None,
    expected: Outcome | None,
) -> None:
    assert (
        call_outcome(status, answered_by=answered_by, identity_confirmed=confirmed, current=current)
        is expected
    )


def test_a_machine_that_chose_a_callback_time_was_a_person_after_all() -> None:
    """Keys pressed at the callback offer: a person heard it, whatever AMD says."""
    outcome = call_outcome(
        S.COMPLETED,
        answered_by="machine_end_silence",
        identity_confirmed=False,
        current=Outcome.ABANDONED,
        callback_chosen=True,
    )
    assert outcome is Outcome.ABANDONED


def test_sms_outcomes() -> None:
    assert sms_outcome(S.SENT) is Outcome.SENT
    assert sms_outcome(S.DELIVERED) is Outcome.DELIVERED
    assert sms_outcome(S.UNDELIVERED) is Outcome.UNDELIVERED
    assert sms_outcome(S.QUEUED) is None


def test_before_the_provider_an_attempt_goes_reserved_dialing_queued() -> None:
    assert start_dialing(S.RESERVED) is S.DIALING
    assert provider_accepted(S.DIALING) is S.QUEUED
    assert provider_accepted(S.RESERVED) is S.QUEUED  # the SID came back before the update


def test_an_attempt_that_was_released_or_moved_on_does_not_start_dialing() -> None:
    for status in S:
        if status is not S.RESERVED:
            assert start_dialing(status) is None


def test_the_provider_accepting_never_moves_a_callback_backwards() -> None:
    assert provider_accepted(S.RINGING) is S.RINGING
    assert provider_accepted(S.COMPLETED) is S.COMPLETED
    assert provider_accepted(S.NOT_PLACED) is S.NOT_PLACED  # revive it first


def test_only_an_attempt_not_yet_placed_is_released() -> None:
    assert release(S.RESERVED) is S.NOT_PLACED
    assert release(S.DIALING) is S.NOT_PLACED
    for status in set(S) - {S.RESERVED, S.DIALING}:
        assert release(status) is None, status  # a second release changes nothing


def test_a_refusal_is_final_even_over_our_release_but_not_over_a_callback() -> None:
    assert refuse(S.DIALING) is S.NOT_PLACED
    assert refuse(S.NOT_PLACED) is S.NOT_PLACED
    assert refuse(S.RINGING) is None


def test_only_an_attempt_we_released_is_revived() -> None:
    assert revive(S.NOT_PLACED, released=True) is S.DIALING
    assert revive(S.NOT_PLACED, released=False) is None  # refused by the provider: it stays
    assert revive(S.COMPLETED, released=True) is None
