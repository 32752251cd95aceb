"""`dialer demo --at ISO` rehearses a campaign at a chosen instant, as a regulator would see it.

Each test starts an emulator process on the rehearsal clock, runs the demo (web app, scheduler
and worker as real processes) against it with `--at`, then reads the emulator's Calls and
Messages logs through the official twilio client. It checks, with its own arithmetic on the
consumer's zone from the test's own portfolio (not with the engine):
- every call and SMS the emulator saw was inside the recipient's permitted hours;
- contact in the zone at the edge began only as that zone opened (and nothing started there
  two minutes before it closed: its debts wait for the next morning);
- every time the emulator and the case record hold agrees with the simulated clock.
"""

from __future__ import annotations

import csv
import os
import random
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute
from twilio.rest import Client

from dialer.clock import SystemClock
from dialer.db.models import AuditEntry, CaseEvent, ContactAttempt, Debt, ProviderEvent
from dialer.importing.case_rows import CASE_COLUMNS
from dialer.telephony.twilio_gateway import RebasedHttpClient
from twilio_emulator.testing import emulator_process

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

NEW_YORK, CHICAGO = ZoneInfo("America/New_York"), ZoneInfo("America/Chicago")
LOS_ANGELES, SHANGHAI = ZoneInfo("America/Los_Angeles"), ZoneInfo("Asia/Shanghai")
# The permitted hours, written down here from the law (FDCPA 8 a.m. to 9 p.m.; China's CBA
# guideline 08:00 to 22:00), not taken from the engine's rule packs.
HOURS = {"US": (time(8), time(21)), "CN": (time(8), time(22))}
# (country, state, city, postal code, area codes, zone): area codes inside the same zone, so
# the consumer's zone is known without the engine's help.
PLACES = (
    ("US", "NY", "New York", "10001", ("212", "646", "917"), NEW_YORK),
    ("US", "IL", "Chicago", "60601", ("312", "773"), CHICAGO),
    ("US", "CA", "Los Angeles", "90012", ("213", "323"), LOS_ANGELES),
    ("CN", "SH", "上海", "200001", (), SHANGHAI),
)
PER_PLACE = 4
SLACK = timedelta(seconds=5)  # "agrees with the simulated clock": within a few seconds


@dataclass(frozen=True)
class Rehearsal:
    edge: datetime  # the local instant a zone opens or closes
    lead: timedelta  # the demo starts this long before the edge (set-up: 10 to 60 s)
    opens: bool  # True: the zone opens at the edge; False: it closes there
    # Seconds of dispatch: longer than the lead, so the edge is passed whatever the set-up took
    # (a quick set-up reaches dispatch before the edge, a slow one after it).
    duration: int = 45

    @property
    def start(self) -> datetime:
        return self.edge - self.lead


REHEARSALS = {
    # A Tuesday morning in New York (README: 07:55): nothing to New York before 08:00.
    "new-york-weekday-morning": Rehearsal(
        datetime(2026, 12, 8, 8, 0, tzinfo=NEW_YORK), timedelta(seconds=15), opens=True
    ),
    # The same evening at 20:58 in Los Angeles: two minutes before 21:00 nothing starts there
    # (the campaign's first step is a text, which must stay lawful for its 10-minute validity);
    # its debts wait for 08:00, while Shanghai (12:58) is contacted.
    "los-angeles-evening": Rehearsal(
        datetime(2026, 12, 8, 21, 0, tzinfo=LOS_ANGELES),
        timedelta(minutes=2),
        opens=False,
        duration=20,
    ),
    # 2027-03-14, the US spring-forward morning: 08:00 EDT, not 08:00 EST (07:00 EDT).
    "spring-dst-morning": Rehearsal(
        datetime(2027, 3, 14, 8, 0, tzinfo=NEW_YORK), timedelta(seconds=15), opens=True
    ),
    # 2026-02-28, the Saturday China worked after the Spring Festival holiday (State Council
    # notice 国办发明电〔2025〕7号): Beijing time opens at 08:00 as on any working day.
    "china-adjusted-working-saturday": Rehearsal(
        datetime(2026, 2, 28, 8, 0, tzinfo=SHANGHAI), timedelta(seconds=15), opens=True
    ),
}


@dataclass(frozen=True)
class Contact:
    sid: str
    channel: str
    to: str
    at: datetime  # date_created on the emulator
    times: tuple[datetime, ...]  # every time stamp the emulator reports for it


Places = dict[str, tuple[str, ZoneInfo]]  # a number or a debt ref -> (country, zone)


