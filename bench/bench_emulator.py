"""Throughput of the Twilio emulator itself (a real process on loopback).

    .venv/bin/python bench/bench_emulator.py [--threads 8] [--seconds 3]

Prints requests per second for message creates, call creates and fetches, with N client
threads using plain requests sessions (Basic auth, form bodies, like twilio-python), and
also message creates through the gateway (TwilioTelephony). Later benchmarks can compare
their own rates with these numbers to know the emulator is not their bottleneck.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections.abc import Callable

import requests

from dialer.telephony.twilio_gateway import TwilioTelephony
from twilio_emulator.testing import EmulatorHandle, emulator_process

FROM = "+15005550006"


def hammer(threads: int, seconds: float, make_job: Callable[[int], Callable[[], None]]) -> float:
    stop = time.monotonic() + seconds
    counts = [0] * threads
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        job = make_job(index)
        try:
            while time.monotonic() < stop:
                job()
                counts[index] += 1
        except BaseException as exc:  # report, do not hide
            errors.append(exc)

    started = time.monotonic()
    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    if errors:
        raise errors[0]
    return sum(counts) / (time.monotonic() - started)


def session_for(emu: EmulatorHandle) -> requests.Session:
    session = requests.Session()
    session.auth = (emu.account_sid, emu.auth_token)
    session.trust_env = False
    return session


def run(threads: int, seconds: float) -> dict[str, float]:
    results: dict[str, float] = {}
    with emulator_process(extra_args=("--speed", "1000", "--cps", "1000000")) as emu:
        base = f"{emu.base_url}/2010-04-01/Accounts/{emu.account_sid}"

        def message_create(i: int) -> Callable[[], None]:
            s = session_for(emu)
            form = {"To": f"+1555100{i:04d}", "From": FROM, "Body": "bench"}
            return lambda: _ok(s.post(f"{base}/Messages.json", data=form), 201)

        def call_create(i: int) -> Callable[[], None]:
            s = session_for(emu)
            form = {"To": f"+1555200{i:04d}", "From": FROM, "Twiml": "<Response/>"}
            return lambda: _ok(s.post(f"{base}/Calls.json", data=form), 201)

        sid = (
            session_for(emu)
            .post(
                f"{base}/Calls.json",
                data={"To": "+15553000000", "From": FROM, "Twiml": "<Response/>"},
            )
            .json()["sid"]
        )

        def call_fetch(_i: int) -> Callable[[], None]:
            s = session_for(emu)
            return lambda: _ok(s.get(f"{base}/Calls/{sid}.json"), 200)

        def gateway_sms(i: int) -> Callable[[], None]:
            gw = TwilioTelephony.create(emu.account_sid, emu.auth_token, emu.base_url, 10)

            def job() -> None:
                gw.send_sms(
                    to=f"+1555400{i:04d}",
                    from_=FROM,
                    body="bench",
                    status_url="http://127.0.0.1:9/x",
                )

            return job

        results["message_create_rps"] = hammer(threads, seconds, message_create)
        results["call_create_rps"] = hammer(threads, seconds, call_create)
        results["call_fetch_rps"] = hammer(threads, seconds, call_fetch)
        results["gateway_sms_create_rps"] = hammer(threads, seconds, gateway_sms)
    return results


def _ok(response: requests.Response, status: int) -> None:
    if response.status_code != status:
        msg = f"unexpected {response.status_code}: {response.text[:200]}"
        raise RuntimeError(msg)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    results = run(args.threads, args.seconds)
    print(f"emulator throughput with {args.threads} client threads, {args.seconds:.0f} s each:")
    for name, value in results.items():
        print(f"  {name:26s} {value:8.0f} req/s")
    figures = {name: {"value": round(value), "unit": "req/s"} for name, value in results.items()}
    notes = f"{args.threads} client threads on the same machine, {args.seconds:.0f} s per operation"
    print("RESULT " + json.dumps({"bench": "emulator", "figures": figures, "notes": notes}))


if __name__ == "__main__":
    main()
