"""The desk's Callbacks panel: the callbacks an agent owes (recorded by them, or nobody's and due
in a language they speak), each with the engine's answer, and the case page they may open."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask

from console.context import state
from dialer.bootstrap import Services
from dialer.cases.dispositions import DispositionCode, DispositionInput, record_disposition
from dialer.clock import FakeClock
from dialer.db.engine import transaction
from dialer.db.models import ContactAttempt, Debt, User
from tests.integration.console.conftest import login
from tests.integration.console.seed import Seeded


def _ann_records_a_callback(app: Flask, services: Services, seeded: Seeded) -> None:
    """Ann records a callback for 14:00 the consumer's time today (it is 11:00 in Boston)."""
    with app.app_context(), transaction(services.sessions) as session:
        record_disposition(
            session,
            debt_id=seeded.debt_id,
            entry=DispositionInput(
                code=DispositionCode.CALLBACK, callback_local=datetime(2026, 3, 17, 14, 0)
            ),
            now=services.clock.now(),
            actor="ann",
            agent_id=seeded.agent_id,
            packs=state().packs,
        )


def _consumer_chose_a_callback(services: Services, seeded: Seeded) -> None:
    """In the menu, the consumer chose a callback for D-1002 ten minutes ago: nobody owns it."""
    now = services.clock.now()
    with transaction(services.sessions) as session:
        at = now - timedelta(minutes=10)
        session.add(
            ContactAttempt(
                consumer_id=seeded.consumer_id,
                debt_id=seeded.second_debt_id,
                channel="call",
                status="completed",
                attempted_at=now - timedelta(hours=1),
                to_number=seeded.phone,
                callback_requested=True,
                callback_at=at,
            )
        )
        debt = session.get(Debt, seeded.second_debt_id)
        assert debt is not None
        debt.callback_at = at


def test_an_agent_sees_and_opens_their_callback_and_another_agent_does_not(
    app: Flask, services: Services, seeded: Seeded, clock: FakeClock
) -> None:
    ann, bob = app.test_client(), app.test_client()
    login(ann, "ann")
    login(bob, "bob")
    case = f"/cases/{seeded.debt_id}"
    assert ann.get(case).status_code == 403  # she never worked it
    assert "D-1001" not in ann.get("/desk").text
    _ann_records_a_callback(app, services, seeded)
    row = _row(ann.get("/desk/callbacks").text, "D-1001")
    assert "2026-03-17 14:00 America/New_York" in row
    assert "Acme Bank" in row
    assert "A call now would be allowed." in row
    assert f'href="{case}"' in row
    assert len(ann.get("/desk/state").json["callbacks"]) == 1
    assert ann.get(case).status_code == 200
    assert "D-1001" not in bob.get("/desk/callbacks").text  # Ann's, not his
    assert bob.get(case).status_code == 403
    # 21:30 in Boston: overdue, and the engine says no (calling hours) and when
    before = ann.get("/desk/state").json["callbacks"]
    clock.set(datetime.fromisoformat("2026-03-18T01:30:00+00:00"))
    assert ann.get("/desk/state").json["callbacks"] != before  # desk.js fetches the panel again
    row = _row(ann.get("/desk").text, "D-1001")
    assert "A call now would be blocked." in row
    assert "Next lawful time: 2026-03-18 08:00 America/New_York" in row


def test_a_callback_nobody_owns_is_for_the_agents_who_speak_the_language(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    ann, bob = app.test_client(), app.test_client()
    login(ann, "ann")
    login(bob, "bob")
    with transaction(services.sessions) as session:
        user = session.get(User, seeded.other_agent_id)
        assert user is not None
        user.languages = "es,zh"
    _consumer_chose_a_callback(services, seeded)
    case = f"/cases/{seeded.second_debt_id}"
    assert "Beta Card" in _row(ann.get("/desk/callbacks").text, "D-1002")
    assert ann.get(case).status_code == 200
    assert "D-1002" not in bob.get("/desk/callbacks").text  # he speaks no English to consumers
    assert bob.get(case).status_code == 403


def _row(html: str, ref: str) -> str:
    """The panel's table row of the case `ref`."""
    for row in html.split("<tr")[1:]:
        if ref in row and 'class="callback"' in row:
            return row
    raise AssertionError(f"no callback row for {ref} in the panel")
