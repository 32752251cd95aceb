"""compose.yaml's services as local processes, for a machine with no container engine.

Each service runs its own `command` (the web service: the image's CMD) with its own
`environment`, resolved from deploy/demo.env, in dependency order. What a container engine would
provide is replaced, and only that (SUBSTITUTIONS says what and why):
- the service hostnames (postgres, redis, emulator, web) resolve to 127.0.0.1: a
  `sitecustomize` on the processes' PYTHONPATH maps them in Python's resolver, which psycopg,
  redis-py and requests all use;
- the local PostgreSQL serves a fresh database instead of the `postgres` container's `dialer`
  database (same host name and driver; the test server's user);
- published ports become free local ports, listeners bind 127.0.0.1, /app is the repository
  (the image's WORKDIR) and /app/var a temporary directory;
- a pacing namespace of its own, so the shared Redis keeps this run apart from other tests'.
"""

from __future__ import annotations

import os
import re
import secrets
import shlex
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import yaml

ROOT = Path(__file__).resolve().parents[2]
HOSTS = ("postgres", "redis", "emulator", "web")
SUBSTITUTIONS = {
    "hostnames": "postgres, redis, emulator, web -> 127.0.0.1 (Python's resolver)",
    "DATABASE_URL": "user, password and database -> the local server's user, a fresh database",
    "ports": "emulator 8099 and web 5000 -> free local ports; listeners bind 127.0.0.1",
    "/app": "the repository (the image's WORKDIR); /app/var -> a temporary directory",
    "DIALER_PACING_NAMESPACE": "one of its own on the shared Redis",
}
_SITECUSTOMIZE = f'''"""Test harness only: compose's service names resolve to this machine."""
import socket

_HOSTS = {set(HOSTS)!r}
_getaddrinfo = socket.getaddrinfo


def _mapped(host, *args, **kwargs):
    return _getaddrinfo("127.0.0.1" if host in _HOSTS else host, *args, **kwargs)


socket.getaddrinfo = _mapped
'''


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    return loaded


def env_file(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, value = line.split("=", 1)
            found[key] = value
    return found


def expand(value: str, env: dict[str, str]) -> str:
    """Compose's ${NAME}, ${NAME:-default} and ${NAME:?message} (a missing NAME fails), and
    $$ for a literal $."""

    def one(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, rest = match.group(1), match.group(2) or ""
        if rest.startswith(":-"):
            return env.get(name) or rest[2:]
        if rest.startswith(":?"):
            assert env.get(name), f"{name} is required: {rest[2:]}"
        return env[name]

    return re.sub(r"\$\$|\$\{(\w+)((?::[-?])[^}]*)?\}", one, value)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LocalStack:
    """The demo profile's services, resolved for this machine."""

    directory: Path
    database_url: str
    web_port: int = field(default_factory=free_port)
    emulator_port: int = field(default_factory=free_port)
    running: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    namespace: str = field(default_factory=lambda: f"compose-{secrets.token_hex(4)}")

    def __post_init__(self) -> None:
        (self.directory / "site").mkdir(parents=True, exist_ok=True)
        (self.directory / "site" / "sitecustomize.py").write_text(_SITECUSTOMIZE)
        (self.directory / "var").mkdir(exist_ok=True)
        self.services: dict[str, Any] = compose()["services"]
        self.demo_env = env_file(ROOT / "deploy" / "demo.env")
        self.env = self.environment("web")

    def environment(self, name: str) -> dict[str, str]:
        """The service's environment, resolved from deploy/demo.env and mapped to this machine."""
        raw = self.services[name]["environment"]
        resolved = {key: expand(str(value), self.demo_env) for key, value in raw.items()}
        assert urlsplit(resolved["DATABASE_URL"]).hostname == "postgres"
        local = urlsplit(self.database_url)
        resolved["DATABASE_URL"] = urlunsplit(
            local._replace(netloc=f"{local.username}@postgres:{local.port or 5432}")
        )
        resolved["TWILIO_API_BASE"] = self._port(resolved["TWILIO_API_BASE"], "emulator")
        resolved["PUBLIC_BASE_URL"] = self._port(resolved["PUBLIC_BASE_URL"], "web")
        base = {k: v for k, v in os.environ.items() if not k.startswith(("DIALER_", "TWILIO_"))}
        for name in ("DATABASE_URL", "REDIS_URL", "PUBLIC_BASE_URL", "SECRET_KEY", "PORT"):
            base.pop(name, None)
        return {
            **base,
            **resolved,
            "DIALER_PACING_NAMESPACE": self.namespace,
            "PATH": f"{ROOT / '.venv' / 'bin'}:{base.get('PATH', '')}",
            "PYTHONPATH": str(self.directory / "site"),
        }

    def _port(self, url: str, host: str) -> str:
        parts = urlsplit(url)
        assert parts.hostname == host, url
        port = self.web_port if host == "web" else self.emulator_port
        return urlunsplit(parts._replace(netloc=f"{host}:{port}"))

    def command(self, name: str) -> list[str]:
        """The service's command as compose runs it (the web service: the image's CMD)."""
        if name == "web":
            cmd = _image_cmd().replace("0.0.0.0:${PORT}", f"127.0.0.1:{self.web_port}")
            return ["sh", "-c", cmd]
        command = [expand(str(part), self.demo_env) for part in self.services[name]["command"]]
        if name == "emulator":
            command = [
                {"8099": str(self.emulator_port), "0.0.0.0": "127.0.0.1"}.get(p, p) for p in command
            ]
        var = str(self.directory / "var")
        return [part.replace("/app/var", var) for part in command]

    def start(self, name: str, *, instance: int = 0) -> None:
        label = f"{name}-{instance}" if instance else name
        with (self.directory / f"{label}.log").open("wb") as log:
            self.running[label] = subprocess.Popen(
                self.command(name), env=self.environment(name), cwd=ROOT, stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip

    def run(self, name: str, timeout: float) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            self.command(name), env=self.environment(name), cwd=ROOT, capture_output=True,
            timeout=timeout,
            check=False,
        )  # fmt: skip

    def healthy(self, name: str) -> bool:
        """The service's own compose health check, on the mapped port."""
        test = [str(part) for part in self.services[name]["healthcheck"]["test"]][1:]
        test = [p.replace("127.0.0.1:5000", f"127.0.0.1:{self.web_port}") for p in test]
        test = [str(ROOT / ".venv" / "bin" / "python") if p == "python" else p for p in test]
        done = subprocess.run(test, env=self.env, capture_output=True, timeout=10, check=False)
        return done.returncode == 0

    def log(self, label: str) -> str:
        return (self.directory / f"{label}.log").read_text(errors="replace")

    def stop(self) -> dict[str, int | str]:
        for process in self.running.values():
            if process.poll() is None:
                process.terminate()
        codes: dict[str, int | str] = {}
        for label, process in self.running.items():
            try:
                codes[label] = process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                codes[label] = "killed"
        return codes


def _image_cmd() -> str:
    line = next(
        line
        for line in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
        if line.startswith("CMD ")
    )
    parts = yaml.safe_load(line.removeprefix("CMD "))  # a JSON array is YAML too
    return str(parts[-1])


def wait_until(predicate: Callable[[], bool], timeout: float, step: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


@contextmanager
def local_stack(directory: Path, database_url: str) -> Iterator[LocalStack]:
    stack = LocalStack(directory, database_url)
    try:
        yield stack
    finally:
        stack.stop()


def listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def shell_words(command: list[str]) -> str:
    return " ".join(shlex.quote(p) for p in command)
