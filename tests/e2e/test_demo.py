"""`dialer demo` end to end: real processes on loopback, a report, a clean re-audit, and an
audit of our own (independent of the engine) of every contact the emulator saw."""

from __future__ import annotations

import csv
import itertools
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from twilio.rest import Client

from dialer.clock import SystemClock
from dialer.telephony.twilio_gateway import RebasedHttpClient
from twilio_emulator.testing import emulator_process

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
CPS = 10
# The shipped person-level gap (min_minutes_between_contacts): in a 20-second run nobody may
# be reached twice (the run has no agent step, so no consented callback).
GAP = timedelta(minutes=240)


@dataclass(frozen=True)
class Contact:
    sid: str
    channel: str
    to: str
    created: datetime
    ended: datetime | None


def test_demo_runs_a_campaign_and_its_reaudit_finds_no_violation(tmp_path: Path) -> None:
    workdir = tmp_path / "demo"
    env = {k: v for k, v in os.environ.items() if k not in ("TWILIO_API_BASE", "DATABASE_URL")}
    started = SystemClock().now()
    with emulator_process(extra_args=("--speed", "4", "--cps", str(CPS))) as emu:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "dialer",
                "demo",
                "--duration",
                "20",
                "--cps",
                str(CPS),
                "--consumers",
                "200",
                "--workdir",
                str(workdir),
            ],
            capture_output=True,
            text=True,
            timeout=280,
            env={**env, "TWILIO_API_BASE": emu.base_url},
            check=False,
        )
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        reached = _reached(emu.base_url, emu.account_sid, emu.auth_token)
    assert re.search(
        r"re-audit: [1-9]\d* contacts from the provider's log, 0 violation", proc.stdout
    )
    _the_person_is_the_unit(proc.stdout, reached, _people_by_number(workdir / "cases.csv"))
    _never_over_the_rate(proc.stdout, reached)
    _the_report(workdir, proc.stdout, started)


def _reached(base_url: str, sid: str, token: str) -> list[Contact]:
    """Every outbound call (not an agent leg) and text the emulator took that reached a person
    (a failed or canceled call, a failed text did not), read with the official client."""
    client = Client(sid, token, http_client=RebasedHttpClient(base_url, timeout=30))
    client.edge = client.region = None
    seen = [
        Contact(c.sid, "call", c.to, c.date_created, c.end_time)
        for c in client.calls.list()
        if c.parent_call_sid is None and c.status not in ("failed", "canceled")
    ]
    seen += [
        Contact(m.sid, "sms", m.to, m.date_created, None)
        for m in client.messages.list()
        if (m.direction or "").startswith("outbound") and m.status != "failed"
    ]
    return seen


def _people_by_number(cases: Path) -> dict[str, set[str]]:
    """From the portfolio file the demo imported: every consumer whose file holds a number."""
    found: dict[str, set[str]] = defaultdict(set)
    with cases.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for slot in ("phone1", "phone2", "phone3"):
                if row.get(slot):
                    found[row[slot]].add(row["consumer_ref"])
    return found


def _the_person_is_the_unit(
    stdout: str, reached: list[Contact], people: dict[str, set[str]]
) -> None:
    """No two contacts with one person closer than the gap (so never two in flight), and at
    least half of the people the engine found lawfully contactable were reached."""
    by_person: dict[str, list[Contact]] = defaultdict(list)
    for contact in reached:
        assert contact.to in people, f"a contact to a number on nobody's file: {contact}"
        for person in people[contact.to]:
            by_person[person].append(contact)
    for person, contacts in by_person.items():
        contacts.sort(key=lambda c: c.created)
        for earlier, later in itertools.pairwise(contacts):
            assert later.created - earlier.created >= GAP, f"{person}: {earlier} then {later}"
            assert earlier.ended is None or later.created >= earlier.ended, (person, later)
    line = re.search(
        r"the person: \d+ of (\d+) lawfully contactable people contacted, at most \d+ "
        r"contact\(s\) with one person in an hour, at most (\d+) call\(s\) in flight",
        stdout,
    )
    assert line is not None, stdout[-3000:]
    contactable, at_once = int(line.group(1)), int(line.group(2))
    assert at_once <= 1
    assert contactable > 0
    assert 2 * len(by_person) >= contactable, (len(by_person), contactable)


def _never_over_the_rate(stdout: str, reached: list[Contact]) -> None:
    """The emulator's own figure (its moving window of call creates) and, from the official
    client's whole-second stamps, never more than CPS calls created in one second."""
    pacing = re.search(r"pacing: at most (\d+) call\(s\) created in any one second", stdout)
    assert pacing is not None, stdout[-3000:]
    assert int(pacing.group(1)) <= CPS
    per_second = Counter(c.created for c in reached if c.channel == "call")
    assert max(per_second.values(), default=0) <= CPS


def _the_report(workdir: Path, stdout: str, started: datetime) -> None:
    report = (workdir / "report.html").read_text(encoding="utf-8")
    assert report.count("<svg") >= 3  # local hours, outcomes, pacing (blocks may be empty)
    assert "0 violations" in report
    assert "Contacts by the consumer" in report
    assert "Pacing against the limit" in report
    zones = re.search(r"contacts by zone: (.*)", stdout)
    assert zones is not None
    contacted = [part.rsplit(" ", 1)[0] for part in zones.group(1).split(", ")]
    # The synthetic portfolio spans every US zone and China, so at any hour of the day some
    # consumers are inside their lawful hours (from 07:00 to 12:00 UTC only China's are):
    # every zone contacted was inside 08:00-21:00 local time while the demo ran.
    ended = SystemClock().now()
    assert contacted, zones.group(1)
    for name in contacted:
        zone = ZoneInfo(name)
        hours = {started.astimezone(zone).hour, ended.astimezone(zone).hour}
        assert hours & set(range(8, 21)), f"{name} contacted at local hours {hours}"
    for name in ("web", "scheduler", "worker"):
        assert (workdir / "logs" / f"{name}.log").exists()