def _portfolio(path: Path) -> tuple[Places, Places]:
    """A small portfolio CSV; returns where each number and each debt is, for the test's checks."""
    rng = random.Random(19)
    where: Places = {}
    refs: Places = {}
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CASE_COLUMNS)
        writer.writeheader()
        for place_index, (country, state, city, postal, areas, zone) in enumerate(PLACES):
            for n in range(PER_PLACE):
                number = _number(rng, country, areas)
                where[number] = (country, zone)
                ref = f"R{place_index}{n}"
                refs[f"D{ref}"] = (country, zone)
                writer.writerow(
                    {
                        "consumer_ref": f"C{ref}",
                        "debt_ref": f"D{ref}",
                        "first_name": "Sam",
                        "last_name": "Rivera",
                        "language": "zh" if country == "CN" else "en",
                        "country": country,
                        "state": state,
                        "city": city,
                        "postal_code": postal,
                        "creditor": "Acme Bank",
                        "balance": "120.00",
                        "currency": "CNY" if country == "CN" else "USD",
                        "stage": "new",
                        "phone1": number,
                        "phone1_type": "mobile",
                        "phone1_consent": "yes",
                    }
                )
    return where, refs


def _number(rng: random.Random, country: str, areas: tuple[str, ...]) -> str:
    while True:
        if country == "CN":
            number = f"+86139{rng.randint(0, 10**8 - 1):08d}"
        else:
            number = f"+1{rng.choice(areas)}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}"
        if phonenumbers.is_valid_number(phonenumbers.parse(number, None)):
            return number


def _provider_log(base_url: str, sid: str, token: str) -> list[Contact]:
    client = Client(sid, token, http_client=RebasedHttpClient(base_url, timeout=30))
    client.edge = client.region = None
    seen = []
    for call in client.calls.list():
        if call.parent_call_sid is None:
            call_times = (call.date_created, call.date_updated, call.start_time, call.end_time)
            seen.append(Contact(call.sid, "call", call.to, call.date_created, _known(call_times)))
    for msg in client.messages.list():
        if (msg.direction or "").startswith("outbound"):
            sms_times = (msg.date_created, msg.date_updated, msg.date_sent)
            seen.append(Contact(msg.sid, "sms", msg.to, msg.date_created, _known(sms_times)))
    return seen


def _known(stamps: tuple[datetime | None, ...]) -> tuple[datetime, ...]:
    return tuple(s for s in stamps if s is not None)


def _record_times(db_url: str) -> dict[str, list[datetime]]:
    """Every time the demo's case record stamped while it ran (history rows have none here)."""
    columns: dict[str, list[InstrumentedAttribute[Any]]] = {
        "contact_attempts": [
            ContactAttempt.attempted_at,
            ContactAttempt.reserved_at,
            ContactAttempt.placed_at,
            ContactAttempt.answered_at,
            ContactAttempt.ended_at,
            ContactAttempt.updated_at,
        ],
        "provider_events": [ProviderEvent.received_at, ProviderEvent.applied_at],
        "case_events": [CaseEvent.at],
        "audit_log": [AuditEntry.at],
        "debts": [Debt.created_at, Debt.updated_at],
    }
    engine = sa.create_engine(db_url)
    found: dict[str, list[datetime]] = {}
    try:
        with engine.connect() as conn:
            for table, cols in columns.items():
                for col in cols:
                    values = conn.execute(sa.select(col).where(col.is_not(None))).scalars()
                    found[f"{table}.{col.key}"] = list(values)
    finally:
        engine.dispose()
    return found


def _next_contacts(db_url: str) -> dict[str, datetime | None]:
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.select(Debt.external_ref, Debt.next_contact_at)).all()
    finally:
        engine.dispose()
    return {str(ref): at for ref, at in rows}


def _attempt_sids(db_url: str) -> dict[str, datetime]:
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(ContactAttempt.provider_sid, ContactAttempt.placed_at).where(
                    ContactAttempt.provider_sid.is_not(None)
                )
            ).all()
    finally:
        engine.dispose()
    return {sid: placed for sid, placed in rows if sid is not None and placed is not None}


@dataclass(frozen=True)
class Run:
    seen: list[Contact]  # what the emulator's logs show
    where: Places  # number -> (country, zone), from the test's portfolio
    refs: Places  # debt ref -> (country, zone)
    workdir: Path
    stdout: str
    ended: datetime  # the simulated time when the logs were read

    @property
    def dispatching(self) -> datetime:
        """The simulated time the scheduler and worker were running (the live view's first line)."""
        found = re.search(r"\[\s*0s\] simulated clock (\S+ \S+) UTC", self.stdout)
        assert found, self.stdout[-2000:]
        return datetime.fromisoformat(found.group(1)).replace(tzinfo=UTC)


