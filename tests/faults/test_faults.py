"""The fault suite (issue 15 item 6): every run prints its counts and must be clean.

A short subset runs in every `make test`; `make faults` adds the full runs (marked
faults_full). Each run: real web, worker (and scheduler) processes on a fresh PostgreSQL
database, the emulator in strict mode with a fault, one call due per consumer.
"""

from __future__ import annotations

import signal
import time

import pytest
from sqlalchemy.engine import make_url

from tests.databases import redis_test_url
from tests.e2e.workers_support import wait_for
from tests.faults.harness import TEXT_ONCE, FaultRun, fault_run, make_portfolio
from tests.faults.proxy import CuttableProxy
from tests.faults.texts import longest_wait_for_release, text_counts

DEAD_AFTER = FaultRun.DEAD_AFTER
LEADER_PIDS = (  # this run's database only: other databases on the server are not ours
    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
    f"AND objid = {0x5CED_1A1E & 0xFFFFFFFF} "
    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)
pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.slow, pytest.mark.timeout(600)]


def _finish(run, numbers, name, *, timeout=120.0):
    assert wait_for(lambda: run.everyone_called(numbers), timeout=timeout), run.state()
    run.emulator.configure(faults={"latency_ms": 0, "rate_429": 0.0, "rate_5xx": 0.0})
    run.settle()
    counts = run.counts()
    print(counts.line(name))  # noqa: T201 - the run's report
    counts.assert_clean()
    assert counts.called_numbers == len(numbers)
    return counts


def _finish_texts(run, numbers, name, *, timeout=180.0):
    assert wait_for(lambda: run.everyone_called(numbers), timeout=timeout), run.state()
    waited = longest_wait_for_release(run)
    run.emulator.configure(faults={"latency_ms": 0, "rate_429": 0.0, "rate_5xx": 0.0})
    run.settle()
    counts = text_counts(run)
    print(counts.line(name))  # noqa: T201 - the run's report
    print(  # noqa: T201 - the run's report
        f"[fault {name}] longest wait in dialing of a text the provider never had: {waited:.1f} s"
    )
    counts.assert_clean()
    assert counts.called_numbers == len(numbers)
    return counts


def _text_run(services, tmp_path, faults, *, count, name):
    numbers = make_portfolio(services, count, TEXT_ONCE)
    with fault_run(
        services,
        tmp_path,
        faults=faults,
        cps=5,
        redis_url=redis_test_url(),
        DIALER_TWILIO_TIMEOUT="3",
        DIALER_SMS_PER_SECOND="5",
    ) as run:
        run.start_web()
        run.start_scheduler()  # its reconciler settles creates the provider never made
        run.start_worker("worker-1", batch=5)
        run.start_worker("worker-2", batch=5)
        _finish_texts(run, numbers, f"texts: twilio {name}")


def _kill_and_time_the_claims(run, victim, *, holding=False):
    """kill -9 of `victim` (with `holding`, at a moment it holds claims: its lane may be full
    for a few milliseconds, which gives the rest of its batch back until its next tick); how
    many claims it held, after timing their return to the queue."""
    held = run.claims_held_by(victim.pid)
    deadline = time.monotonic() + 10
    while holding and held == 0:
        assert time.monotonic() < deadline, run.state()
        time.sleep(0.01)
        held = run.claims_held_by(victim.pid)
    victim.send_signal(signal.SIGKILL)
    killed = time.monotonic()
    victim.wait(timeout=10)
    assert wait_for(lambda: run.claims_held_by(victim.pid) == 0, timeout=60, interval=0.2)
    print(  # noqa: T201 - the run's report
        f"[fault kill -9] {held} claims of the killed worker back in the queue after "
        f"{time.monotonic() - killed:.1f} s (dead after {DEAD_AFTER} s)"
    )
    return held


