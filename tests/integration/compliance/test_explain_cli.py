"""`dialer compliance explain`: the engine's answer for a real case from the database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dialer.cli.main import cli

DATA = Path(__file__).resolve().parents[3] / "data"


@pytest.fixture
def loaded(db_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("DATABASE_URL", db_url)
    runner = CliRunner()
    assert runner.invoke(cli, ["import", "cases", str(DATA / "sample_cases.csv")]).exit_code == 0
    return runner


def test_explain_says_why_not_now_and_when_before_eight_in_boston(loaded: CliRunner) -> None:
    result = loaded.invoke(
        cli, ["compliance", "explain", "SD001", "--channel", "call", "--at", "2026-03-17T11:00:00Z"]
    )
    assert result.exit_code == 0, result.output
    assert "[outside_hours]" in result.output
    assert "12 CFR 1006.6(b)(1)(i)" in result.output
    assert "next allowed at 2026-03-17 12:00:00Z" in result.output


def test_explain_json_matches_the_decision_snapshot_format(loaded: CliRunner) -> None:
    result = loaded.invoke(
        cli, ["compliance", "explain", "SD001", "--at", "2026-03-17T15:00:00Z", "--json"]
    )
    assert result.exit_code == 0, result.output
    decision = json.loads(result.output)
    assert decision["decision"] in {"allow", "block"}
    assert decision["pack_versions"]


def test_explain_an_unknown_case_is_a_clear_error(loaded: CliRunner) -> None:
    result = loaded.invoke(cli, ["compliance", "explain", "NOPE"])
    assert result.exit_code == 2
    assert "no case" in result.output


def test_explain_refuses_a_time_without_offset(loaded: CliRunner) -> None:
    result = loaded.invoke(cli, ["compliance", "explain", "SD001", "--at", "2026-03-17T11:00"])
    assert result.exit_code == 2
    assert "no UTC offset" in result.output
