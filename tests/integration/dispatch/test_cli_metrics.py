"""`dialer campaigns ...` end to end through click, and the /metrics endpoint."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dialer.cli.main import cli
from tests.conftest import AS_SCRAPER
from tests.integration.dispatch.portfolio import insert_portfolio
from web.app import create_app

EXAMPLE = Path(__file__).resolve().parents[3] / "config" / "campaigns" / "us-reminders.yaml"


@pytest.fixture
def runner(settings, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("DIALER_ENV", "test")
    monkeypatch.setenv("DIALER_COLLECTOR_TYPE", "first_party")
    return CliRunner()


def test_campaign_commands(runner, services):
    insert_portfolio(services.engine, count=10, now=services.clock.now())  # 8 in the US
    created = runner.invoke(cli, ["campaigns", "create", str(EXAMPLE)])
    assert created.exit_code == 0, created.output
    assert "us-reminders: version 1, draft" in created.output
    assert "sms > ivr > agent > escalate" in runner.invoke(cli, ["campaigns", "list"]).output
    enrolled = runner.invoke(cli, ["campaigns", "enrol", "us-reminders"])
    assert "8 debts enrolled" in enrolled.output
    assert "active" in runner.invoke(cli, ["campaigns", "resume", "us-reminders"]).output
    assert "paused" in runner.invoke(cli, ["campaigns", "pause", "us-reminders"]).output
    missing = runner.invoke(cli, ["campaigns", "pause", "nope"])
    assert missing.exit_code == 2
    assert "no campaign named 'nope'" in missing.output


def test_a_third_party_collector_cannot_create_us_sms_steps(runner, monkeypatch, services):
    monkeypatch.setenv("DIALER_COLLECTOR_TYPE", "third_party")
    refused = runner.invoke(cli, ["campaigns", "create", str(EXAMPLE)])
    assert refused.exit_code == 2
    assert "campaign us-reminders: steps.0: SMS to US consumers is refused" in refused.output
    assert "30943" in refused.output
    assert "30863" in refused.output
    assert "no campaigns" in runner.invoke(cli, ["campaigns", "list"]).output


def test_bad_campaign_file_is_reported_with_file_and_field(runner, tmp_path, services):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nsteps: []\ncaller_ids: {numbers: ['+16175550100']}\n")
    result = runner.invoke(cli, ["campaigns", "create", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}: steps: Tuple should have at least 1 item" in result.output


def test_metrics_endpoint_exposes_the_dialer_metrics(services):
    app = create_app(services=services)
    response = app.test_client().get("/metrics", headers=AS_SCRAPER)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    for name in (
        "dialer_tick_seconds",
        "dialer_placements_total",
        "dialer_blocks_total",
        "dialer_pacing_wait_seconds",
        "dialer_webhook_seconds",
        "dialer_attempts_total",
    ):
        assert f"# TYPE {name.removesuffix('_total')}" in text


def test_dialer_reconcile_resolves_stuck_attempts_on_demand(runner, services, monkeypatch):
    from dialer.vocabulary import AttemptStatus
    from tests.integration.webhooks.builders import make_case
    from tests.integration.webhooks.helpers import attempt_row
    from twilio_emulator.testing import running_emulator

    case = make_case(services.sessions, now=services.clock.now(), status=AttemptStatus.RESERVED)
    with running_emulator() as emulator:
        monkeypatch.setenv("TWILIO_API_BASE", emulator.base_url)
        result = runner.invoke(cli, ["reconcile"])
    assert result.exit_code == 0, result.output
    assert "released 1, adopted 0, finalized 0, unresolved 0" in result.output
    assert attempt_row(services.sessions, case.attempt_id).status == "not_placed"
    bad = runner.invoke(cli, ["reconcile", "--lost-after", "-1"])
    assert bad.exit_code == 2
    assert "--lost-after" in bad.output