def test_slow_twilio_answers_make_no_uncounted_or_second_calls(services, tmp_path):
    """4 s answers, 3 s client timeout: each create is ambiguous and so is its lookup."""
    numbers = make_portfolio(services, 4)
    with fault_run(
        services,
        tmp_path,
        speed=50,
        faults={"latency_ms": 4000},
        cps=5,
        redis_url=None,
        DIALER_TWILIO_TIMEOUT="3",
    ) as run:
        run.start_web()
        run.start_worker("worker-1", batch=2)
        run.start_worker("worker-2", batch=2)
        _finish(run, numbers, "slow twilio (4 s answers, 3 s timeout)")


@pytest.mark.faults_full
def test_a_worker_killed_mid_dispatch_without_redis(services, tmp_path):
    """kill -9 of a worker; no Redis: pacing lives in the database, shared by both workers."""
    numbers = make_portfolio(services, 20)
    with fault_run(
        services, tmp_path, speed=50, faults={"latency_ms": 300}, cps=5, redis_url=None
    ) as run:
        run.start_web()
        run.start_scheduler()  # its reconciler settles an attempt the kill left `dialing`
        victim = run.start_worker("victim", batch=10)
        run.start_worker("worker-1", batch=5)
        assert wait_for(lambda: any(r.provider_sid for r in run.attempts()), timeout=90), (
            run.state()
        )
        _kill_and_time_the_claims(run, victim)
        _finish(run, numbers, "kill -9 of a worker (no Redis)", timeout=400)


@pytest.mark.faults_full
@pytest.mark.parametrize("round_", range(10))
def test_kill_9_of_a_worker_ten_times(services, tmp_path, round_):
    numbers = make_portfolio(services, 30)
    with fault_run(
        services, tmp_path, speed=50, faults={"latency_ms": 200}, cps=5, redis_url=redis_test_url()
    ) as run:
        run.start_web()
        # The victim starts alone and claims the whole portfolio in one batch: every debt
        # left then waits on its claims coming back. (Started beside the scheduler, whose
        # own ticks claim 50, and another worker, it often held nothing: a batch whose pacing
        # lane is full is given back within milliseconds, so under a shared lane its claims
        # came and went between two looks, and once never showed in 60 s.)
        victim = run.start_worker("victim", batch=len(numbers))
        assert wait_for(lambda: run.claims_held_by(victim.pid) > 0, timeout=60, interval=0.05), (
            run.state()
        )
        run.start_scheduler()  # its reconciler settles an attempt the kill left `dialing`
        run.start_worker("worker-1", batch=5)
        # Killed mid-batch, each round at another point of it (0 to 1.8 s after its first
        # attempt): holding claims, 0 to some 8 placed, a create in flight or not.
        assert wait_for(lambda: len(run.attempts()) > 0, timeout=60, interval=0.02), run.state()
        time.sleep(0.2 * round_)
        _kill_and_time_the_claims(run, victim, holding=True)
        _finish(run, numbers, f"kill -9 of a worker, round {round_ + 1}", timeout=400)


@pytest.mark.faults_full
@pytest.mark.parametrize(
    ("name", "faults"),
    [
        ("429s", {"rate_429": 0.2}),
        ("5xx", {"rate_5xx": 0.15}),
        ("lost answers", {"lose_responses": 5, "lose_mode": "drop"}),
        ("slow answers", {"latency_ms": 4000}),
    ],
)
def test_twilio_faults(services, tmp_path, name, faults):
    numbers = make_portfolio(services, 15)
    with fault_run(
        services,
        tmp_path,
        faults=faults,
        cps=5,
        redis_url=redis_test_url(),
        DIALER_TWILIO_TIMEOUT="3",
    ) as run:
        run.start_web()
        run.start_scheduler()  # its reconciler settles creates the provider never made
        run.start_worker("worker-1", batch=5)
        run.start_worker("worker-2", batch=5)
        _finish(run, numbers, f"twilio {name}", timeout=480)


