"""compose.yaml's `demo-seed` runs on every `docker compose --profile demo up`: a second run
keeps what the first made (the agent, the campaigns as an admin left them, the portfolio) and
exits 0. Its command, read from compose.yaml, runs here in one process (the same `dialer`
commands, 30 consumers instead of 300 to keep it cheap)."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from dialer.admin.accounts import authenticate
from dialer.bootstrap import Services
from dialer.cli.main import cli
from dialer.db.engine import transaction
from dialer.db.models import Campaign, Consumer, Debt, User
from tests.deploy.compose_local import compose

PASSWORD = "demo-only-agent-password"


def _seed_steps(var: Path) -> list[tuple[list[str], str | None]]:
    """The seed's `dialer` commands as compose runs them (`sh -c`), each with its stdin."""
    script = compose()["services"]["demo-seed"]["command"][-1].replace("$$", "$")
    steps: list[tuple[list[str], str | None]] = []
    for part in script.split("&&"):
        stdin, command = None, part
        if "|" in part:
            feeder, command = part.split("|")
            assert "DEMO_AGENT_PASSWORD" in feeder
            stdin = PASSWORD + "\n"
        words = shlex.split(command.replace("/app/var", str(var)))
        assert words[0] == "dialer"
        if "--consumers" in words:
            words[words.index("--consumers") + 1] = "30"
        steps.append((words[1:], stdin))
    return steps


def _seed(db_url: str, var: Path) -> str:
    env = {"DATABASE_URL": db_url, "DIALER_ENV": "test", "DIALER_COLLECTOR_TYPE": "first_party"}
    output = []
    for args, stdin in _seed_steps(var):
        result = CliRunner().invoke(cli, args, input=stdin, env=env)
        assert result.exit_code == 0, f"dialer {' '.join(args)}: {result.output}"
        output.append(result.output)
    return "".join(output)


def _counts(services: Services) -> tuple[int, int, int]:
    with services.sessions() as session:
        return tuple(  # type: ignore[return-value]
            int(session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)
            for model in (User, Consumer, Debt)
        )


def test_the_demo_seed_runs_twice_and_keeps_what_the_first_run_made(
    db_url: str, services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _seed(db_url, tmp_path)
    assert "created demo-agent (agent)" in first
    assert "debts enrolled" in first
    before = _counts(services)
    with transaction(services.sessions) as session:  # an admin pauses one campaign meanwhile
        session.execute(
            sa.update(Campaign).where(Campaign.name == "cn-reminders").values(status="paused")
        )

    second = _seed(db_url, tmp_path)

    assert "demo-agent exists (agent): kept" in second
    assert "campaign us-reminders exists: kept (version 1, active)" in second
    assert "campaign cn-reminders exists: kept (version 1, paused)" in second
    assert "campaign us-reminders: 0 debts enrolled" in second
    assert _counts(services) == before
    with services.sessions() as session:
        assert authenticate(session, username="demo-agent", password=PASSWORD) is not None
        versions = dict(session.execute(sa.select(Campaign.name, Campaign.version)).all())
    assert versions == {"us-reminders": 1, "cn-reminders": 1}
