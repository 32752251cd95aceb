"""`dialer users create/token`, and the login throttle on memory and (when set) Redis."""

from __future__ import annotations

import uuid

import pytest
from click.testing import CliRunner

from console.throttle import LoginThrottle
from dialer.admin.accounts import authenticate, user_for_token
from dialer.bootstrap import Services
from dialer.cli.main import cli
from dialer.db.engine import transaction
from dialer.db.models import AuditEntry
from tests.databases import redis_test_url


def test_users_create_with_a_password_from_stdin_then_issue_a_token(
    db_url: str, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    runner = CliRunner()
    created = runner.invoke(
        cli,
        [
            "users",
            "create",
            "carol",
            "--role",
            "agent",
            "--phone",
            "+16175550123",
            "--password-stdin",
        ],
        input="a-long-password-1\n",
    )
    assert created.exit_code == 0, created.output
    assert "created carol (agent)" in created.output
    duplicate = runner.invoke(
        cli,
        ["users", "create", "carol", "--role", "agent", "--password-stdin"],
        input="a-long-password-1\n",
    )
    assert duplicate.exit_code == 2
    assert "taken" in duplicate.output
    issued = runner.invoke(cli, ["users", "token", "carol"])
    assert issued.exit_code == 0
    token = issued.output.strip()
    with transaction(services.sessions) as session:
        assert authenticate(session, username="carol", password="a-long-password-1") is not None
        user = user_for_token(session, token)
        assert user is not None
        assert user.username == "carol"
        assert user.api_token_hash != token
        actions = [e.action for e in session.query(AuditEntry).order_by(AuditEntry.id)]
        assert actions == ["user.create", "user.token"]


BACKENDS = ["memory"] + (["redis"] if redis_test_url() else [])


@pytest.mark.parametrize("backend", BACKENDS)
def test_five_attempts_block_that_account_from_every_address(backend: str) -> None:
    url = redis_test_url() if backend == "redis" else None
    throttle = LoginThrottle(redis_url=url, prefix=f"test-{uuid.uuid4().hex}", per_address="7/hour")
    for _ in range(5):
        assert throttle.try_attempt(username="ann", address="10.0.0.1")
    assert not throttle.try_attempt(username="Ann", address="10.0.0.1")
    assert not throttle.try_attempt(username="ann", address="10.0.0.2")  # per account
    assert throttle.try_attempt(username="bob", address="10.0.0.1")
    throttle.succeeded(username="ann")
    assert throttle.try_attempt(username="ann", address="10.0.0.1")
    # The address has now used its 7 slots: every account is refused from it, not from others.
    assert not throttle.try_attempt(username="carl", address="10.0.0.1")
    assert throttle.try_attempt(username="carl", address="10.0.0.2")
