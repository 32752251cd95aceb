"""explain_case: would a contact about this case be lawful at `at`, and if not, why and when?

The same facts, history and limits the dispatcher uses; for `dialer compliance explain`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from dialer.case_facts import HISTORY_DAYS, debt_key, load_consumer_facts, load_history
from dialer.compliance import Decision, ProposedContact, evaluate
from dialer.compliance.packs import RulePacks
from dialer.db.models import Consumer, Debt, Phone
from dialer.dispatch.choose import usable_phones
from dialer.errors import NotFoundError
from dialer.limits import current_limits
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
) -> Decision:
    """The decision for the first usable phone that is allowed, else the soonest-clearing block
    (with no usable phone, the decision for the consumer's first number says why)."""
    debt = find_debt(session, case_ref)
    facts = load_consumer_facts(session, debt.consumer_id, debt_id=debt.id)
    history = list(
        load_history(session, debt.consumer_id, since=at - timedelta(days=HISTORY_DAYS), until=at)
    )
    limits = current_limits(session, campaign_id=debt.campaign_id, state=debt.jurisdiction)
    capable = {
        p.e164: p.sms_capable
        for p in session.scalars(select(Phone).where(Phone.consumer_id == debt.consumer_id))
    }
    phones = usable_phones(facts, channel, sms_capable=capable) or list(facts.phones)
    if not phones:
        raise NotFoundError(f"case {case_ref!r} has no phone number")
    decisions = [
        evaluate(
            facts,
            history,
            ProposedContact(
                at=at, channel=channel, to=p.number, mode=mode, debts=(debt_key(debt.id),)
            ),
            limits=limits,
            packs=packs,
        )
        for p in phones
    ]
    allowed = [d for d in decisions if d.allowed]
    if allowed:
        return allowed[0]
    timed = [d for d in decisions if d.next_allowed_at is not None]
    return min(timed, key=lambda d: d.next_allowed_at or at) if timed else decisions[0]
