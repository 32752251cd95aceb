"""Whether a call is recorded, how, and with what notice.

The campaign asks for recording; the rule packs say whose consent it needs where the consumer
lives (their stated state and their postal code's, the strictest). One-party state: recorded.
All-party state: announced first then recorded, or not recorded (the campaign's
`all_party_consent`). A state no rule covers, or none known: never recorded.

How, by call kind (`mechanism`): an automated call is recorded from its first TwiML
(`<Start><Recording>`, after the notice); a call bridged to an agent by `<Dial record>` (the
notice said before the `<Dial>` on the consumer's own call); a manual call or callback (the
agent's leg dials the consumer) in an all-party state on the consumer's leg, once the notice
was said there (Stage.NOTICE), never from the consumer's answer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from dialer.callbacks.steps import StepKind, VoiceStep
from dialer.campaigns.options import Recording
from dialer.cases.record import add_attempt_event
from dialer.compliance.packs import RulePacks
from dialer.compliance.recording import RecordingConsent, recording_consent_in
from dialer.compliance.zones import consumer_states
from dialer.db.models import Campaign, CaseEvent, Consumer, ContactAttempt, Debt
from dialer.vocabulary import Direction, RecordingBasis
from dialer.wording import VoicePrompt

RECORDING_STARTED = "recording_started"  # the timeline line that says how it was lawful


class Mechanism(StrEnum):
    DIAL = "dial"  # <Dial record>: the bridge, from the dialled party's answer
    START = "start"  # <Start><Recording> on this call, right after the notice (if any)
    CONSUMER_LEG = "consumer_leg"  # the notice on the consumer's leg, then recording there


@dataclass(frozen=True, slots=True)
class Lawful:
    basis: RecordingBasis
    consent: RecordingConsent


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


def mechanism(
    kind: StepKind, basis: RecordingBasis, *, at_answer: bool, outbound: bool
) -> Mechanism | None:
    """How a call about to run a `kind` step is recorded lawfully under `basis`; None: not
    from this step. Pure: the table the unit tests read."""
    if kind is StepKind.DIAL_AGENT:
        return Mechanism.DIAL  # the consumer's own call: the notice is said before the <Dial>
    if kind is StepKind.DIAL_CONSUMER:
        # The agent's leg dials the consumer: <Dial record> records from the consumer's answer,
        # before any notice could reach them; lawful only where one party's consent suffices.
        return Mechanism.DIAL if basis is RecordingBasis.ONE_PARTY else Mechanism.CONSUMER_LEG
    if kind is StepKind.ASK and at_answer and outbound:
        return Mechanism.START  # the first thing an automated call says: notice, then record
    return None


def lawful_recording(
    session: Session, attempt: ContactAttempt, *, packs: RulePacks, now: datetime
) -> Lawful | None:
    """Whether the campaign records this attempt's call and the law allows it, and on what
    basis (with the rule that says so); None: it is not recorded."""
    consumer = session.get(Consumer, attempt.consumer_id)
    if consumer is None:
        return None
    states = consumer_states(consumer.country, consumer.state, consumer.postal_code)
    consent = recording_consent_in(packs, country=consumer.country, states=states, day=now.date())
    basis = basis_for(campaign_recording(session, attempt), consent)
    return None if basis is None or consent is None else Lawful(basis, consent)


def note_recording(
    session: Session, attempt: ContactAttempt, lawful: Lawful, how: Mechanism, *, now: datetime
) -> None:
    """The basis on the attempt and a timeline line naming the rule and its citation."""
    attempt.recording_basis = lawful.basis.value
    announced = lawful.basis is RecordingBasis.ANNOUNCED
    add_attempt_event(
        session,
        attempt,
        at=now,
        kind=RECORDING_STARTED,
        summary="call recorded after the recording notice"
        if announced
        else "call recorded (one-party consent)",
        detail={
            "basis": lawful.basis.value,
            "rule": lawful.consent.rule_id,
            "citation": lawful.consent.citation,
            "mechanism": how.value,
        },
    )


def whole_call_recorded(session: Session, attempt: ContactAttempt) -> bool:
    """A recording of the whole call is already running (started at the answer, or on the
    consumer's leg): nothing to start again, no second notice."""
    if attempt.recording_basis is None:
        return False
    details = session.scalars(
        select(CaseEvent.detail).where(
            CaseEvent.attempt_id == attempt.id, CaseEvent.kind == RECORDING_STARTED
        )
    ).all()
    return any((d or {}).get("mechanism") != Mechanism.DIAL.value for d in details)


def _plan(
    session: Session, step: VoiceStep, *, packs: RulePacks, now: datetime, at_answer: bool
) -> tuple[ContactAttempt, Lawful, Mechanism] | None:
    """The attempt, the law and the mechanism for recording from `step`; None: not here."""
    if step.kind not in {StepKind.DIAL_AGENT, StepKind.DIAL_CONSUMER, StepKind.ASK}:
        return None
    attempt = session.get(ContactAttempt, step.attempt_id)
    if attempt is None or whole_call_recorded(session, attempt):
        return None
    lawful = lawful_recording(session, attempt, packs=packs, now=now)
    if lawful is None:
        return None
    outbound = attempt.direction == Direction.OUTBOUND
    how = mechanism(step.kind, lawful.basis, at_answer=at_answer, outbound=outbound)
    if how is Mechanism.DIAL and step.room:
        # into the agent's line (a conference room): record the person's own leg from here;
        # a recording of the room would span the agent's session, other people's calls too
        how = Mechanism.START
    return None if how is None else (attempt, lawful, how)


def with_recording(
    session: Session,
    step: VoiceStep,
    *,
    packs: RulePacks,
    now: datetime,
    at_answer: bool = False,
) -> VoiceStep:
    """`step` with recording set as the campaign and the law allow (`at_answer`: the first
    TwiML of the call). Records on the attempt (and the timeline) how it was lawful."""
    plan = _plan(session, step, packs=packs, now=now, at_answer=at_answer)
    if plan is None:
        return step
    attempt, lawful, how = plan
    if how is Mechanism.CONSUMER_LEG:
        return replace(step, announce=True)  # written when the consumer's leg hears the notice
    note_recording(session, attempt, lawful, how, now=now)
    announced = lawful.basis is RecordingBasis.ANNOUNCED
    if how is Mechanism.START:
        return replace(step, start_recording=True, announce=announced)
    if announced:
        prompts = (VoicePrompt.RECORDING_NOTICE, *step.prompts)
        return replace(step, record=True, announce=True, prompts=prompts)
    return replace(step, record=True)
