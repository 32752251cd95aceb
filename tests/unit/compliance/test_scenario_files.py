from __future__ import annotations

from pathlib import Path

import pytest

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


PERSON = (
    "scenarios:\n  - id: person\n    consumer: {country: US, state: NJ, flags: %s,\n"
    "      phones: [{number: '+12015550106', type: mobile, consent: true%s}]}\n"
    "    history: [%s]\n"
    "    limits: %s\n"
    "    proposed: {at: '2026-02-16T17:00:00Z', channel: %s, to: '+12015550106'%s}\n"
)
CALL = "{at: '2026-02-16T14:00:00Z', channel: call, to: '+12015550106'%s}"


def _person(
    *,
    flags: str = "[]",
    phone: str = "",
    entry: str = "",
    limits: str = "{}",
    channel: str = "call",
    proposed: str = "",
) -> str:
    return PERSON % (flags, phone, CALL % entry, limits, channel, proposed)


@pytest.mark.parametrize(
    ("text", "where", "why"),
    [
        (_person(proposed=", debt: D1, debts: [D1]"), "proposed", "either 'debt' or 'debts'"),
        (_person(proposed=", debts: []"), "proposed.debts", "at least one debt"),
        (_person(entry=", debts: [D1, D1]"), "history[0].debts", "appears twice"),
        (_person(flags="[{flag: dispute_pending}]"), "flags[0]", "both 'flag' and 'debt'"),
        (_person(flags="[{flag: on_fire, debt: D2}]"), "flags[0].flag", "not one of"),
        (_person(phone=", relationship: cousin"), "phones[0].relationship", "not one of"),
        (_person(entry=", mode: robot"), "history[0].mode", "not one of"),
        (
            _person(entry=", callback_at: '2026-02-17T15:00:00Z'"),
            "callback_at",
            "callback_requested",
        ),
        (_person(entry=", callback_requested: true, callback_at: tomorrow"), "callback_at", "ISO"),
        (_person(channel="sms", proposed=", callback: true"), "proposed.callback", "only a call"),
        (_person(limits="{min_minutes_between_contacts: 0}"), "min_minutes_between", ">= 1"),
        (
            _person(limits="{person_lockout_after_conversation: yes please}"),
            "person_lockout",
            "true",
        ),
    ],
)
def test_bad_person_level_input_exits_2_saying_where_and_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, where: str, why: str
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    assert run_check([bad]) == 2
    error = capsys.readouterr().err
    assert "scenario 'person'" in error
    assert where in error
    assert why in error


def test_the_person_level_keys_parse_when_well_formed(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(
        _person(
            flags="[bankruptcy, {flag: dispute_pending, debt: D2}]",
            phone=", relationship: self",
            entry=", debts: [D1, D2], mode: agent, outcome: conversation, "
            "callback_requested: true, callback_at: '2026-02-17T15:00:00Z'",
            limits="{min_minutes_between_contacts: 120, person_lockout_after_conversation: true}",
            proposed=", mode: agent, debts: [D1, D2], callback: true",
        )
        + "    expect: {decision: block, reasons: [bankruptcy]}\n"
    )
    assert run_check([good]) == 0
