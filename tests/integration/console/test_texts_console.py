"""The inbox and the suppression list in the console, and `dialer suppression` on the command
line: what the engine decides afterwards, and the audit log."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from dialer.bootstrap import Services
from dialer.callbacks.events import InboundSms
from dialer.callbacks.inbound import handle_inbound_sms
from dialer.cli.main import cli
from dialer.db.engine import transaction
from dialer.db.models import AuditEntry, InboxMessage, Phone, SuppressedNumber
from dialer.vocabulary import PhoneStatus
from tests.integration.console.conftest import csrf_token, form_post, login
from tests.integration.console.seed import Seeded
from tests.integration.console.test_desk import connected_call
from tests.integration.console.test_dispositions import call_now


def _actions(services: Services) -> list[tuple[str, str]]:
    with transaction(services.sessions) as session:
        return [(e.action, e.actor) for e in session.query(AuditEntry).order_by(AuditEntry.id)]


def _text_in(services: Services, seeded: Seeded, body: str, sid: str) -> None:
    with transaction(services.sessions) as session:
        sms = InboundSms(message_sid=sid, from_number=seeded.phone, to_number="+1617", body=body)
        handle_inbound_sms(session, sms, now=services.clock.now())


def test_an_admin_suppresses_a_number_and_removes_it_with_a_reason(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    client = app.test_client()
    login(client, "alice")
    form_post(
        client,
        "/suppression",
        "/suppression/add",
        {"number": seeded.phone, "scope": "call", "reason": "attorney letter"},
    )
    assert "opted_out" in call_now(app, services)[1]
    page = client.get("/suppression").text
    assert "attorney letter" in page
    with transaction(services.sessions) as session:
        entry_id = session.query(SuppressedNumber).one().id
    form_post(client, "/suppression", f"/suppression/{entry_id}/remove", {"reason": "typo"})
    assert "opted_out" not in call_now(app, services)[1]
    assert _actions(services)[-2:] == [
        ("suppression.add", "alice"),
        ("suppression.remove", "alice"),
    ]


def test_a_bad_line_in_an_upload_is_reported_and_nothing_changes_unless_skipped(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    client = app.test_client()
    login(client, "alice")
    csv = f"number,reason,scope\n{seeded.phone},complaint,all\n12345,bad,all\n".encode()

    def upload(**extra: str) -> str:
        token = csrf_token(client.get("/suppression").text)
        data = {"csrf_token": token, "file": (io.BytesIO(csv), "list.csv"), **extra}
        return client.post("/suppression/upload", data=data).text

    refused = upload()
    assert "line 3" in refused
    assert "Nothing changed" in refused
    assert "opted_out" not in call_now(app, services)[1]
    assert "Added 1 numbers" in upload(skip_invalid="1")
    assert "opted_out" in call_now(app, services)[1]


def test_an_agent_reads_a_wrong_number_text_restores_the_number_and_resolves_it(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    connected_call(services, seeded)  # ann works the case; bob does not
    _text_in(services, seeded, "wrong number", "SM" + "d" * 32)
    assert "invalid_number" in call_now(app, services)[1]
    with transaction(services.sessions) as session:
        phone_id = session.query(Phone).filter(Phone.e164 == seeded.phone).one().id
    outsider = app.test_client()
    login(outsider, "bob")
    assert "wrong number" not in outsider.get("/inbox").text
    refused = form_post(outsider, "/inbox", f"/phones/{phone_id}/restore", {"reason": "guess"})
    assert refused.status_code == 403
    client = app.test_client()
    login(client, "ann")
    inbox = client.get("/inbox").text
    assert "wrong number" in inbox
    assert "Restore the number" in inbox
    with transaction(services.sessions) as session:
        message_id = session.query(InboxMessage).one().id
    restored = form_post(
        client,
        "/inbox",
        f"/phones/{phone_id}/restore",
        {"reason": "called the consumer, confirmed it is her mobile", "back": "//evil.example"},
    )
    assert restored.headers["Location"] == "/inbox"  # never off-site
    with transaction(services.sessions) as session:
        assert session.get(Phone, phone_id).status == PhoneStatus.VALID  # type: ignore[union-attr]
    assert "invalid_number" not in call_now(app, services)[1]
    form_post(client, "/inbox", f"/inbox/{message_id}/resolve", {"note": "number confirmed"})
    assert "wrong number" not in client.get("/inbox").text
    assert "number confirmed" in client.get("/inbox?show=all").text
    actions = [a for a in _actions(services) if a[1] == "ann"]
    assert actions == [
        ("phone.restore", "ann"),
        ("suppression.remove", "ann"),
        ("inbox.resolve", "ann"),
    ]


def test_resolving_needs_a_note(app: Flask, services: Services, seeded: Seeded) -> None:
    _text_in(services, seeded, "can I pay next week?", "SM" + "e" * 32)
    client = app.test_client()
    login(client, "sam")
    with transaction(services.sessions) as session:
        message_id = session.query(InboxMessage).one().id
    form_post(client, "/inbox", f"/inbox/{message_id}/resolve", {"note": "  "})
    assert "a note is required" in client.get("/inbox").text
    with transaction(services.sessions) as session:
        assert session.get(InboxMessage, message_id).resolved_at is None  # type: ignore[union-attr]


def test_the_suppression_cli_adds_imports_lists_and_removes(
    db_url: str, services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    runner = CliRunner()
    added = runner.invoke(cli, ["suppression", "add", "+16175550150", "--reason", "litigator"])
    assert added.exit_code == 0, added.output
    upload = tmp_path / "numbers.csv"
    upload.write_text("number,reason\n+16175550151,complaint\nnot-a-number,x\n")
    refused = runner.invoke(cli, ["suppression", "import", str(upload)])
    assert refused.exit_code == 2
    assert "line 3: not a phone number: 'not-a-number'" in refused.output
    checked = runner.invoke(cli, ["suppression", "import", str(upload), "--dry-run"])
    assert checked.exit_code == 2
    assert "no change" in checked.output
    listed = runner.invoke(cli, ["suppression", "list"]).output
    assert "+16175550150" in listed
    assert "+16175550151" not in listed
    skipped = runner.invoke(cli, ["suppression", "import", str(upload), "--skip-invalid"])
    assert skipped.exit_code == 0, skipped.output
    assert "+16175550151" in runner.invoke(cli, ["suppression", "list"]).output
    removed = runner.invoke(cli, ["suppression", "remove", "+16175550150", "--reason", "settled"])
    assert removed.exit_code == 0, removed.output
    assert "+16175550150" not in runner.invoke(cli, ["suppression", "list"]).output
    bad = runner.invoke(cli, ["suppression", "add", "12", "--reason", "x"])
    assert bad.exit_code == 2
    assert "not a valid phone number" in bad.output
    with transaction(services.sessions) as session:
        actions = [e.action for e in session.query(AuditEntry).order_by(AuditEntry.id)]
    assert actions == ["suppression.add", "suppression.add", "suppression.remove"]
