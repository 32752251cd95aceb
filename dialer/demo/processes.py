"""Real child processes for the demo: started with logs, checked for health, stopped cleanly.

Each child gets its own session (process group), so a Ctrl-C on the terminal reaches only the
demo, which then stops its children in order: SIGTERM, a grace period, then SIGKILL.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import requests

STOP_GRACE_SECONDS = 8.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    log_path: Path
    log: IO[bytes]

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def log_tail(self, lines: int = 15) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def start_child(name: str, argv: list[str], *, env: dict[str, str], log_dir: Path) -> Child:
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    log = log_path.open("wb")
    process = subprocess.Popen(  # noqa: S603 - argv is built by the demo, never from input
        argv,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    return Child(name, process, log_path, log)


def wait_http(url: str, *, child: Child | None, timeout: float) -> bool:
    """Poll `url` until it answers 2xx; False when the child died or the time ran out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child is not None and not child.running:
            return False
        with contextlib.suppress(requests.RequestException):
            if requests.get(url, timeout=1.0).ok:
                return True
        time.sleep(0.1)
    return False


def stop_children(children: list[Child], *, grace: float = STOP_GRACE_SECONDS) -> dict[str, int]:
    """SIGTERM every child (newest first), wait up to `grace`, SIGKILL what is left."""
    for child in reversed(children):
        _signal(child, signal.SIGTERM)
    deadline = time.monotonic() + grace
    codes: dict[str, int] = {}
    for child in reversed(children):
        try:
            codes[child.name] = child.process.wait(max(deadline - time.monotonic(), 0.05))
        except subprocess.TimeoutExpired:
            _signal(child, signal.SIGKILL)
            codes[child.name] = child.process.wait(5)
        _signal(child, signal.SIGKILL, group_only=True)  # stray grandchildren of this child
        child.log.close()
    return codes


def _signal(child: Child, sig: signal.Signals, *, group_only: bool = False) -> None:
    """Signal the child's own process group (it is the group leader: its pid is the group id)."""
    if group_only and child.process.returncode is None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.process.pid, sig)
