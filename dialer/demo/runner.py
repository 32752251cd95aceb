"""`dialer demo`: a fresh SQLite case record, a synthetic portfolio imported, a staged campaign
enrolled, then the emulator, the web app, the scheduler and a worker as real processes on
127.0.0.1 for `duration` seconds; a live view; an independent re-audit and an HTML report.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import requests
from sqlalchemy.orm import Session, sessionmaker

from config.settings import DEV_ACCOUNT_SID, DEV_AUTH_TOKEN, PROJECT_ROOT, load_settings
from dialer.admin.contact_limits import current_limits
from dialer.audit.demo import AuditResult, provider_log, reaudit
from dialer.audit.person import (
    audit_people,
    automated_sids,
    contactable_people,
    people_by_number,
)
from dialer.bootstrap import build_rule_packs, build_telephony, clock_from_settings
from dialer.clock import Clock, SystemClock, monotonic
from dialer.db.engine import make_engine, make_session_factory
from dialer.db.migrate import upgrade
from dialer.demo.due import call_steps, calls_due
from dialer.demo.live import CLEAR, clock_line, panel, progress_line
from dialer.demo.processes import Child, free_port, start_child, stop_children, wait_http
from dialer.demo.replies import ConsumerReplies
from dialer.demo.report import ReportData, pacing_summary, write_report
from dialer.demo.snapshot import Snapshot, take_snapshot
from dialer.errors import DialerError

CAMPAIGN = Path(__file__).with_name("campaign.yaml")
CAMPAIGN_NAME = "demo-reminders"
EMULATOR_SPEED = 4.0  # emulated seconds per real second: calls ring and end in a few seconds
PROGRESS_EVERY = 10.0
AUDIT_TIMEOUT_SECONDS = 30.0  # reading the whole call and message logs back after the run
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


class DemoFailed(DialerError):
    """A step of the demo's set-up failed (the message names it)."""


def say(text: str) -> None:
    print(text, flush=True)  # noqa: T201 - the demo talks to its user on stdout


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
            stack = _launch(options, env=env, workdir=workdir, children=children)
            _prepare(options, workdir=workdir, env=env, started_at=started_at)
            api_base = _ready(stack, children=children, env=env, workdir=workdir)
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
            _settle(api_base)
            creates = _call_creates(api_base)
            audit = _audit(sessions, env=env, api_base=api_base, started_at=started_at)
        with sessions() as session:
            snapshot = take_snapshot(session)
    finally:
        stop_children([c for c in children if c.name not in ("scheduler", "worker")])
        engine.dispose()
    data = ReportData(
        started_at=started_at,
        seconds=monotonic() - started,
        cps=options.cps,
        consumers=options.consumers,
        snapshot=snapshot,
        audit=audit,
        call_creates=creates,
        calls_due=due,
        emulator=api_base or "-",
        interrupted=interrupted,
        rehearsal="DIALER_CLOCK_START" in env,
    )
    path = write_report(workdir / "report.html", data)
    _summary(snapshot, audit, path)
    say(pacing_summary(creates, due, options.cps))
    return 0 if audit.ok and not interrupted and audit.audited > 0 else 1


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


@dataclass(frozen=True)
class Stack:
    api_base: str
    public: str
    emulator: Child | None  # None: an emulator someone else runs (TWILIO_API_BASE)
    web: Child


def _launch(
    options: DemoOptions, *, env: dict[str, str], workdir: Path, children: list[Child]
) -> Stack:
    """Start the emulator (unless TWILIO_API_BASE names one) and the web app; no waiting."""
    logs = workdir / "logs"
    web_port = free_port()
    public = f"http://127.0.0.1:{web_port}"
    api_base, emulator = env.get("TWILIO_API_BASE"), None
    if api_base is None:
        port = free_port()
        api_base = f"http://127.0.0.1:{port}"
        emulator = start_child(
            "emulator",
            [
                sys.executable,
                "-m",
                "dialer",
                "twilio-emulator",
                "--port",
                str(port),
                "--cps",
                f"{options.cps:g}",
                "--speed",
                f"{EMULATOR_SPEED:g}",
                "--seed",
                str(options.seed),
            ],
            env=env,
            log_dir=logs,
        )
        children.append(emulator)
    env.update(TWILIO_API_BASE=api_base, PUBLIC_BASE_URL=public)
    web = start_child(
        "web",
        [
            sys.executable,
            "-m",
            "dialer",
            "serve",
            "--port",
            str(web_port),
            "--host",
            "127.0.0.1",
            "--workers",
            "2",
        ],
        env=env,
        log_dir=logs,
    )
    children.append(web)
    return Stack(api_base, public, emulator, web)


