"""Ask the compliance engine about one contact for one case, reading facts from the case record.

Used by the console (why not now, lawful callback times, manual calls) and the limits preview.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from dialer.cases.decisions import decide, load_case_view, proposal
from dialer.compliance import AdminLimits, Decision, RulePacks
from dialer.compliance.zones import candidate_zones
from dialer.db.models import Consumer, Debt, Phone
from dialer.errors import NotFoundError
from dialer.vocabulary import Channel, ContactMode, PhoneStatus


def check_contact(
    session: Session,
    *,
    debt: Debt,
    at: datetime,
    packs: RulePacks,
    channel: Channel = Channel.CALL,
    to: str | None = None,
    mode: ContactMode = ContactMode.AUTOMATED,
    limits: AdminLimits | None = None,
    later: Sequence[datetime] | None = None,
    callback: bool = False,
) -> Decision:
    """The engine's decision for contacting the debt's consumer at `at`, through the one
    decision path (`dialer.cases.decisions`: person-level rules and the default limits included;
    pass `limits` to try others), lawful through the span dispatch requires or through the
    `later` instants given. `callback`: the call the consumer asked for."""
    number = to or primary_number(session, consumer_id=debt.consumer_id)
    if number is None:
        raise NotFoundError(f"case {debt.external_ref} has no phone number")
    view = load_case_view(
        session,
        consumer_id=debt.consumer_id,
        debt_id=debt.id,
        campaign_id=debt.campaign_id,
        jurisdiction=debt.jurisdiction,
        at=at,
        limits=limits,
    )
    proposed = proposal(
        at=at, channel=channel, to=number, debt_ids=(debt.id,), mode=mode, callback=callback
    )
    return decide(view, proposed, packs=packs, later=later)


def primary_number(session: Session, *, consumer_id: int) -> str | None:
    """The first valid phone in the consumer's order of preference."""
    return session.scalars(
        select(Phone.e164)
        .where(Phone.consumer_id == consumer_id, Phone.status == PhoneStatus.VALID.value)
        .order_by(Phone.position, Phone.id)
        .limit(1)
    ).first()


def consumer_zone(session: Session, *, consumer_id: int) -> ZoneInfo:
    """The zone a consumer's stated local time is read in: the confirmed one, else the most
    likely candidate (the engine still checks every candidate zone)."""
    consumer = session.get(Consumer, consumer_id)
    if consumer is None:
        raise NotFoundError(f"consumer {consumer_id} does not exist")
    numbers = tuple(
        session.scalars(select(Phone.e164).where(Phone.consumer_id == consumer_id)).all()
    )
    state = consumer.state.split("-", 1)[-1] if consumer.state else None
    for candidate in candidate_zones(
        consumer.country, state, consumer.postal_code, consumer.confirmed_timezone, numbers
    ):
        try:
            return ZoneInfo(candidate.zone)
        except (KeyError, ValueError):
            continue
    return ZoneInfo("America/New_York" if consumer.country == "US" else "Asia/Shanghai")
