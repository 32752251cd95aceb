"""Achieved over configured calls per second with four processes sharing one Redis limit.

For 1, 10 and 50 CPS, four worker processes call Pacer.acquire() in a loop for a few seconds;
every granted slot's time is collected. Reported: achieved/configured over the measured
seconds (target >= 0.97) and the largest count in any one-second window (never over).

    DIALER_TEST_REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/bench_pacing.py
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dialer.pacing import Pacer, PacingConfig  # noqa: E402
from dialer.vocabulary import Channel  # noqa: E402

PROCESSES = 4


def max_in_window(stamps: list[float], window: float = 1.0) -> int:
    ordered, best, low = sorted(stamps), 0, 0
    for high, moment in enumerate(ordered):
        while ordered[low] <= moment - window:
            low += 1
        best = max(best, high - low + 1)
    return best


def _worker(url: str, namespace: str, cps: float, start_at: float, seconds: float, out) -> None:
    pacer = Pacer(
        PacingConfig(calls_per_second=cps, storage_url=url, namespace=namespace), account="ACbench"
    )
    while time.time() < start_at:
        time.sleep(0.001)
    stamps = []
    while time.time() < start_at + seconds:
        if pacer.acquire(Channel.CALL, sender="x", timeout=0.5) is not None:
            stamps.append(pacer.last_grant)  # the grant's time on the Redis server's clock
    out.put(stamps)


def run(url: str, cps: float, seconds: float) -> dict[str, float]:
    namespace = f"bench-{uuid.uuid4().hex[:8]}"
    queue: multiprocessing.Queue = multiprocessing.Queue()
    start_at = time.time() + 1.5
    workers = [
        multiprocessing.Process(
            target=_worker, args=(url, namespace, cps, start_at, seconds, queue)
        )
        for _ in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    stamps = [s for _ in workers for s in queue.get(timeout=seconds + 30)]
    for worker in workers:
        worker.join()
    granted = [s for s in stamps if start_at <= s < start_at + seconds]
    return {
        "cps": cps,
        "seconds": seconds,
        "granted": len(granted),
        "achieved_ratio": round(len(granted) / (cps * seconds), 3),
        "max_in_any_second": max_in_window(stamps),
    }


def main() -> None:
    url = os.environ.get("DIALER_TEST_REDIS_URL") or "redis://127.0.0.1:6379/0"
    results = [run(url, 1, 20), run(url, 10, 10), run(url, 50, 10)]
    for row in results:
        print(json.dumps(row))
    figures: dict[str, dict[str, object]] = {}
    for row in results:
        cps = row["cps"]
        figures[f"achieved_over_configured_at_{cps}_cps"] = {
            "value": row["achieved_ratio"],
            "unit": "ratio",
        }
        figures[f"largest_count_in_any_second_at_{cps}_cps"] = {
            "value": row["max_in_any_second"],
            "unit": "calls",
        }
    notes = f"{PROCESSES} worker processes sharing one Redis limit; target >= 0.97, never over"
    print("RESULT " + json.dumps({"bench": "pacing", "figures": figures, "notes": notes}))


if __name__ == "__main__":
    main()
