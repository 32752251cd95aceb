"""The independent re-audit: every call and SMS the provider saw, judged again from the record.

The provider's own logs (listed with the official twilio client, pointed at the emulator) are
the source of truth for what was contacted and when. Each contact is matched to its attempt by
SID and evaluated again by the compliance engine with the consumer's facts as they stood at
that moment (flags, opt-outs and number status learned later are left out) and the history
strictly before it. A contact with no attempt in the record, or one the engine would block,
is a violation.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from dialer.cases.decisions import decide, load_case_view, proposal
from dialer.cases.facts import covered_debt_ids, debt_key, load_consumer_facts
from dialer.compliance import ConsumerFacts, PhoneFacts, RulePacks
from dialer.db.models import Consumer, ConsumerFlagRecord, ContactAttempt, OptOut, Phone
from dialer.telephony import Telephony
from dialer.vocabulary import Channel, ConsumerFlag, ContactMode, PhoneStatus

CHANGED_BY_OUTCOME = ("wrong_party", "failed")


@dataclass
class AuditResult:
    calls_seen: int = 0
    messages_seen: int = 0
    audited: int = 0
    skipped: int = 0  # agent legs and inbound messages: not contacts the dialer made
    violations: list[dict[str, Any]] = field(default_factory=list)
    # The person-level audit of the provider's logs (dialer.audit.person).
    people_contacted: int = 0
    people_contactable: int = 0  # lawfully contactable when the run started
    max_contacts_per_person_hour: int = 0
    max_calls_in_flight_per_person: int = 0

    @property
    def ok(self) -> bool:
        return not self.violations and self.max_calls_in_flight_per_person <= 1


@dataclass(frozen=True)
class Seen:
    sid: str
    channel: Channel
    to: str
    at: datetime
    ended: datetime | None = None  # a call: when it ended, by the provider's clock
    conversation: bool = False  # a call a person answered and spoke on
    reached: bool = True  # False: it never got to the person (a failed text, a failed call)


def provider_log(provider: Telephony) -> list[Seen]:
    """Outbound calls (not agent legs) and outbound messages the provider accepted, read from
    the provider's own Calls and Messages logs."""
    seen: list[Seen] = []
    for call in provider.call_log():
        if call.parent_call_sid is None and (call.direction or "outbound").startswith("outbound"):
            created = call.created_at or _never()
            ended = call.end_time or (
                (call.start_time or created) + timedelta(seconds=call.duration)
                if call.duration is not None
                else None
            )
            spoke = call.status == "completed" and call.answered_by in (None, "human", "unknown")
            spoke = spoke and bool(call.duration)
            reached = call.status not in ("failed", "canceled")
            seen.append(Seen(call.sid, Channel.CALL, call.to, created, ended, spoke, reached))
    for msg in provider.message_log():
        if (msg.direction or "outbound").startswith("outbound"):
            reached = msg.status != "failed"  # never sent (undelivered still counts)
            created = msg.created_at or _never()
            seen.append(Seen(msg.sid, Channel.SMS, msg.to, created, reached=reached))
    return seen


def _never() -> datetime:
    msg = "the provider returned a contact without date_created"
    raise ValueError(msg)


def reaudit(
    sessions: sessionmaker[Session], *, seen: list[Seen], packs: RulePacks, totals: AuditResult
) -> AuditResult:
    for item in seen:
        with sessions() as session:
            problem = _check(session, item, packs)
        totals.audited += 1
        if problem is not None:
            totals.violations.append(problem)
    return totals


