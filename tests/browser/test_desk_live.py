"""The desk driven in a real browser while the real Twilio emulator carries the calls: the
dispatch ticks place them through the official twilio client, the emulator calls the web app
back (signed), and what the consumer and the agent's phone got is read from the emulator's
own logs (Calls list, what each call heard and executed). One stack for the whole module."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from dialer.db.engine import transaction
from dialer.db.models import ContactAttempt
from tests.browser.harness import sign_in
from tests.browser.live_harness import (
    ANN,
    BOB,
    CALLER_ID,
    START,
    Live,
    live_stack,
)
from tests.e2e.workers_support import wait_for
from tests.integration.dispatch.portfolio import Person

pytestmark = pytest.mark.slow

POP = 10_000  # ms: desk.js polls every 2 s
IDENTIFICATION = "This is Jordan Lee from JL Services."
NEW_YORK = ("US", "NY", "212")
SENDER = {
    "caller_name": "Jordan Lee",
    "voicemail_business": "JL Services",
    "callback_number": "+18005550199",
}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    directory: Path = tmp_path_factory.mktemp("live")
    with live_stack(directory) as stack:
        yield stack


def _ref(start: int) -> str:
    return f"D{start:08d}"


def _most_at_once(spans: list[tuple[datetime, datetime]]) -> int:
    edges = sorted([(a, 1) for a, _ in spans] + [(b, -1) for _, b in spans])
    level = peak = 0
    for _, step in edges:
        level += step
        peak = max(peak, level)
    return peak


def _record(page: Page, code: str = "note", **fields: str) -> None:
    form = page.locator("form.disposition")
    form.locator("select[name=code]").select_option(code)
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("button.primary").click()
    expect(page.locator(".flash.ok")).to_be_visible()


def _popped(page: Page, *, after: str = "") -> str:
    """The attempt the desk pops (no reload) once it is not `after`; its id."""
    live = page.locator("#live-case")
    expect(live).to_have_attribute("data-attempt", _not(after), timeout=POP)
    return live.get_attribute("data-attempt") or ""


def _not(value: str) -> re.Pattern[str]:
    return re.compile(rf"^(?!{re.escape(value)}$)\d+$")


def _legs(live: Live, *numbers: str) -> list[Any]:
    """The calls the emulator placed to these numbers."""
    return [c for c in live.calls() if c.to in numbers]


def test_progressive_two_agents_take_every_call_from_their_desks(live: Live) -> None:
    """Both agents set themselves available in the browser; each call pops on a desk and is
    dispositioned there; the emulator never had more consumers in flight than agents."""
    campaign = live.campaign(
        "live-progressive", [{"kind": "agent", "script": "agent_bridge", "max_attempts": 1}]
    )
    for phone in (ANN, BOB):
        live.emulator.script(phone, call="human", ring_seconds=1, talk_seconds=6)
    desks = {"ann": live.desk("ann"), "bob": live.desk("bob")}
    people = live.people(4, start=100, campaign_id=campaign, script={"talk_seconds": 6})
    handled: dict[str, list[str]] = {"ann": [], "bob": []}
    shown: set[str] = set()
    deadline = time.monotonic() + 60
    while sum(map(len, handled.values())) < len(people) and time.monotonic() < deadline:
        for name, page in desks.items():
            case = page.locator("#live-case")
            attempt = case.get_attribute("data-attempt") if case.count() else None
            if attempt and attempt not in handled[name]:
                shown.add(case.locator(".case-ref").inner_text())
                _record(page, notes=f"{name} spoke with the consumer")
                handled[name].append(attempt)
        time.sleep(0.2)
    for page in desks.values():
        live.leave(page)
    live.finish(campaign)

    assert shown == {_ref(100 + i) for i in range(len(people))}
    assert all(handled.values()), handled  # both agents took calls
    legs = _legs(live, *(p.number for p in people))
    consumer_legs = [c for c in legs if c.direction == "outbound-api"]
    assert sorted(c.to for c in consumer_legs) == sorted(p.number for p in people)
    bridged = [c for c in live.calls() if c.direction == "outbound-dial"]
    consumer_sids = {c.sid for c in consumer_legs}
    assert {c.to for c in bridged if c.parent_call_sid in consumer_sids} == {ANN, BOB}
    spans = [(c.date_created, c.end_time or c.date_updated) for c in consumer_legs]
    assert _most_at_once(spans) <= 2


def _predictive_history(live: Live, campaign_id: int) -> None:
    """The campaign's last hour: 100 calls, 25 answered; its month: 225 live answers, 4
    abandoned (so the pacer dials 3 per free agent, 2 beyond the agents). On a consumer
    outside every campaign."""
    (person,) = live.people(1, start=900, campaign_id=None, due=False)
    now = live.clock.now()
    outcomes = ["conversation"] * 25 + ["no_answer"] * 75
    outcomes += ["abandoned"] * 4 + ["conversation"] * 196
    rows = [
        {
            "consumer_id": person.consumer_id,
            "channel": "call",
            "direction": "outbound",
            "mode": "automated",
            "origin": "dialer",
            "campaign_id": campaign_id,
            "step_index": 0,
            "status": "no_answer" if outcome == "no_answer" else "completed",
            "outcome": outcome,
            "attempted_at": now - timedelta(minutes=30 if index < 100 else 3 * 24 * 60),
        }
        for index, outcome in enumerate(outcomes)
    ]
    with transaction(live.services.sessions) as session:
        session.execute(sa.insert(ContactAttempt), rows)


def test_predictive_abandons_only_with_no_agent_free_and_the_caller_hears_who_called(
    live: Live,
) -> None:
    """One agent free, three consumers who all answer: one reaches the agent's desk, the
    others are abandoned and hear the identification message first; the supervisor's
    dashboard shows the campaign's abandonment rate, under the cap."""
    step = {
        "kind": "agent",
        "script": "agent_bridge",
        "max_attempts": 1,
        "dialing": "predictive",
        "predictive": {"max_ratio": 3.0},
    }
    campaign = live.campaign("live-predictive", [step], **SENDER)
    _predictive_history(live, campaign)
    live.emulator.script(ANN, call="human", ring_seconds=1, talk_seconds=6)
    desk = live.desk("ann")
    people = live.people(3, start=200, campaign_id=campaign, script={"talk_seconds": 4})
    _popped(desk)
    expect(desk.locator("#live-case .case-ref")).to_have_text(re.compile(r"^D0000020[012]$"))
    _record(desk, notes="spoke with the consumer")
    assert live.emulator.wait_idle(timeout=30)
    live.leave(desk)

    consumer_legs = _legs(live, *(p.number for p in people))
    assert sorted(c.to for c in consumer_legs) == sorted(p.number for p in people)
    to_agent = {c.parent_call_sid for c in live.calls() if c.direction == "outbound-dial"}
    abandoned = [c for c in consumer_legs if c.sid not in to_agent]
    assert len(consumer_legs) - len(abandoned) == 1  # the one agent took one call
    assert abandoned  # every consumer answered: the others found no agent free
    for call in abandoned:
        first = live.emulator.heard(call.sid)[0]
        assert first["verb"] == "Say"
        assert first["text"].startswith(IDENTIFICATION)
        assert first["at"] <= 2.0

    board = live.browser.new_page()
    sign_in(board, live.base_url, "sam")
    board.goto(f"{live.base_url}/dashboard")
    row = board.locator("#abandonment tbody tr", has_text="live-predictive")
    cells = row.locator("td")
    expect(cells.nth(1)).to_have_text(str(225 + len(people)))
    expect(cells.nth(2)).to_have_text(str(4 + len(abandoned)))
    rate = (4 + len(abandoned)) / (225 + len(people))
    expect(cells.nth(3)).to_have_text(f"{rate * 100:.1f}%")
    assert rate <= 0.03
    board.close()
    live.finish(campaign)


