"""Simulated campaign speed: case-days per second of `dialer simulate` (100,000 x 30 by default).

The exact run (every case simulated, as `dialer simulate --cases 100000 --days 30` does by
default), timed from generating the portfolio to the re-audit. Prints a final
`RESULT {json}` line (see bench/run_all.py for the convention).
Usage: python bench/bench_simulate.py [CASES] [DAYS]
"""

from __future__ import annotations

import json
import os
import sys
import time

from dialer.simulate import SimulationConfig, run_simulation


def main() -> None:
    cases = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    days = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    load = os.getloadavg()[0]
    started = time.monotonic()
    result = run_simulation(SimulationConfig(days=days, seed=1), consumers=cases)
    total = time.monotonic() - started
    f = result.figures
    assert not result.sampled, "the bench measures the exact run"
    print(
        f"{f.cases:,} cases x {days} days (every case simulated): total {total:.1f} s "
        f"(portfolio {result.portfolio_seconds:.1f} s), {result.shards} processes, "
        f"{f.total_attempts:,} attempts, {f.evaluations:,} engine checks, "
        f"re-audited {f.audited:,} contacts, {f.violation_count} violations; "
        f"load average {load:.1f} before the run"
    )
    figures = {
        "case_days_per_second": {"value": f.cases * days / total, "unit": "case-days/s"},
        "total_seconds": {"value": total, "unit": "s"},
        "portfolio_seconds": {"value": result.portfolio_seconds, "unit": "s"},
        "engine_checks_per_second": {"value": f.evaluations / total, "unit": "checks/s"},
        "violations": {"value": f.violation_count, "unit": "count"},
    }
    audit = (
        f"a seeded sample of {f.audited} of {f.total_attempts}"
        if result.audit_sampled
        else f"all {f.audited}"
    )
    notes = (
        f"exact run: {f.cases} cases x {days} days, {result.shards} processes, re-audit of "
        f"{audit} contacts; load average {load:.1f} before the run"
    )
    print("RESULT " + json.dumps({"bench": "simulate", "figures": figures, "notes": notes}))


if __name__ == "__main__":
    main()
