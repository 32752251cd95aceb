"""explain_case: would a contact about this case be lawful at `at`, and if not, why and when?

The one decision path dispatch uses (`dialer.cases.decisions`: the same facts, history, limits with
their defaults, and the contact's whole lawful span); for `dialer compliance explain`, the case
page and the API.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dialer.cases.decisions import (
    contact_in_flight_now,
    decide,
    load_debt_view,
    proposal,
    with_contact_in_flight,
)
from dialer.compliance import Decision
from dialer.compliance.packs import RulePacks
from dialer.db.models import Consumer, Debt
from dialer.dispatch.choose import usable_phones
from dialer.errors import NotFoundError
from dialer.vocabulary import Channel, ContactMode


def find_debt(session: Session, case_ref: str) -> Debt:
    """A debt by its external reference, or the first debt of a consumer by theirs."""
    debt = session.scalar(select(Debt).where(Debt.external_ref == case_ref))
    if debt is None:
        debt = session.scalar(
            select(Debt)
            .join(Consumer, Consumer.id == Debt.consumer_id)
            .where(Consumer.external_ref == case_ref)
            .order_by(Debt.id)
            .limit(1)
        )
    if debt is None:
        raise NotFoundError(f"no case (debt or consumer reference) {case_ref!r}")
    return debt


def explain_case(
    session: Session,
    *,
    case_ref: str,
    channel: Channel,
    at: datetime,
    packs: RulePacks,
    mode: ContactMode = ContactMode.AUTOMATED,
    callback: bool = False,
) -> Decision:
    """The decision for the first usable phone that is allowed, else the soonest-clearing block
    (with no usable phone, the decision for the consumer's first number says why); blocked,
    saying which and since when, while a contact with the person or to one of those numbers
    is in flight (dispatch waits for it too). `callback`: the consented callback the consumer
    asked for (as the worker proposes it when it is due)."""
    debt = find_debt(session, case_ref)
    view = load_debt_view(session, debt, at=at, before=at)
    phones = usable_phones(view.facts, channel, sms_capable=view.sms_capable)
    phones = phones or list(view.facts.phones)
    if not phones:
        raise NotFoundError(f"case {case_ref!r} has no phone number")
    decisions = [
        decide(
            view,
            proposal(
                at=at,
                channel=channel,
                to=p.number,
                debt_ids=(debt.id,),
                mode=mode,
                callback=callback,
            ),
            packs=packs,
        )
        for p in phones
    ]
    found = contact_in_flight_now(
        session, consumer_id=debt.consumer_id, numbers=[p.number for p in phones]
    )
    return with_contact_in_flight(_best(decisions, at), found)


def _best(decisions: list[Decision], at: datetime) -> Decision:
    """The first allowed decision, else the soonest-clearing block."""
    allowed = [d for d in decisions if d.allowed]
    if allowed:
        return allowed[0]
    timed = [d for d in decisions if d.next_allowed_at is not None]
    return min(timed, key=lambda d: d.next_allowed_at or at) if timed else decisions[0]
