"""`dialer simulate` (a real process) over a simulated day of a predictive agent step: the
worker's own pacer (dialer.predictive.pacing) places free agents x the ratio from the
simulated answer rate; the day ends with abandonment under 3 % of the calls a person answered,
and with more conversations than the same day dialled progressively."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
AGENT_STEP = """\
name: predictive-day
audience: {stages: [new, reminder]}
steps:
  - kind: agent
    script: agent_bridge
    max_attempts: 4
    retry: {no_answer: 2h, busy: 30m, voicemail: 4h, failed: 4h, abandoned: 2h}
    next_step_after: 3d
%s
  - {kind: escalate, escalate_to: agency}
caller_ids: {numbers: ["+15005550006"]}
hours: {call: {start: "09:00", end: "20:00"}}
"""
PREDICTIVE = "    dialing: predictive\n    predictive: {max_ratio: 3.0}"


def _simulate(tmp_path: Path, name: str, extra: str) -> dict[str, Any]:
    campaign = tmp_path / f"{name}.yaml"
    campaign.write_text(AGENT_STEP % extra, encoding="utf-8")
    command = [sys.executable, "-m", "dialer", "simulate", "--cases", "1000", "--days", "1"]
    command += ["--agents", "3", "--workers", "1", "--campaign", str(campaign), "--json"]
    done = subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    figures: dict[str, Any] = json.loads(done.stdout)["figures"]
    return figures


def test_a_predictive_day_stays_under_the_abandonment_cap_and_talks_more(tmp_path) -> None:
    predictive = _simulate(tmp_path, "predictive", PREDICTIVE)
    progressive = _simulate(tmp_path, "progressive", "")

    outcomes = predictive["outcomes"]
    live = outcomes["conversation"] + outcomes.get("wrong_party", 0) + outcomes["abandoned"]
    assert outcomes["abandoned"] > 0  # it really dialled ahead of its agents
    assert outcomes["abandoned"] / live <= 0.03
    assert predictive["over_dialled"] > 0
    assert "abandoned" not in progressive["outcomes"]
    assert progressive["over_dialled"] == 0
    assert outcomes["conversation"] > 1.2 * progressive["outcomes"]["conversation"]
