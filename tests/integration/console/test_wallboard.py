"""The supervisor's wallboard and the desk update without reload; agents' spoken languages
are in their profile and route bridged calls."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import Flask

from dialer.agents import pool as agents
from dialer.bootstrap import Services
from dialer.db.engine import transaction
from dialer.db.models import ContactAttempt, User
from dialer.vocabulary import AgentAvailability, Language
from tests.integration.console.conftest import form_post, login
from tests.integration.console.seed import Seeded
from tests.integration.console.test_desk import connected_call


def _call(services: Services, seeded: Seeded, **fields: object) -> int:
    now = services.clock.now()
    values: dict[str, object] = {
        "status": "completed",
        "attempted_at": now - timedelta(minutes=5),
        **fields,
    }
    with transaction(services.sessions) as session:
        attempt = ContactAttempt(
            consumer_id=seeded.consumer_id,
            debt_id=seeded.debt_id,
            campaign_id=seeded.campaign_id,
            channel="call",
            to_number=seeded.phone,
            **values,
        )
        session.add(attempt)
        session.flush()
        return attempt.id


def test_the_wallboard_state_shows_agents_calls_abandonment_and_queue(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    connected_call(services, seeded)  # ann is on a call about D-1001
    _call(services, seeded, status="ringing")
    _call(services, seeded, outcome="conversation")
    _call(services, seeded, outcome="abandoned")
    _call(services, seeded, outcome="voicemail")  # not live-answered: not in the rate
    old = services.clock.now() - timedelta(days=3)
    _call(services, seeded, outcome="conversation", attempted_at=old)
    _call(services, seeded, status="in_progress")  # a consumer in the menu, no agent
    callback_at = services.clock.now() - timedelta(minutes=1)
    _call(
        services, seeded, outcome="conversation", callback_requested=True, callback_at=callback_at
    )
    sam = app.test_client()
    login(sam, "sam")
    board = sam.get("/wallboard/state").json
    ann = next(a for a in board["agents"] if a["name"] == "Ann Agent")
    assert (ann["availability"], ann["case_ref"], ann["languages"]) == ("on_call", "D-1001", ["en"])
    assert (ann["line"], ann["line_since"]) == ("", None)  # her phone rings for each call
    assert board["agents_by_state"]["on_call"] == 1
    assert board["agents_by_state"]["offline"] == 1  # bob
    assert board["calls_in_flight"]["ringing"] == 1
    assert board["calls_in_flight"]["in_progress"] == 2  # ann's call and the one in the menu
    today = board["abandonment_today"]
    assert (today["abandoned"], today["live_answered"]) == (1, 3)
    assert today["over_cap"] is True
    assert board["abandonment_30_days"]["live_answered"] == 4
    assert board["queue"] == {"in_menu": 1, "in_preview": 0, "callbacks_due": 1}
    assert board["cap"] == 0.03


def test_the_wallboard_page_speaks_the_supervisors_language(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    sam = app.test_client()
    login(sam, "sam")
    assert "Calls in flight" in sam.get("/wallboard").text
    form_post(sam, "/wallboard", "/me/language", {"language": "zh", "next": "/wallboard"})
    page = sam.get("/wallboard").text
    assert "监控看板" in page
    assert "进行中的呼叫" in page
    assert 'data-state-url="/wallboard/state"' in page


def test_the_wallboard_shows_each_agents_line(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    since = services.clock.now() - timedelta(minutes=20)
    with transaction(services.sessions) as session:
        session.execute(
            sa.update(User)
            .where(User.display_name == "Ann Agent")
            .values(line_state="connected", line_since=since, line_call_sid="CA" + "4" * 32)
        )
    sam = app.test_client()
    login(sam, "sam")
    tiles = {a["name"]: a for a in sam.get("/wallboard/state").json["agents"]}
    assert (tiles["Ann Agent"]["line"], tiles["Ann Agent"]["line_since"]) == (
        "connected",
        since.isoformat(),
    )
    assert tiles["Bob Agent"]["line"] == ""
    form_post(sam, "/wallboard", "/me/language", {"language": "es", "next": "/wallboard"})
    page = sam.get("/wallboard").text
    assert f"línea conectada desde {since:%Y-%m-%d %H:%M}" in page
    assert "sin línea" in page


def test_the_desk_state_lists_the_calls_to_complete_and_serves_them_as_a_fragment(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    ended = _call(
        services,
        seeded,
        agent_id=seeded.agent_id,
        answered_at=services.clock.now() - timedelta(minutes=5),
        ended_at=services.clock.now() - timedelta(minutes=4),
        outcome="conversation",
    )
    ann = app.test_client()
    login(ann, "ann")
    assert ann.get("/desk/state").json["to_complete"] == [ended]
    fragment = ann.get("/desk/to-complete").text
    assert f'data-attempts="{ended}"' in fragment
    assert "D-1001" in fragment


def test_an_admin_records_the_languages_an_agent_speaks(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    alice = app.test_client()
    login(alice, "alice")
    response = form_post(
        alice,
        "/users",
        f"/users/{seeded.other_agent_id}",
        {"role": "agent", "is_active": "y", "languages": ["es", "en"], "reason": "hired"},
    )
    assert response.status_code == 302
    with transaction(services.sessions) as session:
        bob = session.get(User, seeded.other_agent_id)
        assert bob is not None
        assert bob.languages == "es,en"


def test_a_spanish_speaking_consumer_goes_to_the_agent_who_speaks_spanish(
    services: Services, seeded: Seeded
) -> None:
    now = services.clock.now()
    with transaction(services.sessions) as session:
        for user_id, spoken, waited in (
            (seeded.agent_id, "en", timedelta(hours=1)),  # waited longest, English only
            (seeded.other_agent_id, "en,es", timedelta(minutes=1)),
        ):
            user = session.get(User, user_id)
            assert user is not None
            user.languages = spoken
            user.availability = AgentAvailability.AVAILABLE.value
            user.availability_changed_at = now - waited
    attempt_id = _call(services, seeded, status="in_progress")
    with transaction(services.sessions) as session:
        reserved = agents.reserve_agent(
            session, attempt_id=attempt_id, now=now, language=Language.ES
        )
        assert reserved is not None
        assert reserved.id == seeded.other_agent_id
        english = agents.reserve_agent(
            session, attempt_id=attempt_id, now=now, language=Language.ES
        )
        assert english is not None
        assert english.id == seeded.agent_id  # nobody else speaks Spanish: still answered
    with transaction(services.sessions) as session:
        states = session.execute(sa.select(User.id, User.availability)).all()
        assert dict(states)[seeded.other_agent_id] == "on_call"
