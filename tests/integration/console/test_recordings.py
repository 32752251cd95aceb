"""Recording with consent: announced before recording in an all-party-consent state (or not
recorded), kept for the rule pack's retention then deleted at the provider, every listen and
download audited."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
import sqlalchemy as sa
import yaml
from flask import Flask
from sqlalchemy.orm import Session

from console.context import state
from dialer.bootstrap import Services
from dialer.callbacks.steps import Stage, StepKind, VoiceStep
from dialer.clock import FakeClock
from dialer.db.engine import transaction
from dialer.db.models import AuditEntry, Campaign, CaseEvent, Consumer, ContactAttempt
from dialer.recordings.consent import with_recording
from dialer.recordings.retention import delete_expired_recordings
from dialer.telephony import TelephonyError
from dialer.telephony.fake import FakeTelephony
from dialer.vocabulary import Language
from dialer.wording import MessageContext, VoicePrompt
from tests.integration.console.conftest import form_post, login
from tests.integration.console.seed import Seeded
from tests.integration.console.test_desk import connected_call

WAV = b"RIFF\x24\x00\x00\x00WAVEfmt "
CONTEXT = MessageContext("Ada", "Acme Bank", 0, "USD", "+18005550100", "Harbor")  # type: ignore[arg-type]


def _record(session: Session, seeded: Seeded, choice: str = "announce") -> None:
    campaign = session.get(Campaign, seeded.campaign_id)
    assert campaign is not None
    campaign.definition = {
        **campaign.definition,
        "recording": {"enabled": True, "all_party_consent": choice},
    }


def _attempt(session: Session, seeded: Seeded, now, **fields: object) -> ContactAttempt:
    values: dict[str, object] = {"status": "in_progress", **fields}
    attempt = ContactAttempt(
        consumer_id=seeded.consumer_id,
        debt_id=seeded.debt_id,
        campaign_id=seeded.campaign_id,
        channel="call",
        attempted_at=now,
        to_number=seeded.phone,
        **values,
    )
    session.add(attempt)
    session.flush()
    return attempt


def _bridge(attempt_id: int, kind: StepKind = StepKind.DIAL_AGENT) -> VoiceStep:
    return VoiceStep(
        kind,
        attempt_id,
        Language.EN,
        CONTEXT,
        prompts=(VoicePrompt.CONNECTING,) if kind is StepKind.DIAL_AGENT else (),
        stage=Stage.DIAL,
        agent_number="+16175550111",
        consumer_number="+16175550100",
    )


def test_a_bridge_in_massachusetts_is_announced_then_recorded(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    now = services.clock.now()
    with app.app_context(), transaction(services.sessions) as session:
        _record(session, seeded)
        attempt = _attempt(session, seeded, now)
        step = with_recording(session, _bridge(attempt.id), packs=state().packs, now=now)
        assert (step.record, step.announce) == (True, True)
        assert step.prompts == (VoicePrompt.RECORDING_NOTICE, VoicePrompt.CONNECTING)
        assert attempt.recording_basis == "announced"
        event = session.scalars(
            sa.select(CaseEvent).where(CaseEvent.kind == "recording_started")
        ).one()
        assert event.detail["rule"] == "us-ma.recording-consent"
        assert "272" in event.detail["citation"]


@pytest.mark.parametrize(
    ("state_code", "postal_code", "choice", "kind", "basis"),
    [
        ("MA", None, "skip", StepKind.DIAL_AGENT, None),  # all-party, the campaign chose no
        ("NY", None, "skip", StepKind.DIAL_AGENT, "one_party"),  # one-party: no notice
        ("NY", "02139", "skip", StepKind.DIAL_AGENT, None),  # a Massachusetts postal code
        ("PR", None, "announce", StepKind.DIAL_AGENT, None),  # no rule covers it: never
        (None, None, "announce", StepKind.DIAL_AGENT, None),  # nowhere known: never
        ("NY", "10001", "announce", StepKind.DIAL_CONSUMER, "one_party"),
    ],
)
def test_where_and_how_a_bridge_is_recorded(
    app: Flask,
    services: Services,
    seeded: Seeded,
    state_code: str | None,
    postal_code: str | None,
    choice: str,
    kind: StepKind,
    basis: str | None,
) -> None:
    now = services.clock.now()
    with app.app_context(), transaction(services.sessions) as session:
        _record(session, seeded, choice)
        consumer = session.get(Consumer, seeded.consumer_id)
        assert consumer is not None
        consumer.state, consumer.postal_code = state_code, postal_code
        attempt = _attempt(session, seeded, now)
        step = with_recording(session, _bridge(attempt.id, kind), packs=state().packs, now=now)
        assert step.record is (basis is not None)
        assert step.announce is False
        assert VoicePrompt.RECORDING_NOTICE not in step.prompts
        assert attempt.recording_basis == basis


def test_a_campaign_without_recording_never_records(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    now = services.clock.now()
    with app.app_context(), transaction(services.sessions) as session:
        attempt = _attempt(session, seeded, now)
        step = with_recording(session, _bridge(attempt.id), packs=state().packs, now=now)
        assert step.record is False
        assert attempt.recording_basis is None


def _recorded(services: Services, seeded: Seeded, *, ended_days_ago: int, sid: str) -> int:
    now = services.clock.now()
    with transaction(services.sessions) as session:
        attempt = _attempt(
            session,
            seeded,
            now - timedelta(days=ended_days_ago),
            status="completed",
            ended_at=now - timedelta(days=ended_days_ago),
            recording_sid=sid,
            recording_url=f"https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/{sid}",
            recording_duration=42,
            recording_basis="announced",
        )
        return attempt.id


def test_recordings_past_three_years_are_deleted_at_the_provider_and_audited(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    fake = FakeTelephony(clock=services.clock)
    old = _recorded(services, seeded, ended_days_ago=1096, sid="RE" + "1" * 32)
    gone = _recorded(services, seeded, ended_days_ago=1200, sid="RE" + "2" * 32)
    young = _recorded(services, seeded, ended_days_ago=1094, sid="RE" + "3" * 32)
    failing = _recorded(services, seeded, ended_days_ago=1100, sid="RE" + "4" * 32)
    fake.recordings = {"RE" + c * 32: WAV for c in "134"}  # "2" is already gone at Twilio
    with app.app_context():
        packs = state().packs
    # the failure is met by the first deletion attempted (in id order): `old`
    fake.fail_next("delete_recording", TelephonyError(20500, 500, "try later"))
    report = delete_expired_recordings(  # a page at a time: past the one that failed
        services.sessions, fake, packs=packs, now=services.clock.now(), batch=1
    )
    assert report.failed.keys() == {"RE" + "1" * 32}
    assert sorted(report.deleted) == ["RE" + "2" * 32, "RE" + "4" * 32]
    assert fake.recordings.keys() == {"RE" + "1" * 32, "RE" + "3" * 32}
    with transaction(services.sessions) as session:
        kept = {
            a.id: a.recording_deleted_at
            for a in session.scalars(
                sa.select(ContactAttempt).where(ContactAttempt.id.in_([old, gone, young, failing]))
            )
        }
        assert kept[old] is None
        assert kept[young] is None
        assert kept[gone] is not None
        assert kept[failing] is not None
        audits = session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "recording.delete")
        ).all()
        assert sorted(int(a.entity_id) for a in audits) == sorted([gone, failing])
        assert all("12 CFR 1006.100(b)" in (a.reason or "") for a in audits)
        assert all(a.actor == "recording-retention" for a in audits)
    again = delete_expired_recordings(
        services.sessions, fake, packs=packs, now=services.clock.now()
    )
    assert again.deleted == ["RE" + "1" * 32]  # retried on the next run


def test_listening_and_downloading_are_audited_for_the_agent_who_took_the_call(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    fake = FakeTelephony(clock=services.clock)
    app.extensions["dialer.telephony"] = fake
    connected_call(services, seeded)  # ann works the case
    attempt_id = _recorded(services, seeded, ended_days_ago=1, sid="RE" + "5" * 32)
    fake.recordings["RE" + "5" * 32] = WAV
    ann = app.test_client()
    login(ann, "ann")
    page = ann.get(f"/cases/{seeded.debt_id}")
    assert f'src="/recordings/{attempt_id}/audio"' in page.text
    listened = ann.get(f"/recordings/{attempt_id}/audio")
    assert (listened.status_code, listened.data) == (200, WAV)
    assert "no-store" in listened.headers["Cache-Control"]
    downloaded = ann.get(f"/recordings/{attempt_id}/audio?download=1")
    assert (
        downloaded.headers["Content-Disposition"] == f'attachment; filename="call-{attempt_id}.wav"'
    )
    bob = app.test_client()
    login(bob, "bob")  # another agent, who never worked this case
    assert bob.get(f"/recordings/{attempt_id}/audio").status_code == 404
    with transaction(services.sessions) as session:
        entries = session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.action.like("recording.%"))
            .order_by(AuditEntry.id)
        ).all()
        assert [(e.action, e.actor, e.entity_id) for e in entries] == [
            ("recording.listen", "ann", str(attempt_id)),
            ("recording.download", "ann", str(attempt_id)),
        ]


def test_a_deleted_recording_cannot_be_heard(
    app: Flask, services: Services, seeded: Seeded, clock: FakeClock
) -> None:
    fake = FakeTelephony(clock=services.clock)
    app.extensions["dialer.telephony"] = fake
    attempt_id = _recorded(services, seeded, ended_days_ago=2000, sid="RE" + "6" * 32)
    fake.recordings["RE" + "6" * 32] = WAV
    with app.app_context():
        delete_expired_recordings(
            services.sessions, fake, packs=state().packs, now=services.clock.now()
        )
    sam = app.test_client()
    login(sam, "sam")
    assert sam.get(f"/recordings/{attempt_id}/audio").status_code == 404
    assert "deleted at the end of its retention" in sam.get(f"/cases/{seeded.debt_id}").text


def test_an_admin_asking_to_record_in_a_state_no_rule_covers_is_refused_by_name(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    with transaction(services.sessions) as session:
        campaign = session.get(Campaign, seeded.campaign_id)
        assert campaign is not None
        version, definition = campaign.version, dict(campaign.definition)
    changed = {
        **definition,
        "sms_sender": {"kind": "toll_free_verified", "id": "+18885550100"},
        "audience": {**definition["audience"], "countries": ["US"], "states": ["MA", "PR"]},
        "recording": {"enabled": True, "all_party_consent": "announce"},
    }
    alice = app.test_client()
    login(alice, "alice")
    page = f"/campaigns/{seeded.campaign_id}/edit"
    response = form_post(alice, page, page, {"definition": yaml.safe_dump(changed)})
    assert response.status_code == 422
    assert "do not cover call recording in state PR" in html.unescape(response.text)
    with transaction(services.sessions) as session:
        campaign = session.get(Campaign, seeded.campaign_id)
        assert campaign is not None
        assert (campaign.version, campaign.definition) == (version, definition)
    changed["audience"]["states"] = ["MA", "TX"]  # type: ignore[index]
    saved = form_post(alice, page, page, {"definition": yaml.safe_dump(changed)})
    assert saved.status_code == 302
