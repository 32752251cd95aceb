"""The Procfile's long-running processes: `dialer serve`, `dialer scheduler`, `dialer worker`."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import click
from sqlalchemy import Engine

import config
from config.settings import Settings, load_settings
from config.startup import check_web_start, default_serve_host
from dialer.db.readiness import DatabaseNotReadyError, require_ready
from dialer.observability.logging import configure_logging, get_logger

CLOCK_START_HELP = "Alias of DIALER_CLOCK_START: the ISO time (with offset) the clock starts at."


def _settings(clock_start: str | None) -> Settings:
    """The settings; `--clock-start` overrides DIALER_CLOCK_START (and its epoch: now)."""
    if clock_start is None:
        return load_settings()
    return load_settings(DIALER_CLOCK_START=clock_start, DIALER_CLOCK_EPOCH=None)


# The web process's gunicorn settings, as in the Procfile.
GUNICORN_CONFIG = Path(config.__file__).resolve().parent / "gunicorn.conf.py"


@click.command("serve")
@click.option("--port", type=int, default=None, help="Default: $PORT (as on Heroku), else 5000.")
@click.option(
    "--host",
    default=None,
    help="Default: 127.0.0.1 with DIALER_ENV=development, else 0.0.0.0 (every address).",
)
@click.option("--workers", type=int, default=None, help="Default: $WEB_CONCURRENCY or 2.")
def serve(port: int | None, host: str | None, workers: int | None) -> None:
    """The web process: gunicorn serving webhooks.wsgi:app."""
    settings = load_settings()  # a bad setting (DIALER_CLOCK_START in production...) stops here
    host = host or default_serve_host(settings)
    chosen = port or int(os.environ.get("PORT", "5000"))
    check_web_start(settings, [f"{host}:{chosen}"])
    count = workers or int(os.environ.get("WEB_CONCURRENCY", "2"))
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(GUNICORN_CONFIG),
        "webhooks.wsgi:app",
        "--bind",
        f"{host}:{chosen}",
        "--workers",
        str(count),
        "--access-logfile",
        "-",
    ]
    os.execvp(command[0], command)  # noqa: S606 - replaces this process with gunicorn


@click.command("scheduler")
@click.option("--clock-start", default=None, help=CLOCK_START_HELP)
def scheduler(clock_start: str | None) -> None:
    """The scheduler: dispatch ticks, reconciliation and the nightly re-audit (one leader)."""
    from dialer.scheduling.runtime import build_runtime
    from dialer.scheduling.scheduler import run_scheduler
    from dialer.scheduling.worker import stop_on_signals

    settings = _settings(clock_start)
    configure_logging(log_format=settings.log_format, level=settings.log_level)
    stop = threading.Event()
    stop_on_signals(stop)
    runtime = build_runtime(settings)
    _require_database(runtime.services.engine, runtime.close)
    try:
        code = run_scheduler(runtime, tick_seconds=settings.tick_seconds, stop=stop)
    finally:
        runtime.close()
    sys.exit(code)


@click.command("worker")
@click.option("--once", is_flag=True, help="Run a single tick and exit.")
@click.option("--batch", type=int, default=None, help="Debts claimed per tick (default 50).")
@click.option("--clock-start", default=None, help=CLOCK_START_HELP)
def worker(once: bool, batch: int | None, clock_start: str | None) -> None:
    """A dispatch worker: claims due debts, reserves, paces and places (run many on PostgreSQL)."""
    from dialer.scheduling.runtime import build_runtime
    from dialer.scheduling.worker import run_worker, stop_on_signals

    settings = _settings(clock_start)
    configure_logging(log_format=settings.log_format, level=settings.log_level)
    log = get_logger("dialer.worker")
    stop = threading.Event()
    stop_on_signals(stop)
    runtime = build_runtime(settings, batch_size=batch)
    _require_database(runtime.services.engine, runtime.close)
    log.info("worker_started", pid=os.getpid(), shared_pacing=runtime.pacer.shared)
    try:
        report = run_worker(
            runtime.dispatcher,
            stop=stop,
            tick_seconds=settings.tick_seconds,
            once=once,
            heartbeat_seconds=settings.heartbeat_seconds,
        )
    finally:
        runtime.close()
    if once:
        click.echo(
            f"claimed {report.claimed}, placed {report.placed}, blocked {report.blocked}, "
            f"planned {report.planned}, released {report.released}, refused {report.refused}"
        )
    log.info("worker_stopped", pid=os.getpid())


def _require_database(engine: Engine, close: Callable[[], None]) -> None:
    """Refuse to start, in one line, on a database that is unreachable or not migrated."""
    try:
        require_ready(engine)
    except DatabaseNotReadyError:
        close()
        raise


def register(group: click.Group) -> None:
    for command in (serve, scheduler, worker):
        group.add_command(command)
    from dialer.cli.campaigns import campaigns

    group.add_command(campaigns)
