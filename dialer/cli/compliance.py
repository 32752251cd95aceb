"""`dialer compliance ...`: evaluate scenario files and explain decisions."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from dialer.errors import InputError


@click.group()
def compliance() -> None:
    """Check scenario files against the compliance engine; explain decisions."""


@compliance.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document instead of text.")
@click.option(
    "--rules-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Rule packs to use (default: the bundled config/rules).",
)
def check(files: tuple[Path, ...], as_json: bool, rules_dir: Path | None) -> None:
    """Evaluate scenario FILES; exit 0 if every expectation matches, 1 if not, 2 if malformed."""
    sys.exit(run_check(files, as_json=as_json, rules_dir=rules_dir))


def run_check(
    files: tuple[Path, ...] | list[Path], *, as_json: bool = False, rules_dir: Path | None = None
) -> int:
    """The body of `check`, callable from tests: returns the exit status."""
    from dialer.compliance import load_rule_packs
    from dialer.compliance.scenarios import load_scenarios, run_scenario

    try:
        packs = load_rule_packs(rules_dir)
        loaded = [(path, load_scenarios(path)) for path in files]
    except InputError as exc:
        click.echo(f"error: {exc}", err=True)
        return 2
    failed = 0
    report: list[dict[str, object]] = []
    for path, scenarios in loaded:
        for scenario in scenarios:
            result = run_scenario(scenario, packs)
            failed += result.matched is False
            if as_json:
                report.append(
                    {
                        "file": str(path),
                        "id": scenario.id,
                        "matched": result.matched,
                        "problems": list(result.problems),
                        **result.decision.to_dict(),
                    }
                )
            else:
                click.echo(_line(scenario.id, result))
    if as_json:
        click.echo(
            json.dumps({"scenarios": report, "failed": failed}, ensure_ascii=False, indent=2)
        )
    else:
        total = sum(len(s) for _, s in loaded)
        click.echo(f"{total} scenario(s), {failed} mismatch(es)")
    return 1 if failed else 0


def _line(scenario_id: str, result: object) -> str:
    from dialer.compliance.scenarios import ScenarioResult

    assert isinstance(result, ScenarioResult)
    decision = result.decision
    mark = {True: "ok  ", False: "FAIL", None: "    "}[result.matched]
    text = f"{mark} {scenario_id}: {decision.decision}"
    if decision.reasons:
        text += " [" + ", ".join(decision.reason_codes) + "]"
    if not decision.allowed:
        nxt = decision.next_allowed_at
        text += " next allowed: " + (nxt.strftime("%Y-%m-%dT%H:%M:%SZ") if nxt else "never")
    for problem in result.problems:
        text += f"\n       {problem}"
    return text


def _register_explain() -> None:
    from dialer.cli.why_not_now import explain

    compliance.add_command(explain)


_register_explain()