def test_a_consumer_who_calls_in_pops_on_the_free_agents_desk(live: Live) -> None:
    """The emulator places an inbound call from a known consumer to one of our caller IDs;
    the caller asks for an agent (1) and is bridged to the available agent, whose desk shows
    the consumer's case meanwhile; the agent dispositions it there."""
    (person,) = live.people(
        1, start=300, campaign_id=None, due=False, script={"digits": ["1"], "talk_seconds": 8}
    )
    live.emulator.script(ANN, call="human", ring_seconds=1, talk_seconds=8)
    desk = live.desk("ann")
    base = live.base_url
    live.emulator.inbound_call(
        from_=person.number,
        to=CALLER_ID,
        url=f"{base}/twilio/voice/answer",
        status_url=f"{base}/twilio/voice/status",
    )
    _popped(desk)
    expect(desk.locator("#live-case .case-ref")).to_have_text(_ref(300))
    expect(desk.locator("#live-case")).to_contain_text("Person300")
    _record(desk, notes="called us about the balance")
    assert live.emulator.wait_idle(timeout=30)
    live.leave(desk)

    calls = live.calls()
    (inbound,) = [c for c in calls if c.direction == "inbound"]
    assert inbound._from == person.number  # the official client's name for `from`
    assert (inbound.to, inbound.status) == (CALLER_ID, "completed")
    (bridged,) = [c for c in calls if c.parent_call_sid == inbound.sid]
    assert (bridged.direction, bridged.to, bridged.status) == ("outbound-dial", ANN, "completed")


