"""A callback the consumer asks for: only a lawful local time is accepted (checked with the
engine as the consented callback, mode agent), else the refusal names the next lawful time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from dialer.cases.contact_check import check_contact, consumer_zone
from dialer.compliance import RulePacks
from dialer.db.models import ContactAttempt, Debt, Disposition
from dialer.errors import InputError
from dialer.vocabulary import Channel, ContactMode


def schedule_callback(
    session: Session,
    *,
    debt: Debt,
    attempt: ContactAttempt | None,
    callback_local: datetime | None,
    disposition: Disposition,
    now: datetime,
    packs: RulePacks,
) -> str:
    """The callback the consumer asked for, at a local time that must be lawful for a call then
    (checked with the engine as the consented callback); the summary for the timeline."""
    if callback_local is None:
        raise InputError("a callback needs a local date and time")
    zone = consumer_zone(session, consumer_id=debt.consumer_id)
    at = callback_local.replace(tzinfo=zone).astimezone(UTC)
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
    return f"Callback requested for {callback_local:%Y-%m-%d %H:%M} ({zone.key})"


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
