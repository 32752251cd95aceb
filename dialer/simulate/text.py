"""Plain-text rendering of simulation figures (one run, or two side by side)."""

from __future__ import annotations

from dialer.simulate.results import Comparison, SimulationResult


def render_result(result: SimulationResult) -> str:
    f = result.figures
    lines = [
        f"Simulated {f.cases:,} cases over {result.config.days} days "
        f"in {result.seconds:.1f} s ({result.shards} process(es), "
        f"{result.case_days_per_second:,.0f} case-days/s, {f.evaluations:,} engine checks; "
        f"portfolio {result.portfolio_seconds:.1f} s)",
        *_scope(result),
        "",
    ]
    width = max(len(label) for label in f.headline())
    lines += [f"  {label:<{width}}  {value:>10,}" for label, value in f.headline().items()]
    if f.stopped_by_rule:
        stopped = ", ".join(f"{code} {n:,}" for code, n in f.stopped_by_rule.most_common())
        lines.append(f"  cases stopped for good: {stopped}")
    lines += _violations(result)
    return "\n".join(lines)


def render_comparison(comparison: Comparison) -> str:
    width = max(len(label) for label, _, _ in comparison.rows)
    header = f"  {'figure':<{width}}  {'current':>10}  {'proposed':>10}  {'change':>9}"
    lines = [
        f"Same portfolio and seed, {comparison.current.config.days} days, "
        f"{comparison.current.figures.cases:,} cases ({comparison.seconds:.1f} s)",
        *_scope(comparison.current, label="current: "),
        *_scope(comparison.proposed, label="proposed: "),
        "",
        header,
        "  " + "-" * (len(header) - 2),
    ]
    for label, current, proposed in comparison.rows:
        change = proposed - current
        lines.append(f"  {label:<{width}}  {current:>10,}  {proposed:>10,}  {change:>+9,}")
    lines += _violations(comparison.current) + _violations(comparison.proposed)
    return "\n".join(lines)


def _scope(result: SimulationResult, *, label: str = "") -> list[str]:
    """What was simulated and audited exactly, and what was a seeded sample."""
    f = result.figures
    lines = []
    if result.sampled:
        lines.append(
            f"{label}ESTIMATE from a seeded sample of {result.simulated_cases:,} of {f.cases:,} "
            f"cases (--sample), counts scaled x{f.cases / max(result.simulated_cases, 1):.1f}; "
            "capacity scaled alike; re-audit figures not scaled"
        )
    made = result.simulated_attempts
    if result.audit_sampled:
        lines.append(
            f"{label}re-audit: a seeded sample of {f.audited:,} of the {made:,} simulated "
            "contacts (--audit-all checks every one)"
        )
    elif made:
        lines.append(f"{label}re-audit: every one of the {made:,} simulated contacts")
    return lines


def _violations(result: SimulationResult) -> list[str]:
    f = result.figures
    if not f.violation_count:
        return []
    lines = [f"  RE-AUDIT FOUND {f.violation_count} VIOLATION(S), e.g.:"]
    lines += [f"    {v}" for v in f.violations[:5]]
    return lines
