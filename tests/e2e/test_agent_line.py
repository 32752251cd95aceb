"""Agents on ordinary phones keep one line open for the whole run (real worker process, the
web app on a real port, the Twilio emulator with conference rooms).

Both agents' phones ring 6 s before they answer: without a line, a predictive call would give
up on them after 2 s and abandon the person. Each agent connects their line once; the
predictive step then runs as in test_predictive_agents (the same campaign: its model says one
call in four is answered, and now everybody answers). The emulator's logs show each agent's
phone called exactly once, every person put through to an agent in that agent's room within
2 s of answering (nothing said first), the others identified within 2 s as abandoned calls,
under the cap. One agent hangs up their phone after a call: they are set away, and nobody
joins their room after that."""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from config.settings import load_settings
from dialer.agents.abandonment import abandonment_by_campaign
from dialer.agents.line_session import connect_line, hang_up_line
from dialer.bootstrap import build_services
from dialer.clock import FakeClock
from dialer.db.engine import transaction
from dialer.db.models import ContactAttempt, User
from dialer.telephony.twilio_gateway import TwilioTelephony
from tests.databases import redis_test_url
from tests.e2e.test_predictive_agents import (
    CONSUMERS,
    IDENTIFICATION,
    START,
    _campaign,
    _ended,
    pg_url,  # noqa: F401 - the fixture, shared
)
from tests.e2e.test_progressive_agents import AGENT_PHONES, _agents_finish_wrap_up
from tests.e2e.workers_support import (
    emulator_calls,
    serve_webhooks,
    start_worker,
    stop,
    wait_for,
    worker_env,
)
from twilio_emulator.testing import free_port, running_emulator

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

log = logging.getLogger(__name__)
BRIDGE_RULE_SECONDS = 2.0  # TSR 16 CFR 310.4(b)(4)(iii)


def _agents(services) -> dict[str, User]:
    with transaction(services.sessions) as session:
        return {u.phone_e164: u for u in session.scalars(sa.select(User)) if u.phone_e164}


def _connect_lines(services, telephony, base_url: str) -> dict[str, int]:
    ids = {phone: user.id for phone, user in _agents(services).items()}
    for agent_id in ids.values():
        connect_line(services.sessions, telephony, agent_id=agent_id, now=START, base_url=base_url)
    connected = wait_for(
        lambda: {u.line_state for u in _agents(services).values()} == {"connected"},
        timeout=20,
        interval=0.2,
    )
    assert connected, "the agents' lines never connected"
    return ids


def _hang_up_after_a_call(services, telephony, agent_id: int, done: threading.Event) -> None:
    """The agent hangs up their phone once they have had one conversation (their phone's
    hang-up, as the provider sees it: the call is completed)."""
    while not done.wait(0.2):
        with transaction(services.sessions) as session:
            talked = session.scalar(
                sa.select(sa.func.count())
                .select_from(ContactAttempt)
                .where(ContactAttempt.agent_id == agent_id, ContactAttempt.status == "completed")
            )
            sid = session.get(User, agent_id).line_call_sid
        if talked and sid:
            telephony.hang_up(sid)
            return


