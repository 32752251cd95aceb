"""`dialer simulate`: run days of the campaign on a simulated clock and report the figures."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
import yaml

from dialer.compliance import AdminLimits
from dialer.errors import InputError


def _read_limits(path: Path) -> AdminLimits:
    from dialer.admin.contact_limits import limits_from_dict

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: cannot read limits ({exc})") from exc
    if not isinstance(data, dict):
        raise InputError(f"{path}: limits must be a mapping like max_calls_per_week: 3")
    limits: dict[str, Any] = data.get("limits", data)
    return limits_from_dict(limits, where=str(path))


@click.command("simulate")
@click.option(
    "--cases",
    "cases",
    type=click.IntRange(1),
    default=1000,
    show_default=True,
    help="Synthetic consumers in the portfolio.",
)
@click.option("--days", type=click.IntRange(1, 366), default=30, show_default=True)
@click.option(
    "--limits",
    "limits_file",
    type=click.Path(exists=True, path_type=Path),
    help="Admin limits YAML (AdminLimits fields) in force.",
)
@click.option(
    "--compare-limits",
    "compare_file",
    type=click.Path(exists=True, path_type=Path),
    help="Proposed limits YAML: run both and show the figures side by side.",
)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option(
    "--campaign",
    "campaign_file",
    type=click.Path(exists=True, path_type=Path),
    help="Campaign YAML (default: the built-in staged reminder strategy).",
)
@click.option(
    "--cps",
    type=click.FloatRange(min=0.01),
    default=5.0,
    show_default=True,
    help="Calls per second the account may place.",
)
@click.option("--agents", type=click.IntRange(0), default=20, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(1, 16),
    default=None,
    help="Processes (default: one per CPU, up to 4, for large portfolios).",
)
@click.option(
    "--sample",
    "sample_cases",
    type=click.IntRange(1),
    default=None,
    help="Simulate only a seeded sample of this many cases and scale the counts up "
    "(an estimate, labelled as such; default: every case).",
)
@click.option(
    "--audit-sample",
    type=click.IntRange(1),
    default=None,
    help="Contacts re-audited: a seeded sample of this many when there are more (default: 20,000).",
)
@click.option("--audit-all", is_flag=True, help="Re-audit every contact (slower).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def simulate(  # noqa: PLR0917 - click passes options positionally
    cases: int,
    days: int,
    limits_file: Path | None,
    compare_file: Path | None,
    seed: int,
    campaign_file: Path | None,
    cps: float,
    agents: int,
    workers: int | None,
    sample_cases: int | None,
    audit_sample: int | None,
    audit_all: bool,
    as_json: bool,
) -> None:
    """Simulate DAYS of the campaign over a synthetic portfolio of CASES consumers.

    Every case is simulated; the re-audit checks a seeded sample of the contacts unless
    --audit-all. Exit status 0 when the re-audit found no violation, 1 otherwise.
    """
    from dialer.simulate import Capacity, SimulationConfig, compare, run_simulation
    from dialer.simulate.results import AUDIT_SAMPLE, DEFAULT_CAMPAIGN
    from dialer.simulate.text import render_comparison, render_result

    base = SimulationConfig(
        days=days,
        seed=seed,
        limits=_read_limits(limits_file) if limits_file else AdminLimits(),
        campaign=campaign_file or DEFAULT_CAMPAIGN,
        capacity=Capacity(calls_per_second=cps, agents=agents),
        workers=workers,
        sample_cases=sample_cases,
        audit_sample=None if audit_all else audit_sample or AUDIT_SAMPLE,
    )
    if compare_file is None:
        result = run_simulation(base, consumers=cases)
        click.echo(json.dumps(result.to_dict(), indent=2) if as_json else render_result(result))
        sys.exit(1 if result.figures.violation_count else 0)
    proposed = SimulationConfig(**{**base.__dict__, "limits": _read_limits(compare_file)})
    comparison = compare(base, proposed, consumers=cases)
    click.echo(
        json.dumps(comparison.to_dict(), indent=2) if as_json else render_comparison(comparison)
    )
    violations = (
        comparison.current.figures.violation_count + comparison.proposed.figures.violation_count
    )
    sys.exit(1 if violations else 0)