@pytest.mark.faults_full
def test_a_web_restart_loses_nothing(services, tmp_path):
    numbers = make_portfolio(services, 25)
    with fault_run(
        services, tmp_path, speed=20, faults=None, cps=5, redis_url=redis_test_url()
    ) as run:
        web = run.start_web()
        run.start_worker("worker-1", batch=5)
        assert wait_for(lambda: len(run.attempts()) >= 5, timeout=90)
        web.send_signal(signal.SIGKILL)
        web.wait(timeout=10)
        time.sleep(6)
        run.start_web("web-2")
        _finish(run, numbers, "web restart (6 s down)", timeout=180)


@pytest.mark.faults_full
def test_two_schedulers_and_a_lost_leader_lock(services, tmp_path):
    numbers = make_portfolio(services, 25)
    with fault_run(services, tmp_path, speed=50, faults=None, cps=5, redis_url=None) as run:
        run.start_web()
        run.start_scheduler("scheduler-1")
        run.start_scheduler("scheduler-2")
        assert wait_for(lambda: len(run.attempts()) >= 5, timeout=60)
        with services.engine.connect() as conn:  # cut the leader's lock connection
            first = conn.exec_driver_sql(LEADER_PIDS).scalars().all()
            assert len(first) == 1
            conn.exec_driver_sql(f"SELECT pg_terminate_backend({first[0]})")
            conn.commit()
        cut = time.monotonic()

        def new_leader() -> bool:
            with services.engine.connect() as conn:
                now = conn.exec_driver_sql(LEADER_PIDS).scalars().all()
            return bool(now) and now != first

        assert wait_for(new_leader, timeout=60, interval=0.1)
        print(  # noqa: T201 - the run's report
            f"[fault leader lock lost] a leader again after {time.monotonic() - cut:.1f} s"
        )
        exited = {name: p.poll() for name, p in run.processes.items() if p.poll() is not None}
        assert exited == {}, run.state()  # nobody exited
        _finish(run, numbers, "two schedulers, leader lock lost", timeout=180)


@pytest.mark.faults_full
def test_a_database_outage_loses_nothing(services, tmp_path):
    """20 s without the database (a proxy in front of this run's database is cut): the web
    process spools callbacks and answers 2xx, workers back off, everything lands once."""
    numbers = make_portfolio(services, 25)
    url = make_url(services.settings.database_url)
    proxy = CuttableProxy(url.host or "127.0.0.1", url.port or 5432)
    behind = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    try:
        with fault_run(
            services, tmp_path, speed=10, cps=5, redis_url=redis_test_url(), database_url=behind
        ) as run:
            run.start_web()
            run.start_worker("worker-1", batch=5)
            run.start_worker("worker-2", batch=5)
            assert wait_for(lambda: len(run.attempts()) >= 8, timeout=90), run.state()
            proxy.cut()
            time.sleep(20)
            assert all(p.poll() is None for p in run.processes.values())  # nobody exited
            proxy.restore()
            back = time.monotonic()
            _finish(run, numbers, "database outage (20 s)", timeout=240)
            spool = tmp_path / "spool" / "webhooks.jsonl"
            left = spool.read_text().count("\n") if spool.exists() else 0
            assert left == 0
            print(  # noqa: T201 - the run's report
                f"[fault database outage] every attempt final {time.monotonic() - back:.1f} s "
                "after the database came back; spool empty"
            )
    finally:
        proxy.close()


@pytest.mark.faults_full
@pytest.mark.parametrize(
    ("name", "faults"),
    [
        ("429s", {"rate_429": 0.2}),
        ("5xx", {"rate_5xx": 0.3}),
        ("lost answers", {"lose_responses": 5, "lose_mode": "drop"}),
        ("slow answers", {"latency_ms": 4000}),
    ],
)
def test_text_faults(services, tmp_path, name, faults):
    """Texts under Twilio's faults: counted once, never doubled, never over the per-sender
    rate (one sender, 5 per second). A text whose create got a 5xx (nothing made) is looked
    up, not found, and released by the reconciler within a minute (was 120 s), then sent
    once."""
    _text_run(services, tmp_path, faults, count=15, name=name)
