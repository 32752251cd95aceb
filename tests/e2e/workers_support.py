"""Helpers for the real-process worker tests: a PostgreSQL database, worker processes, and the
emulator's call log read through the official twilio client."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime
from pathlib import Path

from twilio.rest import Client
from werkzeug.serving import make_server

from config.settings import load_settings
from dialer.bootstrap import build_services
from dialer.telephony.twilio_gateway import RebasedHttpClient
from web.app import create_app

REPO = Path(__file__).resolve().parents[2]


def worker_env(
    *, db_url: str, emulator, redis_url: str, cps: float, **extra: str
) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": db_url,
            "REDIS_URL": redis_url,
            "DIALER_ENV": "test",
            "TWILIO_ACCOUNT_SID": emulator.account_sid,
            "TWILIO_AUTH_TOKEN": emulator.auth_token,
            "TWILIO_API_BASE": emulator.base_url,
            "PUBLIC_BASE_URL": "http://127.0.0.1:9",  # nobody answers: calls end without TwiML
            "DIALER_CALLS_PER_SECOND": str(cps),
            "DIALER_TICK_SECONDS": "0.2",
            "DIALER_PACING_NAMESPACE": f"test-{uuid.uuid4().hex[:10]}",
            "DIALER_LOG_LEVEL": "WARNING",
        }
    )
    env.update(extra)
    return env


def start_worker(
    env: dict[str, str], *, clock_start: datetime, log: Path, batch: int = 20
) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "dialer",
        "worker",
        "--batch",
        str(batch),
        "--clock-start",
        clock_start.isoformat(),
    ]
    with log.open("ab") as out:
        return subprocess.Popen(command, env=env, cwd=REPO, stdout=out, stderr=out)


def stop(process: subprocess.Popen[bytes], *, timeout: float = 30) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise


def emulator_calls(emulator) -> list:
    """Every call the emulator logged, through the ordinary Calls list endpoint."""
    client = Client(
        emulator.account_sid,
        emulator.auth_token,
        http_client=RebasedHttpClient(emulator.base_url, timeout=30),
    )
    return list(client.calls.list(page_size=1000))


def wait_for(predicate, *, timeout: float, interval: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def serve_webhooks(db_url: str, emulator, port: int, *, clock=None, **extra: str):
    """The web app (webhooks and console) on a thread at 127.0.0.1:`port`, signed for the
    emulator's account: (its services, the server to shut down). `clock`: the app's clock
    (default: the real one); `extra`: more settings."""
    services = build_services(
        load_settings(
            DATABASE_URL=db_url,
            DIALER_ENV="test",
            TWILIO_ACCOUNT_SID=emulator.account_sid,
            TWILIO_AUTH_TOKEN=emulator.auth_token,
            TWILIO_API_BASE=emulator.base_url,
            PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
            **extra,
        ),
        clock=clock,
    )
    server = make_server("127.0.0.1", port, create_app(services=services), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return services, server