def _check(session: Session, item: Seen, packs: RulePacks) -> dict[str, Any] | None:
    attempt = session.scalar(select(ContactAttempt).where(ContactAttempt.provider_sid == item.sid))
    base = {
        "sid": item.sid,
        "channel": item.channel.value,
        "to": mask(item.to),
        "at": item.at.isoformat(),
    }
    if attempt is None:
        return {**base, "reasons": ["no attempt in the case record"]}
    facts = facts_as_of(session, attempt=attempt, at=item.at)
    consumer = session.get(Consumer, attempt.consumer_id)
    view = load_case_view(  # the one decision path, with the history strictly before it
        session,
        consumer_id=attempt.consumer_id,
        debt_id=attempt.debt_id,
        campaign_id=attempt.campaign_id,
        jurisdiction=consumer.state if consumer else None,
        at=attempt.attempted_at,
        before=attempt.attempted_at,
    )
    proposed = proposal(
        at=item.at,
        channel=item.channel,
        to=item.to,
        debt_ids=covered_debt_ids(session, attempt),
        mode=ContactMode(attempt.mode),
        callback=attempt.callback,
    )
    decision = decide(replace(view, facts=facts), proposed, packs=packs, later=())
    if decision.allowed:
        return None
    return {**base, "reasons": list(decision.reason_codes), "attempt": attempt.id}


def facts_as_of(session: Session, *, attempt: ContactAttempt, at: datetime) -> ConsumerFacts:
    """The consumer's facts at `at`: later flags, opt-outs and number-status changes removed."""
    now = load_consumer_facts(session, attempt.consumer_id, debt_id=attempt.debt_id)
    flag_rows = session.scalars(
        select(ConsumerFlagRecord).where(ConsumerFlagRecord.consumer_id == attempt.consumer_id)
    ).all()
    flags = frozenset(
        ConsumerFlag(row.flag)
        for row in flag_rows
        if row.learned_at <= at
        and (row.cleared_at is None or row.cleared_at > at)
        and (row.debt_id is None or row.debt_id == attempt.debt_id)
    )
    debt_flags = frozenset(
        (debt_key(row.debt_id), ConsumerFlag(row.flag))
        for row in flag_rows
        if row.debt_id is not None
        and row.learned_at <= at
        and (row.cleared_at is None or row.cleared_at > at)
    )
    phones = {
        p.e164: p
        for p in session.scalars(select(Phone).where(Phone.consumer_id == attempt.consumer_id))
    }
    return replace(
        now,
        flags=flags,
        debt_flags=debt_flags,
        phones=tuple(
            _phone_as_of(session, facts_phone=p, row=phones.get(p.number), attempt=attempt, at=at)
            for p in now.phones
        ),
    )


def _phone_as_of(
    session: Session,
    *,
    facts_phone: PhoneFacts,
    row: Phone | None,
    attempt: ContactAttempt,
    at: datetime,
) -> PhoneFacts:
    if row is None:
        return facts_phone
    outs = session.scalars(select(OptOut).where(OptOut.phone_id == row.id)).all()
    active = {
        o.channel
        for o in outs
        if o.opted_out_at <= at and (o.revoked_at is None or o.revoked_at > at)
    }
    status = facts_phone.status
    if status is not PhoneStatus.VALID and _status_learned_later(session, row, attempt, at):
        status = PhoneStatus.VALID
    return replace(
        facts_phone,
        status=status,
        sms_opted_out=Channel.SMS.value in active,
        call_opted_out=Channel.CALL.value in active,
    )


def _status_learned_later(
    session: Session, row: Phone, attempt: ContactAttempt, at: datetime
) -> bool:
    """The number was marked wrong party or invalid only after this contact was decided.

    The phone's status has no timestamp of its own, so the moment it changed is the moment the
    outcome that changed it arrived: the ending of the first contact whose outcome or error
    says so (a contact's outcome is known when it ends, not when it was placed).
    """
    learned = func.coalesce(
        ContactAttempt.ended_at, ContactAttempt.updated_at, ContactAttempt.attempted_at
    )
    first = session.scalar(
        select(func.min(learned)).where(
            ContactAttempt.consumer_id == attempt.consumer_id,
            ContactAttempt.to_number == row.e164,
            (ContactAttempt.outcome.in_(CHANGED_BY_OUTCOME))
            | (ContactAttempt.error_code.is_not(None)),
        )
    )
    decided = attempt.reserved_at or attempt.attempted_at or at
    if first is None:
        return False  # no contact changed it: the status came with the case (import, agent)
    return bool(first >= decided)


def mask(number: str) -> str:
    """+16175550100 -> +1617***0100 (reports never show a full number)."""
    return number if len(number) < 9 else f"{number[:5]}***{number[-4:]}"
