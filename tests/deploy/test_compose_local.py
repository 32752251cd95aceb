"""The compose recipe's demo profile run end to end without a container engine.

Every service runs its compose command and environment as a local process (see compose_local
for the few things an engine would provide and what replaces them): the release migrates a
fresh PostgreSQL database, demo-seed imports a portfolio and starts the campaigns, web,
scheduler and the workers (compose's replica count) run them against the emulator, and the
emulator's logs, read with the official twilio client, show calls and texts placed and none
over the rate. What this cannot verify: the image build, the containers' network and volumes,
and compose's own start ordering and restarts (`make image` and `docker compose config` do,
where an engine runs)."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest
import requests
from twilio.rest import Client

from dialer.telephony.twilio_gateway import RebasedHttpClient
from tests.databases import fresh_postgres_database, postgres_admin_url
from tests.deploy.compose_local import LocalStack, expand, listening, local_stack, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.postgres, pytest.mark.compose_local]
RUN_SECONDS = 12  # of campaign, once the portfolio is in


def _official_client(stack: LocalStack) -> Client:
    client = Client(
        stack.env["TWILIO_ACCOUNT_SID"],
        stack.env["TWILIO_AUTH_TOKEN"],
        http_client=RebasedHttpClient(f"http://127.0.0.1:{stack.emulator_port}", timeout=30),
    )
    client.edge = client.region = None
    return client


def test_the_demo_profile_runs_a_campaign_end_to_end_as_local_processes(tmp_path: Path) -> None:
    admin = postgres_admin_url()
    assert admin is not None, "set DIALER_TEST_POSTGRES_URL"
    with fresh_postgres_database(admin) as url, local_stack(tmp_path, url) as stack:
        stack.start("emulator")
        assert wait_until(lambda: listening(stack.emulator_port), 15), stack.log("emulator")
        release = stack.run("release", timeout=60)
        assert release.returncode == 0, release.stdout.decode() + release.stderr.decode()

        stack.start("web")
        stack.start("scheduler")
        replicas = int(expand(str(stack.services["worker"]["deploy"]["replicas"]), {}))
        for instance in range(1, replicas + 1):
            stack.start("worker", instance=instance)
        seed = stack.run("demo-seed", timeout=90)
        assert seed.returncode == 0, seed.stdout.decode() + seed.stderr.decode()
        assert "debts enrolled" in seed.stdout.decode()
        assert wait_until(lambda: stack.healthy("web"), 30), stack.log("web")

        client = _official_client(stack)
        started = time.monotonic()
        assert wait_until(
            lambda: bool(client.calls.list(limit=1)) and bool(client.messages.list(limit=1)),
            RUN_SECONDS + 20,
            step=1.0,
        ), stack.log("worker-1")[-3000:]
        time.sleep(max(0.0, RUN_SECONDS - (time.monotonic() - started)))
        exited = {k: p.poll() for k, p in stack.running.items() if p.poll() is not None}
        assert exited == {}, {k: stack.log(k)[-2000:] for k in exited}
        calls = [c for c in client.calls.list() if c.parent_call_sid is None]
        texts = [m for m in client.messages.list() if (m.direction or "").startswith("outbound")]
        stats = stack_stats(stack)
        codes = stack.stop()

    assert calls, "no call placed"
    assert texts, "no text sent"
    # Calls: the account's rate, by the emulator's own create times (sub-second).
    cps = float(stack.env.get("DIALER_CALLS_PER_SECOND", "1"))
    assert 0 < int(str(stats["max_calls_in_any_second"])) <= max(cps, 1)
    assert stats["rejected_429"] == 0
    # Texts: a long code sends about one a second, so the rate is per sender number; two texts
    # at least 1/rate apart never share a whole second of date_created.
    per_sender = float(stack.env.get("DIALER_SMS_PER_SECOND", "1"))
    seconds = Counter((m.from_, m.date_created) for m in texts)
    assert max(seconds.values()) <= max(per_sender, 1), seconds.most_common(3)
    # The dialer's processes stop cleanly on SIGTERM (what `docker compose stop` sends); the
    # emulator, a stand-in for Twilio, just dies of it.
    dialer = {label: code for label, code in codes.items() if label != "emulator"}
    assert set(dialer.values()) == {0}, codes


def stack_stats(stack: LocalStack) -> dict[str, object]:
    """The emulator's own count of creates per 1-second window and of 429s."""
    response = requests.get(f"http://127.0.0.1:{stack.emulator_port}/_emulator/stats", timeout=10)
    response.raise_for_status()
    found: dict[str, object] = response.json()
    return found
