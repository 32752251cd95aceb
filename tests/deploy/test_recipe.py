"""The deployment recipe (Dockerfile, compose.yaml) runs the Procfile's processes as written.

The compose file is checked by `docker compose config` where the compose plugin exists; the
image is built by `make image` where a container engine runs. Here the recipe is read as data
and checked against the Procfile and the settings, so a stale recipe fails on every machine.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import yaml

from config.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = ("web", "scheduler", "worker", "release")


def _compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def _procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text(encoding="utf-8").splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def test_every_procfile_process_is_a_compose_service_with_the_same_command() -> None:
    services = _compose()["services"]
    procfile = _procfile()
    assert set(PROCESSES) <= set(services)
    for name in ("scheduler", "worker", "release"):
        assert services[name]["command"] == shlex.split(procfile[name])
    # The image's default command is the Procfile's web line (PORT has the image's default).
    cmd = next(line for line in _dockerfile_lines() if line.startswith("CMD "))
    shell_line = json.loads(cmd.removeprefix("CMD "))[-1].removeprefix("exec ")
    web = procfile["web"].replace("${PORT:-5000}", "${PORT}")
    assert shlex.split(shell_line) == shlex.split(web)


def _dockerfile_lines() -> list[str]:
    return (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()


def test_the_stack_has_its_databases_health_checks_and_one_scheduler() -> None:
    services = _compose()["services"]
    assert services["postgres"]["healthcheck"]["test"][0] == "CMD-SHELL"
    assert "redis-cli" in services["redis"]["healthcheck"]["test"]
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert "replicas" not in services["scheduler"].get("deploy", {})  # exactly one leader
    for name in ("web", "scheduler", "worker"):
        deps = services[name]["depends_on"]
        assert deps["release"]["condition"] == "service_completed_successfully"
        assert deps["postgres"]["condition"] == "service_healthy"
    assert services["emulator"]["profiles"] == ["demo"]
    assert services["demo-seed"]["profiles"] == ["demo"]


def _expand(value: str, env: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        name, rest = match.group(1), match.group(2) or ""
        if rest.startswith(":-"):
            return env.get(name) or rest[2:]
        if rest.startswith(":?"):
            assert env.get(name), f"{name} is required: {rest[2:]}"
        return env[name]

    return re.sub(r"\$\{(\w+)((?::[-?])[^}]*)?\}", one, value)


def test_the_demo_env_file_gives_settings_that_production_accepts() -> None:
    env = {}
    for line in (ROOT / "deploy" / "demo.env").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, value = line.split("=", 1)
            env[key] = value
    raw = _compose()["x-dialer"]["environment"]
    resolved = {key: _expand(str(value), env) for key, value in raw.items()}
    settings = load_settings(**{k: v for k, v in resolved.items() if v != ""})
    assert settings.dialer_env == "production"
    assert settings.database_url.startswith("postgresql+psycopg://dialer:")
    assert settings.twilio_api_base == "http://emulator:8099"
    assert settings.collector_type == "first_party"  # the demo campaign texts US consumers


def test_the_recipe_makes_a_deployment_say_whose_debts_it_collects() -> None:
    raw = str(_compose()["x-dialer"]["environment"]["DIALER_COLLECTOR_TYPE"])
    assert raw.startswith("${DIALER_COLLECTOR_TYPE:?")  # no silent default in production
    example = (ROOT / "deploy" / "production.env.example").read_text(encoding="utf-8")
    assert "\nDIALER_COLLECTOR_TYPE=\n" in example