def _agent_first(live: Live, consumer: str) -> list[tuple[Any, Any]]:
    """(agent's leg, consumer's leg) of every call that rang an agent first."""
    calls = live.calls()
    return [
        (parent, child)
        for child in calls
        if child.direction == "outbound-dial" and child.to == consumer
        for parent in calls
        if parent.sid == child.parent_call_sid
    ]


def _an_earlier_call_nobody_answered(live: Live, person: Person) -> None:
    """Yesterday a call for Ann went unanswered: the case is hers to work."""
    at = live.clock.now() - timedelta(days=1)
    with transaction(live.services.sessions) as session:
        session.add(
            ContactAttempt(
                consumer_id=person.consumer_id,
                debt_id=person.debt_id,
                channel="call",
                direction="outbound",
                mode="agent",
                origin="dialer",
                to_number=person.number,
                status="no_answer",
                outcome="no_answer",
                agent_id=live.users["ann"],
                attempted_at=at,
                ended_at=at + timedelta(seconds=30),
                updated_at=at,
            )
        )


def test_a_manual_call_and_the_callback_it_sets_ring_the_agent_first(live: Live) -> None:
    """From the case page the agent calls the consumer: the agent's phone is the first leg,
    the consumer the bridged one. The consumer asks to be called back at 14:00; the agent
    records it on the desk; at 14:00 the callback rings the agent first again and the case
    pops on the desk."""
    campaign = live.campaign(
        "live-manual", [{"kind": "agent", "script": "agent_bridge", "max_attempts": 1}]
    )
    # New York (Reg F alone: Massachusetts allows two calls in seven days)
    (person,) = live.people(1, start=400, campaign_id=campaign, due=False, places=[NEW_YORK])
    _an_earlier_call_nobody_answered(live, person)
    live.emulator.script(ANN, call="human", ring_seconds=1, talk_seconds=6)
    desk = live.desk("ann")
    desk.goto(f"{live.base_url}/cases/{person.debt_id}")
    expect(desk.locator(".decision")).to_contain_text("A call now would be allowed.")
    desk.get_by_role("button", name="Call the consumer now").click()
    expect(desk.locator(".flash.ok")).to_contain_text("Calling the consumer")
    first = _popped(desk)
    expect(desk.locator("#live-case .case-ref")).to_have_text(_ref(400))
    _record(desk, "callback", callback_at="2026-03-17T14:00", notes="call me after lunch")
    owed = desk.locator("#callbacks-owed tr.callback")  # the desk's My callbacks panel
    expect(owed).to_contain_text(f"2026-03-17 14:00 America/New_York {_ref(400)}")
    assert live.emulator.wait_idle(timeout=30)
    ((agent_leg, consumer_leg),) = _agent_first(live, person.number)
    assert (agent_leg.direction, agent_leg.to) == ("outbound-api", ANN)
    assert consumer_leg.status == "completed"

    expect(desk.locator("#availability-now")).to_have_text("available", timeout=POP)
    live.clock.advance(START.replace(hour=18) - live.clock.now() + timedelta(seconds=1))
    second = _popped(desk, after=first)  # 14:00 in New York: the callback
    expect(desk.locator("#live-case .case-ref")).to_have_text(_ref(400))
    expect(owed).to_have_count(0, timeout=POP)  # placed: off the panel, without a reload
    _record(desk, notes="called back as asked")
    assert live.emulator.wait_idle(timeout=30)
    live.leave(desk)
    live.finish(campaign)

    legs = _agent_first(live, person.number)
    every = [(c.sid, c.direction, c.to, c.status, c.parent_call_sid) for c in live.calls()]
    assert len(legs) == 2, every
    assert [(a.direction, a.to, c.status) for a, c in legs] == [
        ("outbound-api", ANN, "completed")
    ] * 2
    assert not [c for c in _legs(live, person.number) if c.direction == "outbound-api"]
    assert second != first
    for _, consumer_leg in legs:  # no prerecorded or synthesised prompt reached the consumer
        assert live.emulator.heard(consumer_leg.sid) == []


