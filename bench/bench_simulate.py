"""Simulated campaign speed: case-days per second for `dialer simulate` (100,000 x 30 by default).

Prints a final `RESULT {json}` line (see bench/run_all.py for the convention).
Usage: python bench/bench_simulate.py [CASES] [DAYS]
"""

from __future__ import annotations

import json
import sys
import time

from dialer.simulate import SimulationConfig, run_simulation
from dialer.simulate.runner import load_population


def main() -> None:
    cases = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    days = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    config = SimulationConfig(days=days, seed=1)
    started = time.monotonic()
    population = load_population(config, consumers=cases)
    loaded = time.monotonic() - started
    result = run_simulation(config, population=population)
    total = time.monotonic() - started
    f = result.figures
    print(
        f"{cases:,} cases x {days} days: portfolio {loaded:.1f} s, simulation "
        f"{result.seconds:.1f} s, total {total:.1f} s; {f.total_attempts:,} attempts, "
        f"{f.violation_count} violations; simulated {result.simulated_cases:,} cases"
    )
    exact = SimulationConfig(days=days, seed=1, sample_cases=None)
    small = load_population(exact, consumers=5000)
    exact_result = run_simulation(exact, population=small)
    figures = {
        "case_days_per_second": {"value": cases * days / total, "unit": "case-days/s"},
        "total_seconds_100k_x_30": {"value": total, "unit": "s"},
        "exact_case_days_per_second_5k": {
            "value": 5000 * days / exact_result.seconds,
            "unit": "case-days/s",
            "peer": "case_days_per_second",
        },
        "violations": {
            "value": f.violation_count + exact_result.figures.violation_count,
            "unit": "count",
        },
    }
    print(
        "RESULT "
        + json.dumps(
            {
                "bench": "simulate",
                "figures": figures,
                "notes": f"{cases} cases x {days} days; sample of "
                f"{result.simulated_cases} scaled up",
            }
        )
    )


if __name__ == "__main__":
    main()
