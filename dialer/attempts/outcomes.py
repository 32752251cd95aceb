"""What an attempt came to, in the domain's words (the compliance engine reads these)."""

from __future__ import annotations

from dialer.vocabulary import AttemptStatus, Outcome

_CALL_ENDINGS = {
    AttemptStatus.BUSY: Outcome.BUSY,
    AttemptStatus.NO_ANSWER: Outcome.NO_ANSWER,
    AttemptStatus.FAILED: Outcome.FAILED,
    AttemptStatus.CANCELED: Outcome.CANCELED,
}
# Set during the call by what the person said or got; the call's end does not change them.
_STICKY = frozenset({Outcome.WRONG_PARTY, Outcome.ABANDONED})
_LEG_ENDINGS = frozenset({Outcome.NO_ANSWER, Outcome.BUSY, Outcome.FAILED})
_SMS_OUTCOMES = {
    AttemptStatus.SENT: Outcome.SENT,
    AttemptStatus.DELIVERED: Outcome.DELIVERED,
    AttemptStatus.UNDELIVERED: Outcome.UNDELIVERED,
    AttemptStatus.FAILED: Outcome.FAILED,
}


def is_machine(answered_by: str | None) -> bool:
    return bool(answered_by) and (answered_by or "").startswith("machine")


def machine_not_abandoned(
    current: Outcome | None, *, answered_by: str | None, person_heard: bool
) -> bool:
    """An `abandoned` call that answering-machine detection says a machine (or a fax) answered,
    with nothing from a person on it (no identity confirmed, no callback chosen): it was never
    answered by a live person, so it is no abandoned call (16 CFR 310.4(b)(4): the rate is over
    calls answered by a person); it ends as a voicemail. An unknown AMD result keeps it
    abandoned (err on the side of dialling less)."""
    return (
        current is Outcome.ABANDONED
        and (is_machine(answered_by) or answered_by == "fax")
        and not person_heard
    )


def call_outcome(
    status: AttemptStatus,
    *,
    answered_by: str | None,
    identity_confirmed: bool,
    current: Outcome | None = None,
    callback_chosen: bool = False,
) -> Outcome | None:
    """The outcome of a call once it ended (None while it is still going).

    A wrong party stays a wrong party, an abandoned call (no agent for a person who asked for
    one) stays abandoned, unless AMD says a machine answered and no person was heard (see
    `machine_not_abandoned`). A confirmed identity is a conversation. A machine
    (or a fax) is a voicemail. A call answered by a person who did not confirm is counted as
    a conversation too: the engine's post-conversation lockout should err on the side of
    calling less.
    """
    if machine_not_abandoned(
        current, answered_by=answered_by, person_heard=identity_confirmed or callback_chosen
    ):
        current = None
    if current in _STICKY:
        return current
    if status in _CALL_ENDINGS:
        return _CALL_ENDINGS[status]
    if status is not AttemptStatus.COMPLETED or current in _LEG_ENDINGS:
        # still going; or the agent's leg completed and the consumer's did not connect
        return current
    if identity_confirmed:
        return Outcome.CONVERSATION
    if is_machine(answered_by) or answered_by == "fax":
        return Outcome.VOICEMAIL
    return Outcome.CONVERSATION


def sms_outcome(status: AttemptStatus) -> Outcome | None:
    return _SMS_OUTCOMES.get(status)
