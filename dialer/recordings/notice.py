"""The consumer's leg of a manual call or callback in an all-party-consent state.

The agent answered first; their `<Dial>` rings the consumer with `<Number url=...>` (Stage
NOTICE). When the consumer answers, Twilio runs this TwiML on the consumer's leg before the
bridge: the recording notice in the consumer's language, then `<Start><Recording>` on that
leg, so the recording (both parties once bridged) begins only after the notice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from dialer.callbacks.case import case_view, load_attempt
from dialer.callbacks.events import VoiceRequest
from dialer.callbacks.steps import StepKind, VoiceStep
from dialer.compliance.packs import RulePacks
from dialer.recordings.consent import (
    Mechanism,
    lawful_recording,
    note_recording,
    whole_call_recorded,
)
from dialer.vocabulary import RecordingBasis


def consumer_notice(
    session: Session, request: VoiceRequest, *, packs: RulePacks, now: datetime
) -> VoiceStep:
    """The notice then the recording, when the campaign and the law still allow it; else
    nothing (an empty step: the bridge follows, unrecorded)."""
    attempt = load_attempt(session, attempt_id=request.attempt_id, sid=None, bind_sid=False)
    view = case_view(session, attempt)
    silent = VoiceStep(StepKind.SAY, attempt.id, view.language, view.context)
    if whole_call_recorded(session, attempt):
        return silent
    lawful = lawful_recording(session, attempt, packs=packs, now=now)
    if lawful is None or lawful.basis is not RecordingBasis.ANNOUNCED:
        return silent
    note_recording(session, attempt, lawful, Mechanism.CONSUMER_LEG, now=now)
    return VoiceStep(
        StepKind.SAY,
        attempt.id,
        view.language,
        view.context,
        announce=True,
        start_recording=True,
        dialled_leg=True,
    )
