"""A supervisor clears a flag with a reason: the engine stops applying it, the debt is planned
again, and the timeline and the audit log say who cleared it and why."""

from __future__ import annotations

from flask import Flask

from dialer.bootstrap import Services
from dialer.cases.dispositions import DispositionCode, DispositionInput
from dialer.db.engine import transaction
from dialer.db.models import AuditEntry, CaseEvent, ConsumerFlagRecord, Debt
from tests.integration.console.conftest import form_post, login
from tests.integration.console.seed import Seeded
from tests.integration.console.test_dispositions import call_now, record


def _dispute(app: Flask, services: Services, seeded: Seeded) -> int:
    record(app, services, seeded, DispositionInput(code=DispositionCode.DISPUTE))
    with transaction(services.sessions) as session:
        return session.query(ConsumerFlagRecord).one().id


def test_a_supervisor_clears_a_dispute_and_contact_may_resume(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    flag_id = _dispute(app, services, seeded)
    allowed, reasons = call_now(app, services)
    assert not allowed
    assert "dispute_pending" in reasons
    client = app.test_client()
    login(client, "sam")
    page = f"/cases/{seeded.debt_id}"
    assert "Clear flag" in client.get(page).text
    response = form_post(
        client,
        page,
        f"/cases/{seeded.debt_id}/flags/{flag_id}/clear",
        {"reason": "validation notice mailed 2026-03-02, no reply in 30 days"},
    )
    assert response.status_code == 302
    assert "Flag cleared" in client.get(page).text
    assert "dispute_pending" not in call_now(app, services)[1]
    with transaction(services.sessions) as session:
        flag = session.get(ConsumerFlagRecord, flag_id)
        assert flag is not None
        assert flag.cleared_at is not None
        assert flag.cleared_reason == "validation notice mailed 2026-03-02, no reply in 30 days"
        audit = session.query(AuditEntry).filter_by(action="consumer.flag.clear").one()
        assert (audit.actor, audit.reason) == ("sam", flag.cleared_reason)
        event = session.query(CaseEvent).filter_by(kind="flag.cleared").one()
        assert event.summary.startswith("Flag dispute_pending cleared")
        debt = session.get(Debt, seeded.debt_id)
        assert debt is not None
        assert debt.next_contact_at is not None


def test_a_flag_is_not_cleared_without_a_reason_nor_by_an_agent(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    flag_id = _dispute(app, services, seeded)
    action = f"/cases/{seeded.debt_id}/flags/{flag_id}/clear"
    supervisor = app.test_client()
    login(supervisor, "sam")
    page = f"/cases/{seeded.debt_id}"
    assert form_post(supervisor, page, action, {"reason": "   "}).status_code == 302
    assert "Say why the flag no longer applies." in supervisor.get(page).text
    agent = app.test_client()
    login(agent, "ann")
    assert form_post(agent, "/desk", action, {"reason": "because"}).status_code == 403
    assert "Clear flag" not in agent.get(page).text
    # A flag of another consumer (or one already cleared) is not found.
    assert (
        form_post(
            supervisor, page, f"/cases/{seeded.debt_id}/flags/999/clear", {"reason": "x"}
        ).status_code
        == 404
    )
    with transaction(services.sessions) as session:
        flag = session.get(ConsumerFlagRecord, flag_id)
        assert flag is not None
        assert flag.cleared_at is None
        assert session.query(AuditEntry).filter_by(action="consumer.flag.clear").count() == 0


def test_a_supervisor_sets_a_flag_learned_by_mail_and_contact_stops(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    assert call_now(app, services)[0]
    client = app.test_client()
    login(client, "sam")
    page = f"/cases/{seeded.debt_id}"
    assert "Set flag" in client.get(page).text
    action = f"/cases/{seeded.debt_id}/flags"
    # Without saying how it was learned, nothing is set.
    assert form_post(client, page, action, {"flag": "bankruptcy", "note": " "}).status_code == 302
    assert call_now(app, services)[0]
    note = "chapter 7 notice from the court, case 26-10001, received 2026-03-02"
    assert form_post(client, page, action, {"flag": "bankruptcy", "note": note}).status_code == 302
    allowed, reasons = call_now(app, services)
    assert not allowed
    assert "bankruptcy" in reasons
    with transaction(services.sessions) as session:
        flag = session.query(ConsumerFlagRecord).one()
        assert (flag.flag, flag.debt_id, flag.source) == ("bankruptcy", None, "console:sam")
        audit = session.query(AuditEntry).filter_by(action="consumer.flag").one()
        assert (audit.actor, audit.reason) == ("sam", note)
        assert session.query(CaseEvent).filter_by(kind="flag.added").count() == 1
    agent = app.test_client()
    login(agent, "ann")
    assert form_post(agent, "/desk", action, {"flag": "deceased", "note": "x"}).status_code == 403
