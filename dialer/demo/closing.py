"""The end of `dialer demo`: calls in flight settle, the provider's log is re-audited
independently, and the summary is printed."""

from __future__ import annotations

import contextlib
import time
from datetime import datetime
from pathlib import Path

import requests
from sqlalchemy.orm import Session, sessionmaker

from config.settings import load_settings
from dialer.admin.contact_limits import current_limits
from dialer.audit.demo import AuditResult, provider_log, reaudit
from dialer.audit.person import (
    audit_people,
    automated_sids,
    contactable_people,
    people_by_number,
)
from dialer.bootstrap import build_rule_packs, build_telephony
from dialer.demo.live import progress_line
from dialer.demo.snapshot import Snapshot

AUDIT_TIMEOUT_SECONDS = 30.0  # reading the whole call and message logs back after the run


def say(text: str) -> None:
    print(text, flush=True)  # noqa: T201 - the demo talks to its user on stdout


def settle(api_base: str) -> None:
    """Let calls in flight finish and their callbacks land (bounded)."""
    with contextlib.suppress(requests.RequestException):
        requests.get(f"{api_base}/_emulator/idle", params={"timeout": 15}, timeout=20)
    time.sleep(1.0)


def call_creates(api_base: str) -> list[float]:
    """When the emulator saw each call created (seconds), for the pacing figure."""
    try:
        stats = requests.get(f"{api_base}/_emulator/stats", timeout=10).json()
    except (requests.RequestException, ValueError):
        return []
    return sorted(float(x) for x in stats.get("call_creates", []))


def audit_run(
    sessions: sessionmaker[Session], *, env: dict[str, str], api_base: str, started_at: datetime
) -> AuditResult:
    """The independent re-audit: every contact in the provider's log checked again, and the
    person-level figures (contacts per person per hour, calls in flight at once)."""
    settings = load_settings(  # the emulator the demo's processes talk to
        TWILIO_ACCOUNT_SID=env["TWILIO_ACCOUNT_SID"],
        TWILIO_AUTH_TOKEN=env["TWILIO_AUTH_TOKEN"],
        TWILIO_API_BASE=api_base,
        DIALER_TWILIO_TIMEOUT=AUDIT_TIMEOUT_SECONDS,
        # the rehearsal clock as the children have it (the caller may have set only the epoch)
        DIALER_CLOCK_START=env.get("DIALER_CLOCK_START"),
        DIALER_CLOCK_EPOCH=env.get("DIALER_CLOCK_EPOCH"),
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


def summarise(snap: Snapshot, audit: AuditResult, path: Path) -> None:
    """The closing lines on stdout: totals, zones, the re-audit and where the report is."""
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
