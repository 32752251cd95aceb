"""Each Procfile command, started as a real process from the Procfile's own text."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
START_LINES = {"scheduler": "scheduler_leader", "worker": "worker_started"}


def procfile() -> dict[str, str]:
    entries = {}
    for line in (REPO / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            entries[name.strip()] = command.strip()
    return entries


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def env(tmp_path):
    values = dict(os.environ)
    values.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'procfile.sqlite3'}",
            "PORT": str(free_port()),
            "PATH": f"{REPO / '.venv' / 'bin'}:{values.get('PATH', '')}",
            "DIALER_ENV": "test",
            # The Procfile's web listens on 0.0.0.0: only real (here: random) secrets start it.
            "SECRET_KEY": secrets.token_urlsafe(32),
            "TWILIO_ACCOUNT_SID": "AC" + secrets.token_hex(16),
            "TWILIO_AUTH_TOKEN": secrets.token_hex(16),
            "DIALER_TICK_SECONDS": "0.5",
            "WEB_CONCURRENCY": "1",
        }
    )
    values.pop("REDIS_URL", None)
    return values


def start(command: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as handle:
        return subprocess.Popen(
            ["bash", "-c", f"exec {command}"],
            env=env,
            cwd=REPO,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )


def wait_until(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_procfile_lists_the_four_processes():
    assert set(procfile()) == {"release", "web", "scheduler", "worker"}


def test_every_procfile_process_comes_up_and_stops_cleanly(env, tmp_path):
    commands = procfile()
    release = subprocess.run(
        ["bash", "-c", commands["release"]],
        env=env,
        cwd=REPO,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert release.returncode == 0, release.stderr.decode()

    running = {
        name: start(commands[name], env, tmp_path / f"{name}.log")
        for name in ("web", "scheduler", "worker")
    }
    try:
        url = f"http://127.0.0.1:{env['PORT']}/healthz"

        def healthy() -> bool:
            try:
                return requests.get(url, timeout=1).json()["status"] == "ok"
            except (requests.RequestException, ValueError):
                return False

        assert wait_until(healthy, 30), (tmp_path / "web.log").read_text()
        for name, line in START_LINES.items():
            log = tmp_path / f"{name}.log"
            assert wait_until(lambda log=log, line=line: line in log.read_text(), 30), (
                log.read_text()
            )
        time.sleep(2)
        assert {name: p.poll() for name, p in running.items()} == dict.fromkeys(running)
    finally:
        for process in running.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        codes = {}
        for name, process in running.items():
            try:
                codes[name] = process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                codes[name] = "killed"
    assert codes == {"web": 0, "scheduler": 0, "worker": 0}
    assert "worker_stopped" in (tmp_path / "worker.log").read_text()
    assert "scheduler_stopped" in (tmp_path / "scheduler.log").read_text()
