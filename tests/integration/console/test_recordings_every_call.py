"""Recording on every kind of call: an automated call from its first words (after the notice
where every party must consent), a manual call on the consumer's own leg after the notice;
the basis (rule, citation) on the attempt and the timeline; never where no rule covers."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from console.context import state
from dialer.bootstrap import Services
from dialer.callbacks.events import VoiceRequest
from dialer.callbacks.steps import Stage, StepKind, VoiceStep
from dialer.db.engine import transaction
from dialer.db.models import CaseEvent, Consumer
from dialer.recordings.consent import with_recording
from dialer.recordings.notice import consumer_notice
from dialer.vocabulary import Language
from dialer.wording import VoicePrompt
from tests.integration.console.seed import Seeded
from tests.integration.console.test_recordings import CONTEXT, _attempt, _bridge, _record


def _ask(attempt_id: int) -> VoiceStep:
    return VoiceStep(
        StepKind.ASK,
        attempt_id,
        Language.EN,
        CONTEXT,
        prompts=(VoicePrompt.IDENTITY,),
        stage=Stage.IDENTITY,
    )


def _events(session: Session) -> list[CaseEvent]:
    return list(
        session.scalars(sa.select(CaseEvent).where(CaseEvent.kind == "recording_started")).all()
    )


@pytest.mark.parametrize(
    ("state_code", "basis", "rule"),
    [
        ("MA", "announced", "us-ma.recording-consent"),
        ("TX", "one_party", "us.recording-consent-one-party"),
        ("PR", None, None),  # no rule covers it: never recorded
    ],
)
def test_an_automated_call_is_recorded_from_its_first_words(
    app: Flask,
    services: Services,
    seeded: Seeded,
    state_code: str,
    basis: str | None,
    rule: str | None,
) -> None:
    now = services.clock.now()
    with app.app_context(), transaction(services.sessions) as session:
        packs = state().packs
        _record(session, seeded)
        consumer = session.get(Consumer, seeded.consumer_id)
        assert consumer is not None
        consumer.state, consumer.postal_code = state_code, None
        attempt = _attempt(session, seeded, now)
        later = with_recording(session, _ask(attempt.id), packs=packs, now=now)
        assert later.start_recording is False  # a menu after the answer never starts one
        step = with_recording(session, _ask(attempt.id), packs=packs, now=now, at_answer=True)
        assert step.start_recording is (basis is not None)
        assert step.announce is (basis == "announced")
        assert step.prompts == (VoicePrompt.IDENTITY,)  # the notice comes before, unskippable
        assert attempt.recording_basis == basis
        assert [e.detail.get("rule") for e in _events(session)] == ([rule] if rule else [])
        # Pressing 1 for an agent later: the call is already recorded, no second notice.
        bridge = with_recording(session, _bridge(attempt.id), packs=packs, now=now)
        assert (bridge.record, bridge.announce) == (False, False)
        assert VoicePrompt.RECORDING_NOTICE not in bridge.prompts


def test_a_manual_call_in_massachusetts_records_the_consumers_leg_after_the_notice(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    now = services.clock.now()
    with app.app_context(), transaction(services.sessions) as session:
        packs = state().packs
        _record(session, seeded)
        consumer = session.get(Consumer, seeded.consumer_id)
        assert consumer is not None
        consumer.state, consumer.postal_code = "MA", None
        attempt = _attempt(session, seeded, now)
        dial = with_recording(
            session, _bridge(attempt.id, StepKind.DIAL_CONSUMER), packs=packs, now=now
        )
        assert (dial.record, dial.announce) == (False, True)  # nothing from their answer
        assert attempt.recording_basis is None
        leg = consumer_notice(
            session,
            VoiceRequest(attempt_id=attempt.id, call_sid="CA-consumer-leg", stage="notice"),
            packs=packs,
            now=now,
        )
        assert (leg.announce, leg.start_recording, leg.dialled_leg) == (True, True, True)
        assert attempt.recording_basis == "announced"
        (event,) = _events(session)
        assert event.detail["mechanism"] == "consumer_leg"
        assert "272" in event.detail["citation"]


def test_a_manual_call_whose_campaign_stopped_recording_hears_no_notice(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    now = services.clock.now()
    with app.app_context(), transaction(services.sessions) as session:
        attempt = _attempt(session, seeded, now)  # the campaign does not record
        leg = consumer_notice(
            session,
            VoiceRequest(attempt_id=attempt.id, call_sid="CA-consumer-leg", stage="notice"),
            packs=state().packs,
            now=now,
        )
        assert (leg.announce, leg.start_recording, leg.prompts) == (False, False, ())
        assert attempt.recording_basis is None
