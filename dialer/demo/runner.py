"""`dialer demo`: a fresh SQLite case record, a synthetic portfolio imported, a staged campaign
enrolled, then the emulator, the web app, the scheduler and a worker as real processes on
127.0.0.1 for `duration` seconds; a live view; an independent re-audit and an HTML report.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from config.settings import DEV_ACCOUNT_SID, DEV_AUTH_TOKEN, PROJECT_ROOT, load_settings
from dialer.audit.demo import AuditResult
from dialer.bootstrap import clock_from_settings
from dialer.clock import Clock, SystemClock, monotonic
from dialer.db.engine import make_engine, make_session_factory
from dialer.db.migrate import upgrade
from dialer.demo.closing import audit_run, call_creates, say, settle, summarise
from dialer.demo.due import call_steps, calls_due
from dialer.demo.live import CLEAR, clock_line, panel, progress_line
from dialer.demo.processes import Child, stop_children
from dialer.demo.replies import ConsumerReplies
from dialer.demo.report import ReportData, pacing_summary, write_report
from dialer.demo.snapshot import Snapshot, take_snapshot
from dialer.demo.stack import DemoFailed, launch, ready

CAMPAIGN = Path(__file__).with_name("campaign.yaml")
CAMPAIGN_NAME = "demo-reminders"
PROGRESS_EVERY = 10.0
# The demo's sender sends like a short code (about 10 messages per second), not a long code
# (1 per second, the worker's default): at 1 per second a one-minute demo could reach only ~60
# of its consumers by SMS. Each channel is paced on its own lane, so calls run at `cps` anyway.
DEMO_SMS_PER_SECOND = 10.0


@dataclass(frozen=True)
class DemoOptions:
    cases_file: Path | None = None
    history_file: Path | None = None
    duration: float = 60.0
    cps: float = 5.0
    consumers: int = 2000
    seed: int = 7
    workdir: Path | None = None
    at: datetime | None = None  # rehearse: the shared clock starts here (DIALER_CLOCK_START)


def run_demo(options: DemoOptions) -> int:
    workdir = options.workdir or PROJECT_ROOT / "var" / "demo"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    db_url = f"sqlite:///{workdir / 'demo.sqlite3'}"
    env = _environment(db_url, options.cps)
    clock = _shared_clock(env, options.at)
    started_at, started = clock.now(), monotonic()
    say(f"demo: fresh database in {workdir}")
    upgrade(db_url)
    engine = make_engine(db_url)
    sessions = make_session_factory(engine)
    children: list[Child] = []
    interrupted = False
    audit, snapshot, creates = AuditResult(), Snapshot(), []
    due: list[tuple[float, int]] = []  # (epoch seconds, calls due then), about once a second
    api_base: str | None = None
    try:
        try:
            # The emulator and the web app start while the portfolio is imported.
            stack = launch(options.cps, options.seed, env=env, workdir=workdir, children=children)
            _prepare(options, workdir=workdir, env=env, started_at=started_at)
            api_base = ready(stack, children=children, env=env, workdir=workdir)
            replies = ConsumerReplies(api_base, seed=options.seed) if api_base else None
            _watch(
                sessions,
                duration=options.duration,
                stack=f"emulator {api_base}",
                replies=replies,
                clock=clock,
                rehearsal="DIALER_CLOCK_START" in env,
                due=due,
            )
        except KeyboardInterrupt:
            interrupted = True
            say("\ninterrupted: stopping the processes and writing the report")
        dispatchers = [c for c in children if c.name in ("scheduler", "worker")]
        stop_children(dispatchers)
        if api_base:
            settle(api_base)
            creates = call_creates(api_base)
            audit = audit_run(sessions, env=env, api_base=api_base, started_at=started_at)
        with sessions() as session:
            snapshot = take_snapshot(session)
    finally:
        stop_children([c for c in children if c.name not in ("scheduler", "worker")])
        engine.dispose()
    _report(
        options,
        workdir=workdir,
        run=_Run(started_at, monotonic() - started, snapshot, audit, creates, due),
        emulator=api_base,
        interrupted=interrupted,
        rehearsal="DIALER_CLOCK_START" in env,
    )
    return 0 if audit.ok and not interrupted and audit.audited > 0 else 1


@dataclass(frozen=True)
class _Run:
    """What a finished run measured, for its report."""

    started_at: datetime
    seconds: float
    snapshot: Snapshot
    audit: AuditResult
    creates: list[float]
    due: list[tuple[float, int]]


def _report(
    options: DemoOptions,
    *,
    workdir: Path,
    run: _Run,
    emulator: str | None,
    interrupted: bool,
    rehearsal: bool,
) -> None:
    """The HTML report and the closing lines on stdout."""
    data = ReportData(
        started_at=run.started_at,
        seconds=run.seconds,
        cps=options.cps,
        consumers=options.consumers,
        snapshot=run.snapshot,
        audit=run.audit,
        call_creates=run.creates,
        calls_due=run.due,
        emulator=emulator or "-",
        interrupted=interrupted,
        rehearsal=rehearsal,
    )
    path = write_report(workdir / "report.html", data)
    summarise(run.snapshot, run.audit, path)
    say(pacing_summary(run.creates, run.due, options.cps))


def _environment(db_url: str, cps: float) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=db_url,
        # Everything listens on 127.0.0.1: the development secrets are allowed there only.
        DIALER_ENV=env.get("DIALER_ENV", "development"),
        TWILIO_ACCOUNT_SID=env.get("TWILIO_ACCOUNT_SID", DEV_ACCOUNT_SID),
        TWILIO_AUTH_TOKEN=env.get("TWILIO_AUTH_TOKEN", DEV_AUTH_TOKEN),
        DIALER_CALLS_PER_SECOND=f"{cps:g}",
        DIALER_SMS_PER_SECOND=env.get("DIALER_SMS_PER_SECOND", f"{DEMO_SMS_PER_SECOND:g}"),
        DIALER_TICK_SECONDS=env.get("DIALER_TICK_SECONDS", "1"),
        # the demo's creditor texts its own customers; a third-party deployment sets its own
        DIALER_COLLECTOR_TYPE=env.get("DIALER_COLLECTOR_TYPE", "first_party"),
        PYTHONUNBUFFERED="1",
    )
    return env


def _shared_clock(env: dict[str, str], at: datetime | None) -> Clock:
    """The clock every child shares: `--at` (or DIALER_CLOCK_START) from one epoch, else real.

    `--at` sets DIALER_CLOCK_START for every child; DIALER_CLOCK_EPOCH is now unless the caller
    set it (to join an emulator already running on that rehearsal clock). Bad values and
    production are refused here, before anything starts.
    """
    if at is not None:
        env["DIALER_CLOCK_START"] = at.isoformat()
    if "DIALER_CLOCK_START" in env:
        env.setdefault("DIALER_CLOCK_EPOCH", SystemClock().now().isoformat())
    settings = load_settings(
        DIALER_CLOCK_START=env.get("DIALER_CLOCK_START"),
        DIALER_CLOCK_EPOCH=env.get("DIALER_CLOCK_EPOCH"),
    )
    return clock_from_settings(settings)


def _dialer(args: list[str], *, env: dict[str, str]) -> str:
    """Run one `dialer` command (the same CLI a user types) and return its output."""
    proc = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-m", "dialer", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if proc.returncode != 0:
        raise DemoFailed(f"dialer {' '.join(args[:2])} failed: {proc.stderr.strip()[-800:]}")
    return proc.stdout.strip()


def _prepare(
    options: DemoOptions, *, workdir: Path, env: dict[str, str], started_at: datetime
) -> None:
    cases, history = options.cases_file, options.history_file
    if cases is None:
        from dialer.demo.portfolio import write_portfolio

        cases, history = workdir / "cases.csv", history or workdir / "history.csv"
        write_portfolio(
            cases,
            consumers=options.consumers,
            seed=options.seed,
            history_path=history,
            history_start=started_at,
        )
        say(f"demo: synthetic portfolio of {options.consumers:,} consumers written")
    say("demo: " + _dialer(["import", "cases", str(cases)], env=env).splitlines()[-1])
    if history is not None:
        say("demo: " + _dialer(["import", "history", str(history)], env=env).splitlines()[-1])
    say("demo: " + _dialer(["campaigns", "create", str(CAMPAIGN), "--activate"], env=env))
    say("demo: " + _dialer(["campaigns", "enrol", CAMPAIGN_NAME], env=env))


def _watch(
    sessions: sessionmaker[Session],
    *,
    duration: float,
    stack: str,
    replies: ConsumerReplies | None,
    clock: Clock,
    rehearsal: bool,
    due: list[tuple[float, int]],
) -> None:
    """The live view until `duration` is over; `due` gets the calls due about once a second."""
    tty = sys.stdout.isatty()
    start, last = monotonic(), -PROGRESS_EVERY
    while (elapsed := monotonic() - start) < duration:
        moment = clock.now()
        now = clock_line(moment, rehearsal=rehearsal)
        with sessions() as session:
            waiting = calls_due(session, now=moment, steps=call_steps(session))
            due.append((moment.timestamp(), waiting))
            snap = take_snapshot(session)
            picked = replies.pick(session) if replies is not None else []
        if replies is not None:
            replies.send(picked)
        if tty:
            sys.stdout.write(
                CLEAR
                + panel(snap, elapsed=elapsed, duration=duration, stack=stack, clock=now)
                + "\n"
            )
            sys.stdout.flush()
        elif elapsed - last >= PROGRESS_EVERY:
            say(progress_line(snap, elapsed=elapsed, clock=now))
            last = elapsed
        time.sleep(min(1.5 if tty else 1.0, max(duration - elapsed, 0.05)))
