"""`dialer demo` end to end: real processes on loopback, a report, a clean re-audit."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dialer.clock import SystemClock

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_demo_runs_a_campaign_and_its_reaudit_finds_no_violation(tmp_path: Path) -> None:
    workdir = tmp_path / "demo"
    env = {k: v for k, v in os.environ.items() if k not in ("TWILIO_API_BASE", "DATABASE_URL")}
    started = SystemClock().now()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "dialer",
            "demo",
            "--duration",
            "20",
            "--cps",
            "10",
            "--consumers",
            "200",
            "--workdir",
            str(workdir),
        ],
        capture_output=True,
        text=True,
        timeout=280,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert re.search(
        r"re-audit: [1-9]\d* contacts from the provider's log, 0 violation", proc.stdout
    )
    # The person-level audit of the emulator's logs (a portfolio where people owe 1 to 3 debts):
    # never two calls at once to one person, and people were contacted (its violations, if any,
    # fail the re-audit line above). How many of the lawfully contactable people a 20-second
    # run reaches depends on the machine's speed, so the share is reported, not asserted.
    person = re.search(
        r"the person: (\d+) of (\d+) lawfully contactable people contacted, at most (\d+) "
        r"contact\(s\) with one person in an hour, at most (\d+) call\(s\) in flight",
        proc.stdout,
    )
    assert person is not None, proc.stdout[-3000:]
    contacted_people, contactable, _, at_once = (int(g) for g in person.groups())
    assert at_once <= 1
    assert contacted_people > 0
    assert contactable > 0
    report = (workdir / "report.html").read_text(encoding="utf-8")
    assert report.count("<svg") >= 3  # local hours, outcomes, pacing (blocks may be empty)
    assert "0 violations" in report
    assert "Contacts by the consumer" in report
    assert "Pacing against the limit" in report
    zones = re.search(r"contacts by zone: (.*)", proc.stdout)
    assert zones is not None
    contacted = [part.rsplit(" ", 1)[0] for part in zones.group(1).split(", ")]
    # The synthetic portfolio spans every US zone and China, so at any hour of the day some
    # consumers are inside their lawful hours (from 07:00 to 12:00 UTC only China's are):
    # every zone contacted was inside 08:00-21:00 local time while the demo ran.
    ended = SystemClock().now()
    assert contacted, zones.group(1)
    for name in contacted:
        zone = ZoneInfo(name)
        hours = {started.astimezone(zone).hour, ended.astimezone(zone).hour}
        assert hours & set(range(8, 21)), f"{name} contacted at local hours {hours}"
    for name in ("emulator", "web", "scheduler", "worker"):
        assert (workdir / "logs" / f"{name}.log").exists()
