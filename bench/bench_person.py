"""Per-person figures and the share of the call rate used, from real `dialer demo` runs.

Runs the demo (2,000 consumers, a staged SMS / IVR campaign, the emulator, web, scheduler and
worker as real processes) once with the pacing window in the database (no Redis) and, when a
Redis is given (REDIS_URL or DIALER_TEST_REDIS_URL), once with Redis. From each run's closing
lines (figures the demo computes from the emulator's Calls and Messages logs): the most
contacts with one person in any hour, the most calls in flight at once to one person (never
above 1), the largest number of calls created in any one second beside the limit, and the
share of the configured call rate used in the seconds when calls were due (dialer.demo.due).
The tick cost at 10,000 and 1,000,000 debts is bench_tick.py's.

    .venv/bin/python bench/bench_person.py [--duration 60] [--cps 5]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

PERSON = re.compile(
    r"the person: (\d+) of (\d+) lawfully contactable people contacted, at most (\d+) "
    r"contact\(s\) with one person in an hour, at most (\d+) call\(s\) in flight"
)
PACING = re.compile(
    r"pacing: at most (\d+) call\(s\) created in any one second \(limit ([\d.]+)\); (\d+)% of "
    r"the call rate used in the (\d+) s when calls were due \((\d+) calls\)"
)


def run_demo(*, duration: int, cps: float, redis: str | None) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if k not in ("TWILIO_API_BASE", "DATABASE_URL")}
    env.pop("REDIS_URL", None)
    if redis:
        env.update(REDIS_URL=redis, DIALER_PACING_NAMESPACE=f"bench-{uuid.uuid4().hex[:8]}")
    with tempfile.TemporaryDirectory(prefix="bench-person-") as workdir:
        proc = subprocess.run(
            [sys.executable, "-m", "dialer", "demo", "--duration", str(duration),
             "--cps", f"{cps:g}", "--workdir", str(Path(workdir) / "demo")],
            capture_output=True, text=True, env=env, timeout=duration + 600, check=False,
        )  # fmt: skip
    person, pacing = PERSON.search(proc.stdout), PACING.search(proc.stdout)
    if proc.returncode != 0 or person is None or pacing is None:
        sys.exit(
            f"the demo failed ({proc.returncode}):\n{proc.stdout[-3000:]}{proc.stderr[-2000:]}"
        )
    return {
        "people_contacted": int(person.group(1)),
        "people_contactable": int(person.group(2)),
        "max_contacts_per_person_hour": int(person.group(3)),
        "max_calls_in_flight_per_person": int(person.group(4)),
        "largest_calls_in_one_second": int(pacing.group(1)),
        "rate_share_while_due": int(pacing.group(3)) / 100,
        "seconds_calls_due": int(pacing.group(4)),
        "calls": int(pacing.group(5)),
    }


UNITS = {
    "people_contacted": "people",
    "people_contactable": "people",
    "max_contacts_per_person_hour": "contacts",
    "max_calls_in_flight_per_person": "calls",
    "largest_calls_in_one_second": "calls",
    "rate_share_while_due": "share",
    "seconds_calls_due": "s",
    "calls": "calls",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--cps", type=float, default=5.0)
    args = parser.parse_args()
    setups: dict[str, str | None] = {"database": None}
    redis = os.environ.get("REDIS_URL") or os.environ.get("DIALER_TEST_REDIS_URL")
    if redis:
        setups["redis"] = redis
    figures: dict[str, dict[str, Any]] = {}
    notes = []
    for name, url in setups.items():
        found = run_demo(duration=args.duration, cps=args.cps, redis=url)
        print(f"{name}: {found}")
        for key, value in found.items():
            figures[f"{name}_{key}"] = {"value": value, "unit": UNITS[key]}
        notes.append(
            f"{name} pacing: {found['largest_calls_in_one_second']} calls in the busiest second "
            f"(limit {args.cps:g}), {found['rate_share_while_due']:.0%} of the rate while calls "
            f"were due, at most {found['max_calls_in_flight_per_person']} call in flight per person"
        )
    notes.append(f"load average {os.getloadavg()[0]:.1f} after the runs; demo {args.duration} s")
    print(
        "RESULT " + json.dumps({"bench": "person", "figures": figures, "notes": "; ".join(notes)})
    )


if __name__ == "__main__":
    main()
