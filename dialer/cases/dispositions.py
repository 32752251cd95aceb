"""Recording what an agent concluded, and its effect on the case record and the engine.

promise to pay -> promises_to_pay row, contact paused until after the date;
paid -> stage resolved, nothing more due; dispute -> dispute_pending flag on the debt (the
engine blocks); wrong number -> phone marked wrong_party; callback -> only a lawful local
time is accepted (checked with the engine); cease -> cease_communication flag (the engine
blocks everything); no calls at work -> workplace_prohibited flag (the engine blocks calls and
texts to the consumer's work numbers); refused and notes are recorded. Each writes a timeline
event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from dialer.campaigns.definition import CampaignDefinition
from dialer.campaigns.planner import promise_resumes_at
from dialer.cases.contact_check import check_contact, consumer_zone
from dialer.cases.flags import record_flag
from dialer.cases.record import add_audit_entry, add_case_event
from dialer.compliance import RulePacks
from dialer.db.models import (
    Campaign,
    ContactAttempt,
    Debt,
    Disposition,
    Phone,
    PromiseToPay,
)
from dialer.errors import InputError, NotFoundError
from dialer.vocabulary import Channel, ConsumerFlag, ContactMode, DebtStage, PhoneStatus


class DispositionCode(StrEnum):
    PROMISE_TO_PAY = "promise_to_pay"
    PAID = "paid"
    DISPUTE = "dispute"
    WRONG_NUMBER = "wrong_number"
    CALLBACK = "callback"
    CEASE_REQUEST = "cease_request"
    NO_CALLS_AT_WORK = "no_calls_at_work"
    REFUSED = "refused"
    NOTE = "note"


# Dispositions that flag the consumer (a dispute: the debt only): the flag and the summary.
_FLAGGING: dict[DispositionCode, tuple[ConsumerFlag, str]] = {
    DispositionCode.DISPUTE: (
        ConsumerFlag.DISPUTE_PENDING,
        "Debt disputed: contact about this debt stops until the dispute is resolved",
    ),
    DispositionCode.CEASE_REQUEST: (
        ConsumerFlag.CEASE_COMMUNICATION,
        "Consumer asked us to cease communication: all contact stops",
    ),
    DispositionCode.NO_CALLS_AT_WORK: (
        ConsumerFlag.WORKPLACE_PROHIBITED,
        "Employer prohibits contact at work: no calls or texts to work numbers",
    ),
}


@dataclass(frozen=True, slots=True)
class DispositionInput:
    code: DispositionCode
    notes: str | None = None
    amount: Decimal | None = None
    promised_date: date | None = None
    callback_local: datetime | None = None  # naive: the consumer's local wall-clock time
    phone_id: int | None = None  # wrong number: which phone (default: the attempt's)


@dataclass(frozen=True, slots=True)
class Recorded:
    disposition: Disposition
    summary: str


def record_disposition(
    session: Session,
    *,
    debt_id: int,
    entry: DispositionInput,
    now: datetime,
    actor: str,
    agent_id: int | None,
    packs: RulePacks,
    attempt_id: int | None = None,
) -> Recorded:
    """Apply one disposition; raises InputError (nothing written) when it is not acceptable."""
    debt = session.get(Debt, debt_id)
    if debt is None:
        raise NotFoundError(f"no case with id {debt_id}")
    attempt = _attempt(session, attempt_id, debt)
    disposition = Disposition(
        debt_id=debt.id,
        attempt_id=attempt_id,
        agent_id=agent_id,
        code=entry.code.value,
        notes=(entry.notes or "").strip() or None,
        created_at=now,
    )
    session.add(disposition)
    session.flush()
    summary = _apply(
        session,
        debt=debt,
        attempt=attempt,
        entry=entry,
        disposition=disposition,
        now=now,
        actor=actor,
        packs=packs,
    )
    if attempt is not None:
        attempt.disposition = entry.code.value
    debt.updated_at = now
    add_case_event(
        session,
        consumer_id=debt.consumer_id,
        debt_id=debt.id,
        attempt_id=attempt_id,
        at=now,
        kind=f"disposition.{entry.code.value}",
        summary=summary,
        actor=actor,
        detail={"disposition_id": disposition.id, "notes": disposition.notes},
    )
    return Recorded(disposition=disposition, summary=summary)


def _apply(  # noqa: PLR0911 - one branch per disposition code reads best
    session: Session,
    *,
    debt: Debt,
    attempt: ContactAttempt | None,
    entry: DispositionInput,
    disposition: Disposition,
    now: datetime,
    actor: str,
    packs: RulePacks,
) -> str:
    code = entry.code
    if code is DispositionCode.PROMISE_TO_PAY:
        return _promise(session, debt=debt, entry=entry, disposition=disposition, now=now)
    if code is DispositionCode.PAID:
        _set_stage(session, debt=debt, stage=DebtStage.RESOLVED, now=now, actor=actor)
        return "Paid in full: case resolved, no further contact"
    flagged = _FLAGGING.get(code)
    if flagged is not None:
        flag, summary = flagged
        source, reason = f"agent:{actor}", "agent disposition"
        record_flag(
            session, debt=debt, flag=flag, now=now, actor=actor, source=source, reason=reason
        )
        return summary
    if code is DispositionCode.WRONG_NUMBER:
        return _wrong_number(session, debt=debt, attempt=attempt, entry=entry, now=now, actor=actor)
    if code is DispositionCode.CALLBACK:
        return _callback(
            session,
            debt=debt,
            attempt=attempt,
            entry=entry,
            disposition=disposition,
            now=now,
            packs=packs,
        )
    if code is DispositionCode.REFUSED:
        return "Consumer refused to pay"
    return "Note"


def _promise(
    session: Session,
    *,
    debt: Debt,
    entry: DispositionInput,
    disposition: Disposition,
    now: datetime,
) -> str:
    amount, due = entry.amount, entry.promised_date
    if amount is None or due is None:
        raise InputError("a promise to pay needs an amount and a date")
    try:
        amount = Decimal(amount).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise InputError(f"amount {entry.amount!r} is not a number") from None
    if amount <= 0:
        raise InputError("the promised amount must be more than 0")
    if amount > debt.balance:
        raise InputError(f"the promised amount is more than the balance {debt.balance}")
    if due < now.date():
        raise InputError(f"the promised date {due.isoformat()} is in the past")
    session.add(
        PromiseToPay(
            debt_id=debt.id,
            disposition_id=disposition.id,
            amount=amount,
            currency=debt.currency,
            due_date=due,
            status="open",
            created_at=now,
        )
    )
    # Leave the consumer alone until the day after the promised date plus the campaign's grace
    # (the planner holds it there whatever replans the debt: see campaigns.planner).
    debt.next_contact_at = _promise_resumes(session, debt, due)
    return f"Promise to pay {debt.currency} {amount} by {due.isoformat()}"


def _promise_resumes(session: Session, debt: Debt, due: date) -> datetime:
    campaign = session.get(Campaign, debt.campaign_id) if debt.campaign_id else None
    if campaign is None:
        return datetime.combine(due + timedelta(days=1), time(12), tzinfo=UTC)
    return promise_resumes_at(due, CampaignDefinition.model_validate(campaign.definition))


def _set_stage(
    session: Session, *, debt: Debt, stage: DebtStage, now: datetime, actor: str
) -> None:
    before = {"stage": debt.stage, "next_contact_at": _iso(debt.next_contact_at)}
    debt.stage = stage.value
    debt.next_contact_at = None
    add_audit_entry(
        session,
        at=now,
        actor=actor,
        action="case.stage",
        entity="debt",
        entity_id=str(debt.id),
        before=before,
        after={"stage": stage.value, "next_contact_at": None},
        reason="agent disposition",
    )


def _wrong_number(
    session: Session,
    *,
    debt: Debt,
    attempt: ContactAttempt | None,
    entry: DispositionInput,
    now: datetime,
    actor: str,
) -> str:
    phone_id = entry.phone_id or (attempt.phone_id if attempt is not None else None)
    phone = None
    if phone_id is not None:
        phone = session.get(Phone, phone_id)
    elif attempt is not None and attempt.to_number:
        phone = session.scalars(
            select(Phone).where(
                Phone.consumer_id == debt.consumer_id, Phone.e164 == attempt.to_number
            )
        ).first()
    if phone is None or phone.consumer_id != debt.consumer_id:
        raise InputError("choose which of the consumer's numbers is wrong")
    before = {"status": phone.status}
    phone.status = PhoneStatus.WRONG_PARTY.value
    phone.status_reason = f"wrong number (agent {actor})"
    add_audit_entry(
        session,
        at=now,
        actor=actor,
        action="phone.status",
        entity="phone",
        entity_id=str(phone.id),
        before=before,
        after={"status": phone.status},
        reason="agent disposition",
    )
    return f"Wrong number: {mask(phone.e164)} will not be called again"


def _callback(
    session: Session,
    *,
    debt: Debt,
    attempt: ContactAttempt | None,
    entry: DispositionInput,
    disposition: Disposition,
    now: datetime,
    packs: RulePacks,
) -> str:
    if entry.callback_local is None:
        raise InputError("a callback needs a local date and time")
    zone = consumer_zone(session, consumer_id=debt.consumer_id)
    at = entry.callback_local.replace(tzinfo=zone).astimezone(UTC)
    to = attempt.to_number if attempt is not None else None
    if at <= now:
        hint = _next_lawful(session, debt=debt, at=now, to=to, packs=packs, zone=zone)
        raise InputError(f"the callback time is in the past.{hint}")
    decision = check_contact(
        session,
        debt=debt,
        at=at,
        packs=packs,
        mode=ContactMode.AGENT,
        channel=Channel.CALL,
        to=to,
        callback=True,
    )
    if not decision.allowed:
        reasons = "; ".join(r.message for r in decision.reasons)
        hint = ""
        if decision.next_allowed_at is not None:
            local = decision.next_allowed_at.astimezone(zone)
            hint = f" The next lawful time is {local:%Y-%m-%d %H:%M}."
        raise InputError(f"that callback time is not lawful: {reasons}.{hint}")
    if attempt is not None:
        attempt.callback_requested = True  # the consumer asked, for this time
        attempt.callback_at = at
    debt.callback_at = at  # the planner places exactly this call then (through an agent)
    debt.next_contact_at = at
    disposition.callback_at = at
    return f"Callback requested for {entry.callback_local:%Y-%m-%d %H:%M} ({zone.key})"


def _next_lawful(
    session: Session, *, debt: Debt, at: datetime, to: str | None, packs: RulePacks, zone: ZoneInfo
) -> str:
    """ " The next lawful time is ..." for a callback from `at` on, or nothing."""
    decision = check_contact(
        session,
        debt=debt,
        at=at + timedelta(minutes=5),
        packs=packs,
        mode=ContactMode.AGENT,
        channel=Channel.CALL,
        to=to,
        callback=True,
    )
    moment = at + timedelta(minutes=5) if decision.allowed else decision.next_allowed_at
    if moment is None:
        return ""
    return f" The next lawful time is {moment.astimezone(zone):%Y-%m-%d %H:%M}."


def _attempt(session: Session, attempt_id: int | None, debt: Debt) -> ContactAttempt | None:
    if attempt_id is None:
        return None
    attempt = session.get(ContactAttempt, attempt_id)
    if attempt is None or attempt.consumer_id != debt.consumer_id:
        raise InputError("that call is not about this case")
    return attempt


def mask(number: str) -> str:
    """A phone number as shown in timelines and logs: country code and last two digits."""
    return number[:2] + "•" * max(0, len(number) - 4) + number[-2:]


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
