"""Attack: the development SECRET_KEY and Twilio token are public (they are in the source).
An instance serving them to the network lets anyone forge an admin session cookie or sign
webhooks. The web process refuses to start that way, in one line that shows no secret."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from config.errors import ConfigurationError
from config.settings import DEV_AUTH_TOKEN, load_settings
from config.startup import check_web_start, default_serve_host, is_loopback

REPO = Path(__file__).resolve().parents[2]
GUNICORN_CONFIG = REPO / "config" / "gunicorn.conf.py"
REAL = {
    "PUBLIC_BASE_URL": "https://dialer.example.com",
    "SECRET_KEY": "k" * 24 + "SECRET-TAIL-4242",
    "TWILIO_ACCOUNT_SID": "AC" + "a" * 32,
    "TWILIO_AUTH_TOKEN": "t" * 20 + "TOKEN-TAIL-9898",
}


def _environment(tmp_path: Path, **values: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DIALER_", "TWILIO_")) and k not in ("SECRET_KEY", "PORT")
    }
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'refused.sqlite3'}", **values)
    return env


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a start that must be refused; one that starts serving is stopped and fails."""
    proc = subprocess.Popen(
        command,
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        out, _ = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        pytest.fail(f"the web process started instead of refusing: {out[-500:]}")
    return subprocess.CompletedProcess(command, proc.returncode, out, "")


def _free_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return str(sock.getsockname()[1])


def _serve(*args: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "dialer",
        "serve",
        "--port",
        _free_port(),
        "--workers",
        "1",
        *args,
    ]


def test_serve_without_development_mode_or_secrets_refuses_in_one_line(tmp_path: Path) -> None:
    result = _run(_serve(), _environment(tmp_path))
    assert result.returncode == 2
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1, result.stdout
    assert "SECRET_KEY" in lines[0]
    assert "TWILIO_AUTH_TOKEN" in lines[0]
    assert DEV_AUTH_TOKEN not in result.stdout


def test_development_secrets_are_refused_on_every_address(tmp_path: Path) -> None:
    env = _environment(tmp_path, DIALER_ENV="development")
    result = _run(_serve("--host", "0.0.0.0"), env)
    assert result.returncode == 2
    assert "0.0.0.0" in result.stdout
    assert len(result.stdout.strip().splitlines()) == 1, result.stdout


def test_gunicorn_as_in_the_procfile_refuses_and_never_prints_a_secret(tmp_path: Path) -> None:
    env = _environment(
        tmp_path,
        DIALER_ENV="production",
        TWILIO_ACCOUNT_SID=REAL["TWILIO_ACCOUNT_SID"],
        TWILIO_AUTH_TOKEN=REAL["TWILIO_AUTH_TOKEN"],  # real token, development SECRET_KEY
        PUBLIC_BASE_URL=REAL["PUBLIC_BASE_URL"],
    )
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(GUNICORN_CONFIG),
        "webhooks.wsgi:app",
        "--bind",
        f"0.0.0.0:{_free_port()}",
        "--workers",
        "1",
    ]
    result = _run(command, env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout
    for name in ("SECRET_KEY", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"):
        assert REAL[name][-8:] not in result.stdout
    assert "Traceback" not in result.stdout


def test_development_mode_listens_on_loopback_by_default() -> None:
    assert default_serve_host(load_settings(DIALER_ENV="development")) == "127.0.0.1"
    assert default_serve_host(load_settings(DIALER_ENV="production", **REAL)) == "0.0.0.0"
    check_web_start(load_settings(DIALER_ENV="development"), ["127.0.0.1:5000", "[::1]:5000"])


def test_real_secrets_start_anywhere_and_the_checks_name_no_value() -> None:
    check_web_start(load_settings(DIALER_ENV="production", **REAL), ["0.0.0.0:5000"])
    partly = load_settings(DIALER_ENV="test", SECRET_KEY=REAL["SECRET_KEY"])
    with pytest.raises(ConfigurationError) as refused:
        check_web_start(partly, ["127.0.0.1:5000"])
    assert "TWILIO_AUTH_TOKEN" in str(refused.value)
    assert "SECRET_KEY" not in str(refused.value)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("localhost", True),
        ("127.1", True),  # shorthand forms a client resolves to 127.0.0.1
        ("2130706433", True),
        ("0.0.0.0", False),
        ("::", False),
        ("10.1.2.3", False),
        ("dialer.example.com", False),
    ],
)
def test_what_counts_as_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
