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


def call_outcome(
    status: AttemptStatus,
    *,
    answered_by: str | None,
    identity_confirmed: bool,
    current: Outcome | None = None,
) -> Outcome | None:
    """The outcome of a call once it ended (None while it is still going).

    A wrong party stays a wrong party, an abandoned call (no agent for a person who asked for
    one) stays abandoned. A confirmed identity is a conversation. A machine
    (or a fax) is a voicemail. A call answered by a person who did not confirm is counted as
    a conversation too: the engine's post-conversation lockout should err on the side of
    calling less.
    """
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
