"""Helpers for tests: run an emulator (on a thread or as a process) and drive its controls.

from twilio_emulator.testing import running_emulator

with running_emulator(speed=50, cps=20) as emu:
    telephony = TwilioTelephony.create(emu.account_sid, emu.auth_token, emu.base_url, 5)
    emu.script("+15551230001", call="human", digits=["1"])
    ...
    emu.wait_idle()
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import requests

from twilio_emulator.app import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, Emulator
from twilio_emulator.config import EmulatorConfig
from twilio_emulator.server import EmulatorServer
from twilio_emulator.state import Clock


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class EmulatorHandle:
    """A running emulator: its address, credentials and its /_emulator/ controls."""

    base_url: str
    account_sid: str
    auth_token: str
    emulator: Emulator | None = None  # set when it runs in this process

    def _control(self, method: str, path: str, **kwargs: Any) -> Any:  # noqa: ANN401 - JSON
        response = requests.request(
            method, f"{self.base_url}/_emulator/{path}", timeout=130, **kwargs
        )
        response.raise_for_status()
        return response.json()

    def configure(self, **settings: object) -> dict[str, Any]:
        result: dict[str, Any] = self._control("POST", "config", json=settings)
        return result

    def script(self, number: str, **script: object) -> dict[str, Any]:
        result: dict[str, Any] = self._control("PUT", f"scripts/{number}", json=script)
        return result

    def inject_sms(
        self, *, from_: str, to: str, body: str, url: str | None = None
    ) -> dict[str, Any]:
        payload = {"from": from_, "to": to, "body": body, "url": url}
        result: dict[str, Any] = self._control("POST", "inbound-sms", json=payload)
        return result

    def inbound_call(
        self, *, from_: str, to: str, url: str, status_url: str | None = None
    ) -> dict[str, Any]:
        """A consumer calls `to`: the emulator fetches `url` (signed), as Twilio would."""
        payload = {"from": from_, "to": to, "url": url, "status_url": status_url}
        result: dict[str, Any] = self._control("POST", "inbound-call", json=payload)
        return result

    def stats(self) -> dict[str, Any]:
        result: dict[str, Any] = self._control("GET", "stats")
        return result

    def heard(self, sid: str) -> list[dict[str, Any]]:
        """What the called party of call `sid` heard, in order ({at, verb, text})."""
        rows: list[dict[str, Any]] = self._control("GET", f"calls/{sid}/heard")
        return rows

    def callbacks(self, kind_prefix: str = "") -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self._control("GET", "callbacks")
        return [r for r in rows if str(r["kind"]).startswith(kind_prefix)]

    def executed(self, call_sid: str) -> list[dict[str, Any]]:
        """The TwiML `call_sid` executed, in order (verbs and recording events)."""
        rows: list[dict[str, Any]] = self._control("GET", f"calls/{call_sid}/executed")["executed"]
        return rows

    def conferences(self) -> list[dict[str, Any]]:
        """Every conference room, with each call's stay (joined_at, bridged_at, left_at)."""
        rows: list[dict[str, Any]] = self._control("GET", "conferences")
        return rows

    def wait_idle(self, timeout: float = 20.0) -> bool:
        return bool(self._control("GET", "idle", params={"timeout": timeout})["idle"])

    def reset(self) -> None:
        self._control("POST", "reset")


@contextmanager
def running_emulator(
    *,
    account_sid: str = DEFAULT_ACCOUNT_SID,
    auth_token: str = DEFAULT_AUTH_TOKEN,
    port: int = 0,
    clock: Clock | None = None,
    **config: object,
) -> Iterator[EmulatorHandle]:
    """An emulator served on 127.0.0.1 by a background thread of this process.

    Keyword arguments are EmulatorConfig settings (cps, strict, speed, seed, inbound_sms_url,
    mix={...}, faults={...}).
    """
    emulator = Emulator(
        account_sid=account_sid,
        auth_token=auth_token,
        config=EmulatorConfig().updated(dict(config)),
        clock=clock,
    )
    server = EmulatorServer(emulator, "127.0.0.1", port).start()
    try:
        yield EmulatorHandle(server.base_url, account_sid, auth_token, emulator)
    finally:
        server.stop()


@contextmanager
def emulator_process(
    *,
    account_sid: str = DEFAULT_ACCOUNT_SID,
    auth_token: str = DEFAULT_AUTH_TOKEN,
    port: int | None = None,
    extra_args: tuple[str, ...] = (),
    startup_timeout: float = 15.0,
    env: dict[str, str] | None = None,
) -> Iterator[EmulatorHandle]:
    """The emulator as a real process (`python -m twilio_emulator`), for end-to-end tests.

    `env` adds to the environment (e.g. DIALER_CLOCK_START / DIALER_CLOCK_EPOCH).
    """
    chosen = port or free_port()
    env = dict(
        os.environ, **(env or {}), TWILIO_ACCOUNT_SID=account_sid, TWILIO_AUTH_TOKEN=auth_token
    )
    command = [sys.executable, "-m", "twilio_emulator", "--port", str(chosen), *extra_args]
    process = subprocess.Popen(command, env=env)  # noqa: S603 - our own interpreter and module
    handle = EmulatorHandle(f"http://127.0.0.1:{chosen}", account_sid, auth_token)
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            try:
                handle._control("GET", "health")
                break
            except requests.RequestException:
                if process.poll() is not None or time.monotonic() > deadline:
                    msg = f"the emulator did not start on port {chosen}"
                    raise RuntimeError(msg) from None
                time.sleep(0.05)
        yield handle
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
