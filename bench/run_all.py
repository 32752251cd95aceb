"""Run every bench/bench_*.py script and write bench/RESULTS.md.

Convention for bench scripts: print whatever you like while running, then, as the LAST line
that starts with "RESULT ", one JSON object:

    RESULT {"bench": "simulate",
            "figures": {"case_days_per_second": {"value": 51234.0, "unit": "case-days/s"},
                        "postgres_ticks_per_second": {"value": 8.1, "unit": "ticks/s",
                                                      "peer": "sqlite_ticks_per_second"}},
            "notes": "optional free text"}

`peer` names another figure of the same script; the table then shows value/peer as a ratio.
A script that exits non-zero, times out or prints no RESULT line is reported as failed.

Usage: python bench/run_all.py [--only NAME ...] [--timeout SECONDS] [--output FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
PREFIX = "RESULT "


@dataclass
class Outcome:
    name: str
    seconds: float
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: str = ""
    error: str | None = None


def discover(only: list[str]) -> list[Path]:
    scripts = sorted(BENCH_DIR.glob("bench_*.py"))
    if only:
        wanted = {n.removeprefix("bench_").removesuffix(".py") for n in only}
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in wanted]
    return scripts


def parse_result(stdout: str) -> dict[str, Any] | None:
    lines = [line for line in stdout.splitlines() if line.startswith(PREFIX)]
    if not lines:
        return None
    data = json.loads(lines[-1][len(PREFIX) :])
    return data if isinstance(data, dict) else None


def run_one(script: Path, *, timeout: float) -> Outcome:
    name = script.stem.removeprefix("bench_")
    started = time.monotonic()
    print(f"== {name}: running {script.relative_to(ROOT)}", flush=True)
    try:
        proc = subprocess.run(
            [sys.executable, str(script)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Outcome(name, time.monotonic() - started, error=f"timed out after {timeout:.0f} s")
    seconds = time.monotonic() - started
    sys.stdout.write(proc.stdout)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        return Outcome(name, seconds, error=f"exit {proc.returncode}: " + " | ".join(tail))
    try:
        result = parse_result(proc.stdout)
    except json.JSONDecodeError as exc:
        return Outcome(name, seconds, error=f"malformed RESULT line: {exc}")
    if result is None:
        return Outcome(name, seconds, error="no RESULT line printed")
    figures = result.get("figures") or {}
    return Outcome(name, seconds, figures=dict(figures), notes=str(result.get("notes") or ""))


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    memory = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return {
        "CPUs (nproc)": str(os.cpu_count()),
        "CPU model": cpu,
        "Memory": memory,
        "Python": platform.python_version(),
        "OS": f"{platform.system()} {platform.release()}",
        "Date (UTC)": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
    }


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"
    return str(value)


def render(outcomes: list[Outcome], info: dict[str, str]) -> str:
    lines = ["# Benchmark results", "", "Written by `python bench/run_all.py` (`make bench`).", ""]
    lines += ["## Machine", "", "| | |", "|---|---|"]
    lines += [f"| {key} | {value} |" for key, value in info.items()]
    lines += ["", "## Figures", "", "| Bench | Figure | Value | Unit | Ratio to peer |"]
    lines += ["|---|---|---:|---|---|"]
    for outcome in outcomes:
        if outcome.error:
            lines.append(f"| {outcome.name} | **failed** | | | {outcome.error} |")
            continue
        for figure, data in outcome.figures.items():
            lines.append(
                f"| {outcome.name} | {figure} | {_number(data.get('value'))} | "
                f"{data.get('unit', '')} | {_ratio(outcome, data)} |"
            )
    lines += ["", "## Run times and notes", ""]
    for outcome in outcomes:
        note = f": {outcome.notes}" if outcome.notes else ""
        lines.append(f"- **{outcome.name}** ran in {outcome.seconds:.1f} s{note}")
    return "\n".join(lines) + "\n"


def _ratio(outcome: Outcome, data: dict[str, Any]) -> str:
    peer = data.get("peer")
    if not peer or peer not in outcome.figures:
        return ""
    base = outcome.figures[peer].get("value")
    value = data.get("value")
    if not isinstance(base, int | float) or not isinstance(value, int | float) or base == 0:
        return ""
    return f"{value / base:.2f}× {peer}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=[], help="bench names, e.g. simulate")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per script")
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "RESULTS.md")
    args = parser.parse_args(argv)
    scripts = discover(args.only)
    if not scripts:
        print("no bench/bench_*.py scripts found", file=sys.stderr)
        return 2
    outcomes = [run_one(script, timeout=args.timeout) for script in scripts]
    args.output.write_text(render(outcomes, machine()), encoding="utf-8")
    failed = [o.name for o in outcomes if o.error]
    suffix = f"; failed: {', '.join(failed)}" if failed else ""
    print(f"wrote {args.output}{suffix}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
