"""The processes of `dialer demo`: the emulator (unless TWILIO_API_BASE names one) and the web
app started, waited for and configured, then the scheduler and a worker."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import requests

from dialer.demo.closing import say
from dialer.demo.processes import Child, free_port, start_child, wait_http
from dialer.errors import DialerError

EMULATOR_SPEED = 4.0  # emulated seconds per real second: calls ring and end in a few seconds


class DemoFailed(DialerError):
    """A step of the demo's set-up failed (the message names it)."""


@dataclass(frozen=True)
class Stack:
    api_base: str
    public: str
    emulator: Child | None  # None: an emulator someone else runs (TWILIO_API_BASE)
    web: Child


def launch(
    cps: float, seed: int, *, env: dict[str, str], workdir: Path, children: list[Child]
) -> Stack:
    """Start the emulator (unless TWILIO_API_BASE names one) and the web app; no waiting."""
    logs = workdir / "logs"
    web_port = free_port()
    public = f"http://127.0.0.1:{web_port}"
    api_base, emulator = env.get("TWILIO_API_BASE"), None
    if api_base is None:
        port = free_port()
        api_base = f"http://127.0.0.1:{port}"
        emulator = start_child(
            "emulator",
            [
                sys.executable,
                "-m",
                "dialer",
                "twilio-emulator",
                "--port",
                str(port),
                "--cps",
                f"{cps:g}",
                "--speed",
                f"{EMULATOR_SPEED:g}",
                "--seed",
                str(seed),
            ],
            env=env,
            log_dir=logs,
        )
        children.append(emulator)
    env.update(TWILIO_API_BASE=api_base, PUBLIC_BASE_URL=public)
    web = start_child(
        "web",
        [
            sys.executable,
            "-m",
            "dialer",
            "serve",
            "--port",
            str(web_port),
            "--host",
            "127.0.0.1",
            "--workers",
            "2",
        ],
        env=env,
        log_dir=logs,
    )
    children.append(web)
    return Stack(api_base, public, emulator, web)


def ready(stack: Stack, *, children: list[Child], env: dict[str, str], workdir: Path) -> str:
    """Wait for the emulator and the web app, configure the emulator, start the dispatchers."""
    api_base, public, logs = stack.api_base, stack.public, workdir / "logs"
    if stack.emulator is not None:
        emulator = stack.emulator
        _need(wait_http(f"{api_base}/_emulator/health", child=emulator, timeout=60), emulator)
        requests.post(
            f"{api_base}/_emulator/config",
            timeout=5,
            json={
                "inbound_sms_url": f"{public}/twilio/sms/inbound",
                "mix": {
                    "answer_rate": 0.6,
                    "machine_share": 0.35,
                    "busy_rate": 0.1,
                    "ring_seconds_min": 2,
                    "ring_seconds_max": 8,
                    "talk_seconds": 8,
                    "digits": ["1"],
                },
            },
        ).raise_for_status()
    _need(wait_http(f"{public}/healthz", child=stack.web, timeout=60), stack.web)
    for name in ("scheduler", "worker"):
        children.append(
            start_child(name, [sys.executable, "-m", "dialer", name], env=env, log_dir=logs)
        )
    say(f"demo: emulator {api_base}, web {public}, scheduler and worker running; logs in {logs}")
    return api_base


def _need(ok: bool, child: Child) -> None:
    if not ok:
        raise DemoFailed(f"the {child.name} process did not start:\n{child.log_tail()}")