def _ready(stack: Stack, *, children: list[Child], env: dict[str, str], workdir: Path) -> str:
    """Wait for the emulator and the web app, configure the emulator, start the dispatchers."""
    api_base, public, logs = stack.api_base, stack.public, workdir / "logs"
    if stack.emulator is not None:
        emulator = stack.emulator
        _need(wait_http(f"{api_base}/_emulator/health", child=emulator, timeout=60), emulator)
        requests.post(
            f"{api_base}/_emulator/config",
            timeout=5,
            json={
                "inbound_sms_url": f"{public}/twilio/sms/inbound",
                "mix": {
                    "answer_rate": 0.6,
                    "machine_share": 0.35,
                    "busy_rate": 0.1,
                    "ring_seconds_min": 2,
                    "ring_seconds_max": 8,
                    "talk_seconds": 8,
                    "digits": ["1"],
                },
            },
        ).raise_for_status()
    _need(wait_http(f"{public}/healthz", child=stack.web, timeout=60), stack.web)
    for name in ("scheduler", "worker"):
        children.append(
            start_child(name, [sys.executable, "-m", "dialer", name], env=env, log_dir=logs)
        )
    say(f"demo: emulator {api_base}, web {public}, scheduler and worker running; logs in {logs}")
    return api_base


def _need(ok: bool, child: Child) -> None:
    if not ok:
        raise DemoFailed(f"the {child.name} process did not start:\n{child.log_tail()}")


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


def _settle(api_base: str) -> None:
    """Let calls in flight finish and their callbacks land (bounded)."""
    with contextlib.suppress(requests.RequestException):
        requests.get(f"{api_base}/_emulator/idle", params={"timeout": 15}, timeout=20)
    time.sleep(1.0)


def _call_creates(api_base: str) -> list[float]:
    try:
        stats = requests.get(f"{api_base}/_emulator/stats", timeout=10).json()
    except (requests.RequestException, ValueError):
        return []
    return sorted(float(x) for x in stats.get("call_creates", []))


def _audit(
    sessions: sessionmaker[Session], *, env: dict[str, str], api_base: str, started_at: datetime
) -> AuditResult:
    settings = load_settings(  # the emulator the demo's processes talk to
        TWILIO_ACCOUNT_SID=env["TWILIO_ACCOUNT_SID"],
        TWILIO_AUTH_TOKEN=env["TWILIO_AUTH_TOKEN"],
        TWILIO_API_BASE=api_base,
        DIALER_TWILIO_TIMEOUT=AUDIT_TIMEOUT_SECONDS,
    )
    packs = build_rule_packs(settings)  # the law the demo's workers applied
    seen = provider_log(build_telephony(settings))
    totals = AuditResult(
        calls_seen=sum(1 for s in seen if s.channel.value == "call"),
        messages_seen=sum(1 for s in seen if s.channel.value == "sms"),
    )
    reaudit(sessions, seen=seen, packs=packs, totals=totals)
    with sessions() as session:
        people = audit_people(
            seen,
            people=people_by_number(session),
            automated=automated_sids(session, (s.sid for s in seen)),
            gap_minutes=current_limits(
                session, campaign_id=None, state=None
            ).min_minutes_between_contacts,
        )
        totals.people_contactable = contactable_people(session, at=started_at, packs=packs)
    totals.people_contacted = people.people_contacted
    totals.max_contacts_per_person_hour = people.max_contacts_per_person_hour
    totals.max_calls_in_flight_per_person = people.max_calls_in_flight_per_person
    totals.violations += people.violations
    return totals


def _summary(snap: Snapshot, audit: AuditResult, path: Path) -> None:
    say("")
    say(progress_line(snap, elapsed=0).split("] ", 1)[1])
    zones = ", ".join(f"{z} {n}" for z, n in snap.by_zone.most_common())
    say(f"contacts by zone: {zones or '-'}")
    say(
        f"re-audit: {audit.audited} contacts from the provider's log, "
        f"{len(audit.violations)} violation(s)"
    )
    say(
        f"the person: {audit.people_contacted} of {audit.people_contactable} lawfully "
        "contactable people contacted, at most "
        f"{audit.max_contacts_per_person_hour} contact(s) with one person in an hour, at most "
        f"{audit.max_calls_in_flight_per_person} call(s) in flight at once to one person"
    )
    for violation in audit.violations[:10]:
        say(f"  VIOLATION {violation}")
    say(f"report: {path}")
