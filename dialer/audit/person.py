"""The person-level audit of what the provider saw: the person is the unit.

From the provider's own Calls and Messages logs (not our database), each contact that reached
the person (a failed text or call did not: the engine does not count them either) is given to
the person(s) whose file holds the number; the record is used only to say who is who and
which calls were the consented callback or an agent's. Reported per run: the largest number of
contacts with one person in any hour, the most calls in flight at once to one person (must
never be above 1), and every contact that breaks a person-level rule: two calls overlapping,
two automated contacts closer than the gap, an automated call within seven days after a
conversation with the person.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dialer.audit.demo import Seen, mask
from dialer.cases.decisions import decide, load_case_view, proposal
from dialer.compliance import RulePacks
from dialer.db.models import ContactAttempt, Debt, Phone
from dialer.dispatch.choose import usable_phones
from dialer.vocabulary import Channel, ContactMode

HOUR = timedelta(hours=1)
LOCKOUT = timedelta(days=7)


@dataclass
class PersonAudit:
    people_contacted: int = 0
    max_contacts_per_person_hour: int = 0
    max_calls_in_flight_per_person: int = 0
    violations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations and self.max_calls_in_flight_per_person <= 1


@dataclass(frozen=True)
class _Contact:
    seen: Seen
    automated: bool  # not an agent's call, not the consented callback

    @property
    def end(self) -> datetime:
        return self.seen.ended or self.seen.at


def people_by_number(session: Session) -> dict[str, set[int]]:
    """Every consumer whose file holds each number."""
    found: dict[str, set[int]] = defaultdict(set)
    for number, consumer_id in session.execute(select(Phone.e164, Phone.consumer_id)):
        found[number].add(consumer_id)
    return found


def automated_sids(session: Session, sids: Iterable[str]) -> set[str]:
    """The provider SIDs of automated contacts (not an agent's, not the consented callback)."""
    wanted = list(sids)
    found: set[str] = set()
    for chunk in range(0, len(wanted), 500):
        rows = session.execute(
            select(ContactAttempt.provider_sid, ContactAttempt.mode, ContactAttempt.callback).where(
                ContactAttempt.provider_sid.in_(wanted[chunk : chunk + 500])
            )
        )
        found |= {
            sid
            for sid, mode, callback in rows
            if sid is not None and mode == ContactMode.AUTOMATED and not callback
        }
    return found


def audit_people(
    seen: list[Seen], *, people: dict[str, set[int]], automated: set[str], gap_minutes: int | None
) -> PersonAudit:
    """The person-level figures and violations of the provider's contacts."""
    by_person: dict[int, list[_Contact]] = defaultdict(list)
    for item in (s for s in seen if s.reached):  # a failed text or call reached nobody
        for person in people.get(item.to, ()):
            by_person[person].append(_Contact(item, item.sid in automated))
    result = PersonAudit(people_contacted=len(by_person))
    gap = timedelta(minutes=gap_minutes) if gap_minutes else None
    for person, contacts in by_person.items():
        contacts.sort(key=lambda c: c.seen.at)
        result.max_contacts_per_person_hour = max(
            result.max_contacts_per_person_hour, _most_in_window(contacts, HOUR)
        )
        calls = [c for c in contacts if c.seen.channel is Channel.CALL]
        result.max_calls_in_flight_per_person = max(
            result.max_calls_in_flight_per_person, _most_at_once(calls)
        )
        result.violations += _breaches(person, contacts, calls, gap)
    return result


def _most_in_window(contacts: list[_Contact], width: timedelta) -> int:
    most, first = 0, 0
    for last, contact in enumerate(contacts):
        while contact.seen.at - contacts[first].seen.at >= width:
            first += 1
        most = max(most, last - first + 1)
    return most


def _most_at_once(calls: list[_Contact]) -> int:
    edges = sorted(
        [(c.seen.at, 1) for c in calls] + [(c.end, -1) for c in calls],
        key=lambda edge: (edge[0], edge[1]),  # an end before a start at the same instant
    )
    most = now = 0
    for _, step in edges:
        now += step
        most = max(most, now)
    return most


def _breaches(
    person: int, contacts: list[_Contact], calls: list[_Contact], gap: timedelta | None
) -> list[dict[str, Any]]:
    found = []
    busy_until: datetime | None = None  # the latest end of the calls started so far
    for call in calls:
        if busy_until is not None and call.seen.at < busy_until:
            found.append(_violation(person, call, "two calls to the person at once"))
        busy_until = call.end if busy_until is None else max(busy_until, call.end)
    automated = [c for c in contacts if c.automated]
    if gap is not None:
        for earlier, later in itertools.pairwise(automated):
            if later.seen.at - earlier.seen.at < gap:
                found.append(_violation(person, later, "within the gap after another contact"))
    spoken = [c.end for c in calls if c.seen.conversation]
    for call in calls:
        if call.automated and any(end <= call.seen.at < end + LOCKOUT for end in spoken):
            found.append(_violation(person, call, "automated call after a conversation"))
    return found


def _violation(person: int, contact: _Contact, why: str) -> dict[str, Any]:
    return {
        "person": person,
        "sid": contact.seen.sid,
        "channel": contact.seen.channel.value,
        "to": mask(contact.seen.to),
        "at": contact.seen.at.isoformat(),
        "reasons": [why],
    }


def contactable_people(session: Session, *, at: datetime, packs: RulePacks) -> int:
    """How many enrolled people the one decision path would have let us contact at `at` (by
    call or text, on any usable number): the base of the "at least half contacted" figure."""
    firsts = session.execute(
        select(Debt.consumer_id, func.min(Debt.id))
        .where(Debt.campaign_id.is_not(None))
        .group_by(Debt.consumer_id)
    ).all()
    count = 0
    for consumer_id, debt_id in firsts:
        debt = session.get(Debt, debt_id)
        assert debt is not None
        view = load_case_view(
            session,
            consumer_id=consumer_id,
            debt_id=debt_id,
            campaign_id=debt.campaign_id,
            jurisdiction=debt.jurisdiction,
            at=at,
            before=at,
        )
        if any(
            decide(view, proposal(at=at, channel=channel, to=p.number, debt_ids=(debt_id,)),
                   packs=packs).allowed
            for channel in (Channel.CALL, Channel.SMS)
            for p in usable_phones(view.facts, channel, sms_capable=view.sms_capable)
        ):  # fmt: skip
            count += 1
    return count
