"""A fault run: the real processes (web, scheduler, workers) on a fresh PostgreSQL database,
the emulator with its fault settings, and the counts the issue asks for.

The counts come from the emulator's own logs (calls through the official twilio client, the
callback log from its control API) compared with the database, never from our engine:
- provider_calls: calls the provider placed; attempts_with_sid: attempts bound to one of them;
- duplicates: calls beyond the first to one number (each consumer is due exactly once);
- uncounted: provider calls no attempt counts as placed (unbound, or bound but `not_placed`);
- non_final: attempts still open after settling (the reconciler ran once, as on demand);
- callbacks_lost: attempts whose final status disagrees with the provider's after settling,
  plus callbacks answered 2xx that are nowhere in the ledger; callbacks_undelivered (the web
  process was down: Twilio gave up) is printed beside it, repaired by the reconciler;
- max_calls_per_second: the emulator's largest count in any one-second window, beside the limit.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import sqlalchemy as sa

from dialer.bootstrap import Services
from dialer.campaigns import create_campaign, enrol, get_campaign, parse_definition, set_status
from dialer.compliance import load_rule_packs
from dialer.db.engine import transaction
from dialer.db.models import ContactAttempt, Debt, ProviderEvent
from dialer.reconciliation.resolve import reconcile
from dialer.telephony.twilio_gateway import TwilioTelephony
from dialer.vocabulary import TERMINAL_STATUSES, CampaignStatus
from tests.e2e.workers_support import emulator_calls, stop, wait_for
from tests.integration.dispatch.portfolio import PLACES, insert_portfolio
from twilio_emulator.testing import running_emulator

REPO = Path(__file__).resolve().parents[2]
# 10:00 in New York, 09:00 in Chicago: lawful for the eastern and central places.
START = datetime(2026, 3, 17, 14, 0, tzinfo=UTC)
EAST_CENTRAL = [place for place in PLACES if place[1] in {"MA", "NY", "IL", "TX"}]
CALL_ONCE = {"kind": "ivr", "script": "reminder_ivr", "max_attempts": 1}
TEXT_ONCE = {"kind": "sms", "template": "reminder_friendly", "max_attempts": 1}
SENDER = "+16175550199"
FINAL = {status.value for status in TERMINAL_STATUSES}
TWILIO_FINAL = {
    "completed": "completed",
    "busy": "busy",
    "no-answer": "no_answer",
    "failed": "failed",
    "canceled": "canceled",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def make_portfolio(services: Services, count: int, step: dict[str, Any] | None = None) -> list[str]:
    """`count` lawful consumers, one debt each, on an active campaign of one step (a call,
    or `step`): their numbers."""
    packs = load_rule_packs()
    definition = parse_definition(
        {
            "name": "faults",
            "audience": {"stages": ["new"], "countries": ["US"]},
            "caller_ids": {"numbers": [SENDER]},
            "sms_sender": {"kind": "a2p_10dlc", "id": "QE2c6890da8086d771620e9b13fadeba0b"},
            "steps": [step or CALL_ONCE],
        },
        source="faults",
    )
    now = services.clock.now()
    with transaction(services.sessions) as session:
        create_campaign(session, definition, packs=packs, now=now, collector=services.collector)
        set_status(session, "faults", CampaignStatus.ACTIVE, now=now)
    people = insert_portfolio(services.engine, count=count, now=now, places=EAST_CENTRAL)
    with transaction(services.sessions) as session:
        enrol(session, get_campaign(session, "faults"), now=now)
    return [person.number for person in people]


@dataclass
class Counts:
    provider_calls: int
    attempts_with_sid: int
    duplicates: int
    uncounted: int
    non_final: int
    callbacks_lost: int
    callbacks_undelivered: int
    max_calls_per_second: int
    limit: float
    called_numbers: int
    what: str = "calls"  # or texts (then the rate is per sender: one sender in these runs)
    # Creates the emulator's strict mode refused as over the rate (calls only): with them the
    # largest count per second cannot exceed the limit, so they are the overshoot to count.
    over_rate_refused: int = 0

    def line(self, name: str) -> str:
        return (
            f"[fault {name}] {self.what} at the provider {self.provider_calls} = attempts with "
            f"that SID {self.attempts_with_sid}; duplicates {self.duplicates}; uncounted placed "
            f"{self.what} {self.uncounted}; non-final after settling {self.non_final}; callbacks "
            f"lost {self.callbacks_lost} (undelivered while down, repaired: "
            f"{self.callbacks_undelivered}); largest count per second "
            f"{self.max_calls_per_second} <= limit {self.limit:g} (creates refused as over "
            f"the rate: {self.over_rate_refused})"
        )

    def assert_clean(self) -> None:
        assert self.provider_calls == self.attempts_with_sid, self
        assert (self.duplicates, self.uncounted, self.non_final, self.callbacks_lost) == (
            0,
            0,
            0,
            0,
        ), self
        assert self.max_calls_per_second <= self.limit, self
        assert self.over_rate_refused == 0, self


@dataclass
class FaultRun:
    """The processes of one run, all on `services`' database and the emulator."""

    DEAD_AFTER: ClassVar[str] = "4"  # seconds before a silent worker's claims come back

    services: Services
    emulator: Any
    tmp_path: Path
    cps: float
    redis_url: str | None
    extra_env: dict[str, str] = field(default_factory=dict)
    database_url: str | None = None  # the processes' (e.g. through a cuttable proxy)
    port: int = field(default_factory=free_port)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    # One pacing window for every process of the run (as in production: one namespace per
    # account); a namespace per process would let each grant the whole rate.
    pacing_namespace: str = field(default_factory=lambda: f"faults-{uuid.uuid4().hex[:10]}")

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        for unset in ("REDIS_URL",):
            env.pop(unset, None)
        env.update(
            {
                "DATABASE_URL": self.database_url or self.services.settings.database_url,
                "DIALER_ENV": "development",  # loopback only: the development secrets are accepted
                "TWILIO_ACCOUNT_SID": self.emulator.account_sid,
                "TWILIO_AUTH_TOKEN": self.emulator.auth_token,
                "TWILIO_API_BASE": self.emulator.base_url,
                "PUBLIC_BASE_URL": f"http://127.0.0.1:{self.port}",
                "DIALER_CALLS_PER_SECOND": str(self.cps),
                "DIALER_TICK_SECONDS": "0.2",
                "DIALER_PACING_NAMESPACE": self.pacing_namespace,
                "DIALER_LOG_LEVEL": "WARNING",
                "DIALER_WEBHOOK_SPOOL_DIR": str(self.tmp_path / "spool"),
                "DIALER_HEARTBEAT_SECONDS": "1",
                "DIALER_WORKER_DEAD_AFTER_SECONDS": self.DEAD_AFTER,
            }
        )
        if self.redis_url:
            env["REDIS_URL"] = self.redis_url
        env.update(self.extra_env)
        return env

    def dispatcher_env(self) -> dict[str, str]:
        """A worker's or scheduler's environment: every one on the run's clock, which read
        START at `started`, as the harness's own `now` does. (With `--clock-start` each
        process's clock started when that process had booted: a worker that booted slowly
        stamped its heartbeats seconds behind the others, and its claims were given back
        1.7 s after a kill -9 with DEAD_AFTER at 4 s.)"""
        return {
            **self.env(),
            "DIALER_CLOCK_START": START.isoformat(),
            "DIALER_CLOCK_EPOCH": self.started.isoformat(),
        }

    def start(
        self, name: str, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.Popen[bytes]:
        """`dialer <args>` as a process named `name` (its log in tmp_path/name.log)."""
        with (self.tmp_path / f"{name}.log").open("ab") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "dialer", *args],
                env=env or self.env(),
                cwd=REPO,
                stdout=out,
                stderr=out,
            )
        self.processes[name] = process
        return process

    def start_web(self, name: str = "web") -> subprocess.Popen[bytes]:
        process = self.start(
            name, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", "2"
        )
        assert wait_for(self._web_up, timeout=60, interval=0.2), self.log(name)
        return process

    def start_worker(self, name: str, batch: int = 10) -> subprocess.Popen[bytes]:
        return self.start(name, "worker", "--batch", str(batch), env=self.dispatcher_env())

    def start_scheduler(self, name: str = "scheduler") -> subprocess.Popen[bytes]:
        return self.start(name, "scheduler", env=self.dispatcher_env())

    def log(self, name: str) -> str:
        path = self.tmp_path / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                stop(process)

    def _web_up(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def everyone_called(self, numbers: list[str]) -> bool:
        """Every consumer has an attempt the provider has, and none is still being placed
        (an attempt left open by lost callbacks is for the reconciler, in `settle`)."""
        rows = self.attempts()
        placed = {r.to_number for r in rows if r.provider_sid}
        placing = {"reserved", "dialing"}
        return placed >= set(numbers) and not any(r.status in placing for r in rows)

    def state(self) -> str:
        """What the database holds, and the processes' logs (for a failed run)."""
        with transaction(self.services.sessions) as session:
            debts = session.execute(
                sa.text("SELECT id, next_contact_at, claimed_by, last_decision FROM debts")
            ).all()
        logs = "\n".join(f"--- {name}\n{self.log(name)}" for name in self.processes)
        return f"debts={debts}\nattempts={self.attempts()}\n{logs}"

    def claims_held_by(self, pid: int) -> int:
        """Debts still claimed (lease ahead) by the worker process `pid`."""
        now = START + (datetime.now(UTC) - self.started)
        with transaction(self.services.sessions) as session:
            return int(
                session.scalar(
                    sa.select(sa.func.count()).where(
                        Debt.claimed_by.like(f"%-{pid}-%"), Debt.next_contact_at > now
                    )
                )
                or 0
            )

    def attempts(self) -> list[Any]:
        with transaction(self.services.sessions) as session:
            return list(
                session.execute(
                    sa.select(
                        ContactAttempt.id,
                        ContactAttempt.status,
                        ContactAttempt.provider_sid,
                        ContactAttempt.to_number,
                    )
                )
            )

    def settle(self) -> None:
        """Calls ended (their callbacks delivered to a web process still up: a callback sent
        after the run's own shutdown is no fault's loss), processes stopped, one
        reconciliation pass (what `dialer reconcile` does), on the workers' clock."""
        self.emulator.wait_idle(timeout=60)
        self.stop_all()
        gateway = TwilioTelephony.create(
            self.emulator.account_sid, self.emulator.auth_token, self.emulator.base_url, 10
        )
        now = START + (datetime.now(UTC) - self.started) + timedelta(minutes=1)
        reconcile(
            self.services.sessions,
            gateway,
            now=now,
            stuck_after=timedelta(0),
            lost_after=timedelta(0),
            failed_after=timedelta(0),
        )

    def counts(self) -> Counts:
        calls = emulator_calls(self.emulator)
        rows = self.attempts()
        bound = {r.provider_sid: r for r in rows if r.provider_sid}
        uncounted = [
            c.sid for c in calls if c.sid not in bound or bound[c.sid].status == "not_placed"
        ]
        per_number = Counter(c.to for c in calls)
        mismatched = [
            c.sid
            for c in calls
            if c.sid in bound
            and str(c.status) in TWILIO_FINAL
            and bound[c.sid].status != TWILIO_FINAL[str(c.status)]
        ]
        delivered, undelivered = _callback_outcomes(self.emulator.callbacks())
        stats = self.emulator.stats()
        return Counts(
            provider_calls=len(calls),
            attempts_with_sid=sum(1 for c in calls if c.sid in bound),
            duplicates=sum(n - 1 for n in per_number.values() if n > 1),
            uncounted=len(uncounted),
            non_final=sum(1 for r in rows if r.status not in FINAL),
            callbacks_lost=len(mismatched) + self._answered_but_not_stored(delivered),
            callbacks_undelivered=undelivered,
            max_calls_per_second=int(stats["max_calls_in_any_second"]),
            limit=self.cps,
            called_numbers=len(per_number),
            over_rate_refused=int(stats["rejected_429"]),
        )

    def _answered_but_not_stored(self, delivered: list[dict[str, Any]]) -> int:
        """Status callbacks our web process answered 2xx whose SID has no ledger row."""
        with transaction(self.services.sessions) as session:
            stored = set(session.scalars(sa.select(ProviderEvent.provider_sid)))
        sids = {
            str(c["params"].get("CallSid", [""])[0])
            for c in delivered
            if str(c["kind"]).startswith("call-")
        }
        return len({sid for sid in sids if sid and sid not in stored})


def _callback_outcomes(log: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """(callbacks answered 2xx, callbacks whose every delivery failed), by idempotency token."""
    last: dict[str, dict[str, Any]] = {}
    for entry in sorted(log, key=lambda e: (e["idempotency_token"], e["attempt"])):
        last[entry["idempotency_token"]] = entry
    delivered = [e for e in last.values() if e["status"] is not None and e["status"] < 300]
    return delivered, len(last) - len(delivered)


@contextmanager
def fault_run(
    services: Services,
    tmp_path: Path,
    *,
    cps: float,
    redis_url: str | None,
    faults: dict[str, Any] | None = None,
    speed: float = 50,
    database_url: str | None = None,
    **extra_env: str,
) -> Iterator[FaultRun]:
    """The emulator (strict at `cps`, with `faults`) and the run's processes, stopped after."""
    with running_emulator(cps=cps, strict=True, speed=speed, faults=faults or {}) as emulator:
        run = FaultRun(services, emulator, tmp_path, cps, redis_url, dict(extra_env), database_url)
        try:
            yield run
        finally:
            run.stop_all()


def timed(action: Any) -> float:
    started = time.monotonic()
    action()
    return time.monotonic() - started