def test_agents_on_ordinary_phones_are_called_once_and_every_person_is_bridged_at_once(
    pg_url,  # noqa: F811
    tmp_path,
) -> None:
    services = build_services(
        load_settings(DATABASE_URL=pg_url, DIALER_ENV="test"), clock=FakeClock(START)
    )
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    with running_emulator(speed=4.0, cps=20.0) as emulator:
        people = _campaign(services)
        for person in people:
            emulator.script(
                person.number, call="human", ring_seconds=1, talk_seconds=6, digits=["2"]
            )
        for phone in AGENT_PHONES:  # ordinary phones: 6 s of ringing, then on all session
            emulator.script(phone, call="human", ring_seconds=6, talk_seconds=100_000)
        app_services, server = serve_webhooks(pg_url, emulator, port)
        telephony = TwilioTelephony.create(
            emulator.account_sid, emulator.auth_token, emulator.base_url, 10
        )
        ids = _connect_lines(services, telephony, base_url)
        leaver = ids[AGENT_PHONES[1]]
        done = threading.Event()
        helpers = [
            threading.Thread(target=_agents_finish_wrap_up, args=(services, done)),
            threading.Thread(
                target=_hang_up_after_a_call, args=(services, telephony, leaver, done)
            ),
        ]
        for helper in helpers:
            helper.start()
        env = worker_env(
            db_url=pg_url,
            emulator=emulator,
            redis_url=redis_test_url(),
            cps=10,
            PUBLIC_BASE_URL=base_url,
        )
        worker = start_worker(env, clock_start=START, log=tmp_path / "worker.log")
        try:
            finished = wait_for(lambda: _ended(services) == CONSUMERS, timeout=120, interval=1)
        finally:
            stop(worker)
            done.set()
            for helper in helpers:
                helper.join()
            stayer = ids[AGENT_PHONES[0]]
            hang_up_line(services.sessions, telephony, agent_id=stayer, now=START)
            emulator.wait_idle(timeout=30)
            server.shutdown()
        calls = emulator_calls(emulator)
        heard = {c.sid: emulator.heard(c.sid) for c in calls}
        rooms = {room["friendly_name"]: room for room in emulator.conferences()}
        app_services.close()
    with transaction(services.sessions) as session:
        attempts = session.scalars(
            sa.select(ContactAttempt).where(ContactAttempt.placed_at.is_not(None))
        ).all()
        (figures,) = abandonment_by_campaign(session, now=START + timedelta(hours=1))
        left = session.get(User, leaver)
        left_state = (left.availability, left.line_state, left.line_note)
    services.close()

    assert finished, (tmp_path / "worker.log").read_text()[-2000:]
    log.info("measured: %s", _measured(attempts, heard, figures))  # --log-cli-level=INFO
    # each agent's phone was called once for the whole run, and never rung for a call
    for phone in AGENT_PHONES:
        assert [c.direction for c in calls if c.to == phone] == ["outbound-api"]
    # everyone bridged heard the agent's room first, within 2 s of answering
    talked = [a for a in attempts if a.outcome == "conversation"]
    abandoned = [a for a in attempts if a.outcome == "abandoned"]
    assert len(talked) + len(abandoned) == CONSUMERS
    assert len(talked) >= CONSUMERS - 3
    for attempt in talked:
        first = heard[attempt.provider_sid][0]
        assert first["verb"] == "Conference", heard[attempt.provider_sid]
        assert first["text"] == f"agent-line-{attempt.agent_id}"
        assert first["at"] <= BRIDGE_RULE_SECONDS, heard[attempt.provider_sid]
    for attempt in abandoned:  # over-dialled within the budget: identified at once
        first = heard[attempt.provider_sid][0]
        assert (first["verb"], first["text"][: len(IDENTIFICATION)]) == ("Say", IDENTIFICATION)
        assert first["at"] <= BRIDGE_RULE_SECONDS
    assert figures.rate is not None
    assert figures.rate <= 0.03
    # the agent who hung up: away, told why, and nobody joined their room after that
    assert left_state[:2] == ("away", "")
    assert left_state[2] == "dropped"  # the desk says their phone hung up
    (line,) = [c for c in calls if c.to == AGENT_PHONES[1]]
    stays = {s["call_sid"]: s for s in rooms[f"agent-line-{leaver}"]["stays"]}
    line_end = datetime.fromisoformat(stays.pop(line.sid)["left_at"])
    assert stays  # they did take calls before
    assert all(datetime.fromisoformat(s["joined_at"]) <= line_end for s in stays.values())


def _measured(attempts, heard, figures) -> str:
    gaps = [heard[a.provider_sid][0]["at"] for a in attempts if a.outcome == "conversation"]
    abandoned = sum(a.outcome == "abandoned" for a in attempts)
    return (
        f"bridged {len(gaps)}, answer-to-room max {max(gaps):.2f} s, abandoned {abandoned}, "
        f"campaign rate {figures.rate:.4f}"
    )