def _run_demo(rehearsal: Rehearsal, tmp_path: Path) -> Run:
    cases = tmp_path / "cases.csv"
    where, refs = _portfolio(cases)
    epoch = SystemClock().now()
    clock_env = {
        "DIALER_CLOCK_START": rehearsal.start.isoformat(),
        "DIALER_CLOCK_EPOCH": epoch.isoformat(),
    }
    env = {k: v for k, v in os.environ.items() if k not in ("TWILIO_API_BASE", "DATABASE_URL")}
    workdir = tmp_path / "demo"
    with emulator_process(extra_args=("--speed", "4", "--cps", "10"), env=clock_env) as emu:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "dialer",
                "demo",
                "--at",
                rehearsal.start.isoformat(),
                "--cases",
                str(cases),
                "--duration",
                str(rehearsal.duration),
                "--cps",
                "10",
                "--workdir",
                str(workdir),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            env={
                **env,
                "TWILIO_API_BASE": emu.base_url,
                "DIALER_CLOCK_EPOCH": epoch.isoformat(),
            },
            check=False,
        )
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        seen = _provider_log(emu.base_url, emu.account_sid, emu.auth_token)
        ended = rehearsal.start + (SystemClock().now() - epoch)
    for contact in seen:
        assert contact.to in where, f"the emulator saw a contact to a stranger: {contact}"
    return Run(seen, where, refs, workdir, proc.stdout, ended)


@pytest.mark.parametrize("name", list(REHEARSALS))
def test_a_rehearsal_contacts_nobody_outside_their_hours_on_the_simulated_clock(
    name: str, tmp_path: Path
) -> None:
    rehearsal = REHEARSALS[name]
    run = _run_demo(rehearsal, tmp_path)
    assert re.search(
        r"re-audit: [1-9]\d* contacts from the provider's log, 0 violation", run.stdout
    )
    assert "simulated clock" in run.stdout
    assert "Simulated clock at the start" in (run.workdir / "report.html").read_text("utf-8")
    _nobody_outside_their_hours(run)
    _contact_follows_the_edge(run, rehearsal)
    _times_on_the_simulated_clock(run, rehearsal)


def _nobody_outside_their_hours(run: Run) -> None:
    for contact in run.seen:
        country, zone = run.where[contact.to]
        opens, closes = HOURS[country]
        local = contact.at.astimezone(zone)
        assert opens <= local.time() < closes, f"{contact.channel} at {local} ({zone.key})"


def _contact_follows_the_edge(run: Run, rehearsal: Rehearsal) -> None:
    """E.g. from 07:59:20 New York: none there before 08:00, some within a minute after.

    How long the set-up takes depends on the machine's load: when the processes came up after
    the edge, contact there must begin within a minute of their start instead.
    """
    zone = rehearsal.edge.tzinfo
    at_edge = sorted(c.at for c in run.seen if run.where[c.to][1] is zone)
    if not rehearsal.opens:
        _nothing_starts_before_closing(run, rehearsal, at_edge)
        return
    assert at_edge, f"no contact in {zone} at all: {run.stdout[-1500:]}"
    began = max(rehearsal.edge, run.dispatching)
    assert rehearsal.edge <= at_edge[0] < began + timedelta(seconds=60)


def _nothing_starts_before_closing(run: Run, rehearsal: Rehearsal, at_edge: list[datetime]) -> None:
    """Minutes before closing the zone gets nothing; its debts wait for the next opening."""
    assert at_edge == [], f"contacted in {rehearsal.edge.tzinfo} at {at_edge}"
    assert run.seen, "nobody was contacted anywhere"
    zone = rehearsal.edge.tzinfo
    morning = datetime.combine(rehearsal.edge.date() + timedelta(days=1), time(8), zone)
    refs = {ref for ref, (_, where) in run.refs.items() if where is zone}
    waiting = _next_contacts(f"sqlite:///{run.workdir / 'demo.sqlite3'}")
    assert refs
    assert {waiting[ref] for ref in refs} == {morning}


def _times_on_the_simulated_clock(run: Run, rehearsal: Rehearsal) -> None:
    low, high = rehearsal.start - SLACK, run.ended + SLACK
    for contact in run.seen:
        for stamp in contact.times:
            assert low <= stamp <= high, f"emulator time {stamp} outside {low} - {high}"
    db_url = f"sqlite:///{run.workdir / 'demo.sqlite3'}"
    for column, values in _record_times(db_url).items():
        for value in values:
            assert low <= value <= high, f"{column} {value} outside {low} - {high}"
    placed = _attempt_sids(db_url)
    created = {c.sid: c.at for c in run.seen}
    assert set(placed) & set(created), "no attempt of the case record is in the emulator's log"
    for sid, when in placed.items():
        if sid in created:
            assert abs(when - created[sid]) <= SLACK, f"{sid}: placed {when}, {created[sid]}"
