"""The fault harness itself: what every process of one run is started with."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from config.settings import load_settings
from dialer.bootstrap import clock_from_settings
from dialer.clock import OffsetClock
from tests.faults.harness import START, FaultRun


def _run(tmp_path: Path) -> FaultRun:
    services: Any = SimpleNamespace(settings=SimpleNamespace(database_url="sqlite://"))
    emulator = SimpleNamespace(account_sid="AC1", auth_token="t", base_url="http://127.0.0.1:9")
    return FaultRun(services, emulator, tmp_path, 5, "redis://127.0.0.1:6379/0")


def test_every_process_of_a_run_shares_one_pacing_window(tmp_path: Path) -> None:
    """The web, scheduler and workers of one run pace in one window (one namespace): with one
    each, three processes each granted 5 texts a second, and the emulator saw 15 in one
    second at a limit of 5. Two runs never share a window."""
    run = _run(tmp_path)
    namespaces = {run.env()["DIALER_PACING_NAMESPACE"] for _process in range(3)}
    assert len(namespaces) == 1
    assert namespaces != {_run(tmp_path).env()["DIALER_PACING_NAMESPACE"]}


def test_workers_and_schedulers_started_at_any_time_share_one_clock(tmp_path: Path) -> None:
    """Every dispatching process reads the run's clock (START at the run's start), however
    late it starts or slowly it boots: their heartbeats and leases agree with each other."""
    run = _run(tmp_path)
    env = run.dispatcher_env()
    assert (env["DIALER_CLOCK_START"], env["DIALER_CLOCK_EPOCH"]) == (
        START.isoformat(),
        run.started.isoformat(),
    )
    clock = clock_from_settings(
        load_settings(
            DIALER_CLOCK_START=env["DIALER_CLOCK_START"],
            DIALER_CLOCK_EPOCH=env["DIALER_CLOCK_EPOCH"],
        )
    )
    assert isinstance(clock, OffsetClock)
    assert clock.offset == START - run.started
