"""`dialer demo` end to end: real processes on loopback, a report, a clean re-audit."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_demo_runs_a_campaign_and_its_reaudit_finds_no_violation(tmp_path: Path) -> None:
    workdir = tmp_path / "demo"
    env = {k: v for k, v in os.environ.items() if k not in ("TWILIO_API_BASE", "DATABASE_URL")}
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
    report = (workdir / "report.html").read_text(encoding="utf-8")
    assert report.count("<svg") >= 3  # local hours, outcomes, pacing (blocks may be empty)
    assert "0 violations" in report
    assert "Contacts by the consumer" in report
    assert "Pacing against the limit" in report
    zones = re.search(r"contacts by zone: (.*)", proc.stdout)
    assert zones is not None
    contacted = [part.rsplit(" ", 1)[0] for part in zones.group(1).split(", ")]
    # The synthetic portfolio spans every US zone and China: at any hour of the day, the
    # consumers somewhere in it are inside their lawful hours, and more than one zone is.
    assert len(contacted) >= 2, zones.group(1)
    for name in ("emulator", "web", "scheduler", "worker"):
        assert (workdir / "logs" / f"{name}.log").exists()
