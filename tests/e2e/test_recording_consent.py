"""Recording with consent, with a real worker process, the web app on a real port and the
Twilio emulator: the consumer in Massachusetts (every party must consent) hears the recording
notice before the bridged call is recorded, the one in Texas (one party) is recorded without
it; the emulator's own record of the TwiML it executed shows the order. Three years later the
retention job deletes both recordings at the provider (read back with the official client)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from twilio.rest import Client

from config.settings import load_settings
from dialer.bootstrap import build_services
from dialer.campaigns import create_campaign, enrol, get_campaign, parse_definition, set_status
from dialer.clock import FakeClock
from dialer.compliance import load_rule_packs
from dialer.db.engine import transaction
from dialer.db.models import AuditEntry, Consumer, ContactAttempt, User
from dialer.recordings.retention import delete_expired_recordings
from dialer.telephony.twilio_gateway import RebasedHttpClient, TwilioTelephony
from dialer.vocabulary import AgentAvailability, CampaignStatus, CollectorType, Role
from tests.databases import redis_test_url
from tests.e2e.test_progressive_agents import _agents_finish_wrap_up, pg_url  # noqa: F401
from tests.e2e.workers_support import serve_webhooks, start_worker, stop, wait_for, worker_env
from tests.integration.dispatch.portfolio import insert_portfolio
from twilio_emulator.testing import free_port, running_emulator

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

START = datetime(2026, 3, 17, 15, 0, tzinfo=UTC)  # 11:00 in Boston, 10:00 in Austin
AGENT_PHONE = "+16175550901"
PLACES = [("US", "MA", "617"), ("US", "TX", "512")]
NOTICE = "This call will be recorded."


def _campaign(services):
    definition = parse_definition(
        {
            "name": "recorded",
            "audience": {"stages": ["new"], "countries": ["US"], "states": ["MA", "TX"]},
            "steps": [{"kind": "agent", "script": "agent_bridge", "max_attempts": 1}],
            "caller_ids": {"numbers": ["+16175550199"]},
            "recording": {"enabled": True, "all_party_consent": "announce"},
        },
        source="test",
    )
    people = insert_portfolio(services.engine, count=2, now=START, places=PLACES)
    with transaction(services.sessions) as session:
        session.add(
            User(
                username="agent0",
                display_name="Agent 0",
                role=Role.AGENT.value,
                phone_e164=AGENT_PHONE,
                language="en",
                created_at=START,
                availability=AgentAvailability.AVAILABLE.value,
                availability_changed_at=START,
            )
        )
        create_campaign(
            session,
            definition,
            packs=load_rule_packs(),
            now=START,
            collector=CollectorType.FIRST_PARTY,
        )
        set_status(session, "recorded", CampaignStatus.ACTIVE, now=START)
        enrol(session, get_campaign(session, "recorded"), now=START)
    return people


def _recorded(services) -> int:
    with transaction(services.sessions) as session:
        return int(
            session.scalar(
                sa.select(sa.func.count())
                .select_from(ContactAttempt)
                .where(ContactAttempt.recording_sid.is_not(None))
            )
            or 0
        )


def _verbs(executed: list[dict]) -> list[str]:
    return [
        row["event"] if "event" in row else f"{row['verb']}:{row.get('text', '')}"
        for row in executed
    ]


def test_a_call_in_an_all_party_state_is_announced_before_it_is_recorded(
    pg_url,  # noqa: F811
    tmp_path,
) -> None:
    services = build_services(
        load_settings(DATABASE_URL=pg_url, DIALER_ENV="test"), clock=FakeClock(START)
    )
    port = free_port()
    with running_emulator(speed=4.0, cps=20.0) as emulator:
        people = _campaign(services)
        for person in people:
            emulator.script(person.number, call="human", ring_seconds=1, talk_seconds=6)
        emulator.script(AGENT_PHONE, call="human", ring_seconds=1, talk_seconds=6)
        app_services, server = serve_webhooks(pg_url, emulator, port)
        done = threading.Event()
        helper = threading.Thread(target=_agents_finish_wrap_up, args=(services, done))
        helper.start()
        env = worker_env(
            db_url=pg_url,
            emulator=emulator,
            redis_url=redis_test_url(),
            cps=10,
            PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        )
        worker = start_worker(env, clock_start=START, log=tmp_path / "worker.log")
        try:
            finished = wait_for(lambda: _recorded(services) == 2, timeout=90, interval=1)
        finally:
            stop(worker)
            done.set()
            helper.join()
            emulator.wait_idle(timeout=30)
            server.shutdown()
        assert finished, (tmp_path / "worker.log").read_text()[-2000:]
        with transaction(services.sessions) as session:
            rows = session.execute(
                sa.select(ContactAttempt, Consumer.state).join(
                    Consumer, Consumer.id == ContactAttempt.consumer_id
                )
            ).all()
        by_state = {state: attempt for attempt, state in rows}
        executed = {s: emulator.executed(a.provider_sid) for s, a in by_state.items()}
        client = Client(
            emulator.account_sid,
            emulator.auth_token,
            http_client=RebasedHttpClient(emulator.base_url, timeout=30),
        )
        listed = {r.call_sid: r for r in client.recordings.list()}

        # Massachusetts: the notice, then the <Dial> that records, then the recording.
        ma = _verbs(executed["MA"])
        assert ma[0].startswith(f"Say:{NOTICE}"), ma
        assert ma.index("recording-started") > 0
        assert ma[1].startswith("Say:Please hold")
        assert ma[2].startswith("Dial:")
        assert executed["MA"][2]["attributes"]["record"] == "record-from-answer-dual"
        assert by_state["MA"].recording_basis == "announced"
        # Texas: recorded without the notice (one-party consent).
        tx = _verbs(executed["TX"])
        assert not any(NOTICE in verb for verb in tx), tx
        assert "recording-started" in tx
        assert by_state["TX"].recording_basis == "one_party"
        for attempt in by_state.values():  # the callback stored what Twilio keeps
            recording = listed[attempt.provider_sid]
            assert attempt.recording_sid == recording.sid
            assert attempt.recording_duration == int(recording.duration)
            assert attempt.recording_url.endswith(recording.sid)

        # Kept three years after the call (the web app stamps the call's end on its own
        # clock), then deleted at the provider, each deletion audited.
        gateway = TwilioTelephony.create(
            emulator.account_sid, emulator.auth_token, emulator.base_url, 10
        )
        last_end = max(a.ended_at or a.attempted_at for a in by_state.values())
        packs = load_rule_packs()
        kept = delete_expired_recordings(
            services.sessions, gateway, packs=packs, now=last_end + timedelta(days=1094)
        )
        assert kept.deleted == []
        assert len(client.recordings.list()) == 2
        report = delete_expired_recordings(
            services.sessions, gateway, packs=packs, now=last_end + timedelta(days=1096)
        )
        assert sorted(report.deleted) == sorted(r.sid for r in listed.values())
        assert client.recordings.list() == []
        app_services.close()
    with transaction(services.sessions) as session:
        audits = session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "recording.delete")
        ).all()
    services.close()
    assert len(audits) == 2
