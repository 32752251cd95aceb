"""Screenshots of the agent's desk and the dashboard, in English and Chinese, for the docs.

Run from the repository root:  .venv/bin/python docs/make_screenshots.py
It serves the app on a loopback port with a small seeded portfolio and today's activity,
bridges a call to the agent with signed Twilio webhooks, and drives Debian's chromium.
(Chinese text needs a CJK font: apt-get install fonts-wqy-microhei.)
"""

from __future__ import annotations

import sys
import tempfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dialer.admin.accounts import update_user  # noqa: E402
from dialer.cases.record import add_case_event  # noqa: E402
from dialer.db.engine import transaction  # noqa: E402
from dialer.db.models import ContactAttempt, User  # noqa: E402
from tests.browser.harness import (  # noqa: E402
    BridgedCall,
    Served,
    chromium,
    served_app,
    sign_in,
)

OUT = ROOT / "docs"
OUTCOMES = [
    "conversation",
    "no_answer",
    "voicemail",
    "no_answer",
    "busy",
    "conversation",
    "wrong_party",
    "no_answer",
    "conversation",
    "failed",
]


def todays_activity(served: Served) -> None:
    """Calls and SMS earlier today, and a few blocked contacts, so the charts have data."""
    now = served.services.clock.now()
    seeded = served.seeded
    with transaction(served.services.sessions) as session:
        for index, outcome in enumerate(OUTCOMES * 2):
            at = now - timedelta(minutes=7 * index + 3)
            session.add(
                ContactAttempt(
                    consumer_id=seeded.consumer_id,
                    debt_id=seeded.second_debt_id,
                    channel="call",
                    status="completed",
                    outcome=outcome,
                    attempted_at=at,
                    to_number=seeded.phone,
                    from_number="+16175550199",
                    duration_seconds=95 if outcome == "conversation" else 0,
                    agent_id=seeded.other_agent_id if outcome == "conversation" else None,
                    decision={"candidate_zones": [{"zone": "America/New_York", "source": "test"}]},
                )
            )
        for index, outcome in enumerate(["delivered"] * 9 + ["undelivered", "sent"]):
            session.add(
                ContactAttempt(
                    consumer_id=seeded.consumer_id,
                    debt_id=seeded.second_debt_id,
                    channel="sms",
                    status=outcome,
                    outcome=outcome,
                    attempted_at=now - timedelta(minutes=11 * index),
                    to_number=seeded.phone,
                    from_number="+16175550199",
                )
            )
        for reasons in (
            ["outside_hours"],
            ["frequency_cap"],
            ["frequency_cap"],
            ["opted_out"],
            ["inconvenient_time"],
            ["frequency_cap"],
        ):
            add_case_event(
                session,
                consumer_id=seeded.consumer_id,
                debt_id=seeded.second_debt_id,
                at=now - timedelta(hours=1),
                kind="contact_blocked",
                summary="blocked",
                detail={"reasons": reasons},
            )
        bob = session.get(User, seeded.other_agent_id)
        assert bob is not None
        bob.availability = "wrap_up"


def language(served: Served, user_id: int, code: str) -> None:
    with transaction(served.services.sessions) as session:
        update_user(
            session,
            user_id=user_id,
            now=served.services.clock.now(),
            actor="docs",
            reason="screenshots",
            language=code,
        )


def main() -> None:
    with (
        tempfile.TemporaryDirectory() as tmp,
        served_app(Path(tmp)) as served,
        chromium() as browser,
    ):
        todays_activity(served)
        agent = browser.new_page(viewport={"width": 1280, "height": 1400})
        sign_in(agent, served.base_url, "ann")
        agent.select_option("select[name=availability]", "available")
        agent.click("form[action='/desk/availability'] button")
        BridgedCall(served).press_through_to_an_agent()
        agent.locator("#live-case .case-ref").wait_for(timeout=10_000)
        boss = browser.new_page(viewport={"width": 1280, "height": 1500})
        sign_in(boss, served.base_url, "sam")
        for code in ("en", "zh"):
            language(served, served.seeded.agent_id, code)
            language(served, served.seeded.supervisor_id, code)
            agent.goto(f"{served.base_url}/desk")
            agent.screenshot(path=str(OUT / f"agent-desk-{code}.png"), full_page=True)
            boss.goto(f"{served.base_url}/dashboard")
            boss.screenshot(path=str(OUT / f"dashboard-{code}.png"), full_page=True)
    print("wrote", ", ".join(sorted(p.name for p in OUT.glob("*.png"))))  # noqa: T201


if __name__ == "__main__":
    main()
