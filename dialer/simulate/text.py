"""Plain-text rendering of simulation figures (one run, or two side by side)."""

from __future__ import annotations

from dialer.simulate.runner import Comparison, SimulationResult


def render_result(result: SimulationResult) -> str:
    f = result.figures
    lines = [
        f"Simulated {f.cases:,} cases over {result.config.days} days "
        f"in {result.seconds:.1f} s ({result.shards} process(es), "
        f"{result.case_days_per_second:,.0f} case-days/s, {f.evaluations:,} engine checks)",
    ]
    if result.sampled:
        lines.append(
            f"(estimated from a seeded sample of {result.simulated_cases:,} cases, scaled "
            f"x{f.cases / result.simulated_cases:.1f}; capacity scaled alike; re-audit not scaled)"
        )
    lines.append("")
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
        f"{comparison.current.figures.cases:,} cases "
        f"({comparison.current.seconds + comparison.proposed.seconds:.1f} s)",
        "",
        header,
        "  " + "-" * (len(header) - 2),
    ]
    for label, current, proposed in comparison.rows:
        change = proposed - current
        lines.append(f"  {label:<{width}}  {current:>10,}  {proposed:>10,}  {change:>+9,}")
    lines += _violations(comparison.current) + _violations(comparison.proposed)
    return "\n".join(lines)


def _violations(result: SimulationResult) -> list[str]:
    f = result.figures
    if not f.violation_count:
        return []
    lines = [f"  RE-AUDIT FOUND {f.violation_count} VIOLATION(S), e.g.:"]
    lines += [f"    {v}" for v in f.violations[:5]]
    return lines
