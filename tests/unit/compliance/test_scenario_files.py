from __future__ import annotations

from pathlib import Path

from dialer.cli.compliance import run_check
from tests.shared_files import shared_file

REPO = Path(__file__).resolve().parents[3]
PROJECT_SCENARIOS = sorted((REPO / "tests" / "scenarios").glob("*.yaml"))
SHARED_EXAMPLES = shared_file("compliance/examples.yaml")


def test_project_scenarios_all_match_when_run_through_the_cli() -> None:
    assert len(PROJECT_SCENARIOS) >= 3
    assert run_check(PROJECT_SCENARIOS) == 0


def test_shared_examples_all_match_when_run_through_the_cli() -> None:
    assert SHARED_EXAMPLES.exists(), f"missing {SHARED_EXAMPLES}"
    assert run_check([SHARED_EXAMPLES]) == 0


def test_check_exits_2_naming_the_scenario_and_field_when_malformed(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "scenarios:\n  - id: broken\n    consumer: {country: US}\n"
        "    proposed: {at: 'yesterday', channel: call, to: '+12015550106'}\n"
    )
    assert run_check([bad]) == 2


def test_check_exits_1_when_an_expectation_does_not_match(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(
        "scenarios:\n  - id: wrong\n    consumer: {country: CN, phones: "
        "[{number: '+8613700003333', type: mobile, consent: true}]}\n"
        "    proposed: {at: '2026-06-02T03:00:00Z', channel: call, to: '+8613700003333'}\n"
        "    expect: {decision: block}\n"
    )
    assert run_check([wrong]) == 1