def test_a_machine_gets_the_voicemail_after_its_greeting_and_the_case_shows_it(
    live: Live,
) -> None:
    """An IVR step reaches an answering machine: the limited-content message plays once the
    greeting is over (the emulator's heard log); the supervisor finds it on the case page."""
    campaign = live.campaign(
        "live-voicemail", [{"kind": "ivr", "script": "reminder_ivr", "max_attempts": 1}], **SENDER
    )
    machine = {"call": "machine", "answered_by": "machine_end_beep", "digits": [None]}
    (person,) = live.people(1, start=500, campaign_id=campaign, script=machine)
    assert wait_for(
        lambda: [c.status for c in _legs(live, person.number)] == ["completed"], timeout=30
    )
    live.finish(campaign)
    (call,) = _legs(live, person.number)
    heard = live.emulator.heard(call.sid)
    (message,) = [h for h in heard if h["text"].startswith("Hello, this is Jordan Lee")]
    assert "JL Services" in message["text"]
    assert message["at"] >= 4.0  # the greeting lasts 4 s (MachineDetectionDuration)

    page = live.browser.new_page()
    sign_in(page, live.base_url, "sam")
    page.goto(f"{live.base_url}/cases/{person.debt_id}")
    expect(page.locator("ol.timeline li[data-kind=voicemail]")).to_contain_text(
        "limited-content message"
    )
    page.close()


def test_an_all_party_consent_call_is_announced_before_recording_and_its_playback_audited(
    live: Live, tmp_path: Path
) -> None:
    """A consumer in Massachusetts hears the recording notice before the bridged call is
    recorded (the emulator's executed log); the supervisor downloads the recording from the
    case page and finds the download in the audit log."""
    campaign = live.campaign(
        "live-recorded",
        [{"kind": "agent", "script": "agent_bridge", "max_attempts": 1}],
        audience={"countries": ["US"]},
        recording={"enabled": True, "all_party_consent": "announce"},
        **SENDER,
    )
    live.emulator.script(ANN, call="human", ring_seconds=1, talk_seconds=6)
    desk = live.desk("ann")
    (person,) = live.people(1, start=600, campaign_id=campaign, places=[("US", "MA", "617")])
    _popped(desk)
    expect(desk.locator("#live-case .case-ref")).to_have_text(_ref(600))
    _record(desk, notes="recorded call")
    assert live.emulator.wait_idle(timeout=30)
    live.leave(desk)
    live.finish(campaign)

    (call,) = _legs(live, person.number)
    executed = [row.get("event") or row.get("text", "") for row in live.emulator.executed(call.sid)]
    notice = next(i for i, e in enumerate(executed) if e.startswith("This call will be recorded"))
    assert notice < executed.index("recording-started")
    (recording,) = live.twilio().recordings.list(call_sid=call.sid)

    board = live.browser.new_page()
    sign_in(board, live.base_url, "sam")
    board.goto(f"{live.base_url}/cases/{person.debt_id}")
    recordings = board.locator("#recordings")
    expect(recordings).to_contain_text("announced before recording")
    with board.expect_download() as download:
        recordings.get_by_role("link", name="Download").click()
    saved = tmp_path / "call.wav"
    download.value.save_as(saved)
    assert saved.read_bytes() == live.services.telephony.recording_audio(recording.sid)
    board.goto(f"{live.base_url}/audit?action=recording.download")
    rows = board.locator("table.audit tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("sam")
    expect(rows.first).to_contain_text(recording.sid)
    board.close()
