"""Whether the agent's conversation on a bridged call is recorded, and with what notice.

The campaign asks for recording; the rule packs say whose consent it needs where the consumer
lives (their stated state and their postal code's, the strictest). One-party state: recorded.
All-party state: announced first then recorded, or not recorded (the campaign's
`all_party_consent`). A state no rule covers, or none known: never recorded.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from dialer.callbacks.steps import StepKind, VoiceStep
from dialer.campaigns.options import Recording
from dialer.cases.record import add_attempt_event
from dialer.compliance.packs import RulePacks
from dialer.compliance.recording import RecordingConsent, recording_consent_in
from dialer.compliance.zones import consumer_states
from dialer.db.models import Campaign, Consumer, ContactAttempt, Debt
from dialer.vocabulary import RecordingBasis
from dialer.wording import VoicePrompt

BRIDGES = frozenset({StepKind.DIAL_AGENT, StepKind.DIAL_CONSUMER})


def campaign_recording(session: Session, attempt: ContactAttempt) -> Recording:
    """The recording option of the attempt's campaign (or its debt's); off without one."""
    campaign_id = attempt.campaign_id
    if campaign_id is None and attempt.debt_id is not None:
        debt = session.get(Debt, attempt.debt_id)
        campaign_id = debt.campaign_id if debt is not None else None
    campaign = session.get(Campaign, campaign_id) if campaign_id is not None else None
    if campaign is None:
        return Recording()
    return Recording.model_validate((campaign.definition or {}).get("recording") or {})


def basis_for(option: Recording, consent: RecordingConsent | None) -> RecordingBasis | None:
    """How this call may be recorded, or None: it is not. `announce` is the caller's job."""
    if not option.enabled or consent is None:
        return None
    if consent.parties == "one":
        return RecordingBasis.ONE_PARTY
    return RecordingBasis.ANNOUNCED if option.all_party_consent == "announce" else None


def with_recording(
    session: Session, step: VoiceStep, *, packs: RulePacks, now: datetime
) -> VoiceStep:
    """The bridge `step` with recording set as the campaign and the law allow; other steps
    are returned as they are. Records on the attempt (and the timeline) how it was lawful."""
    if step.kind not in BRIDGES:
        return step
    attempt = session.get(ContactAttempt, step.attempt_id)
    consumer = session.get(Consumer, attempt.consumer_id) if attempt is not None else None
    if attempt is None or consumer is None:
        return step
    states = consumer_states(consumer.country, consumer.state, consumer.postal_code)
    consent = recording_consent_in(packs, country=consumer.country, states=states, day=now.date())
    basis = basis_for(campaign_recording(session, attempt), consent)
    if basis is RecordingBasis.ANNOUNCED and step.kind is StepKind.DIAL_CONSUMER:
        # The agent's leg dials the consumer: Twilio records from the consumer's answer, before
        # any notice could reach them. Not recorded rather than recorded too early.
        basis = None
    if basis is None or consent is None:
        return step
    attempt.recording_basis = basis.value
    add_attempt_event(
        session,
        attempt,
        at=now,
        kind="recording_started",
        summary="call recorded after the recording notice"
        if basis is RecordingBasis.ANNOUNCED
        else "call recorded (one-party consent)",
        detail={"basis": basis.value, "rule": consent.rule_id, "citation": consent.citation},
    )
    if basis is RecordingBasis.ANNOUNCED:
        prompts = (VoicePrompt.RECORDING_NOTICE, *step.prompts)
        return replace(step, record=True, announce=True, prompts=prompts)
    return replace(step, record=True)
