"""Without Redis, the pacing window lives in the database: every process shares it, and no
one-second window ever holds more grants than the rate (issue 13 item 6, issue 15 item 4)."""

from __future__ import annotations

import threading
import uuid

from dialer.db.engine import make_engine
from dialer.demo.report import largest_in_one_second, pacing_line
from dialer.pacing import Pacer, PacingConfig
from dialer.vocabulary import Channel


def test_two_processes_without_redis_share_one_window_and_never_exceed_the_rate(db_url):
    namespace = f"t-{uuid.uuid4().hex[:8]}"
    engines = [make_engine(db_url), make_engine(db_url)]
    config = PacingConfig(calls_per_second=5, sms_per_second=2, namespace=namespace)
    pacers = [Pacer(config, account="AC1", database=engine) for engine in engines]
    granted: list[float] = []
    lock = threading.Lock()

    def dispatch(pacer: Pacer) -> None:
        for _ in range(8):
            if pacer.acquire(Channel.CALL, sender="+1617", timeout=10) is not None:
                with lock:
                    granted.append(pacer.last_grant)  # the grant's time on the window's clock

    try:
        assert pacers[0].shared == "database"
        threads = [threading.Thread(target=dispatch, args=(p,)) for p in pacers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert len(granted) == 16
        assert largest_in_one_second(granted) <= 5
        # texts are paced per sender, on their own lanes
        assert pacers[0].try_acquire(Channel.SMS, sender="+1617")
        assert pacers[1].try_acquire(Channel.SMS, sender="+1617")
        assert not pacers[0].has_room(Channel.SMS, sender="+1617")
        assert not pacers[1].try_acquire(Channel.SMS, sender="+1617")
        assert pacers[1].try_acquire(Channel.SMS, sender="+1310")
    finally:
        pacers[0].clear()
        for engine in engines:
            engine.dispose()


def test_the_demo_report_shows_the_largest_second_beside_the_limit():
    creates = [0.0, 0.1, 0.2, 0.95, 1.05, 1.5, 2.0, 2.9]
    assert largest_in_one_second(creates) == 4  # 0.1 .. 1.05
    line = pacing_line(creates, 5)
    assert "4, limit 5" in line
    assert 'class="ok"' in line
    assert 'class="bad"' in pacing_line(creates, 3)
