"""The one decision path: every question "may we contact this person now?" is asked here.

Dispatch (through `dialer.dispatch.choose`), the manual call and callback checks
(`contact_check`), "why not now" (`explain`: CLI, case page, API), the nightly re-audit and the
demo's re-audit all read the case the same way: the consumer's facts with every per-debt flag,
the history of every contact with the person (each recorded against every debt it covered,
with its mode and whether it was the consented callback), and the admin limits in force with
the deployment's defaults under them. Each decision is for the contact's whole lawful span
(`choose.instants_to_check`), as dispatch decides it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from dialer.admin.contact_limits import current_limits
from dialer.cases.facts import (
    HISTORY_DAYS,
    debt_key,
    load_consumer_facts_with_phones,
    load_history,
)
from dialer.compliance import (
    AdminLimits,
    ConsumerFacts,
    Decision,
    HistoryEntry,
    ProposedContact,
    RulePacks,
    evaluate_through,
)
from dialer.db.models import Phone
from dialer.vocabulary import Channel, ContactMode


@dataclass(frozen=True)
class CaseView:
    """What the engine is told about one person, as dispatch loads it."""

    facts: ConsumerFacts
    history: list[HistoryEntry]
    limits: AdminLimits
    phones: list[Phone]

    @property
    def sms_capable(self) -> dict[str, bool]:
        return {p.e164: p.sms_capable for p in self.phones}


def load_case_view(
    session: Session,
    *,
    consumer_id: int,
    debt_id: int | None,
    campaign_id: int | None,
    jurisdiction: str | None,
    at: datetime,
    before: datetime | None = None,
    limits: AdminLimits | None = None,
) -> CaseView:
    """Facts, history and limits for a question about `at`. `before`: only contacts strictly
    before it, with the limits then in force (re-audits)."""
    facts, phones = load_consumer_facts_with_phones(session, consumer_id, debt_id=debt_id)
    since = at - timedelta(days=HISTORY_DAYS)
    history = load_history(session, consumer_id, since=since, until=before)
    if before is not None:
        history = [entry for entry in history if entry.at < before]
    if limits is None:
        limits = current_limits(session, campaign_id=campaign_id, state=jurisdiction, as_of=before)
    return CaseView(facts, history, limits, phones)


def proposal(
    *,
    at: datetime,
    channel: Channel,
    to: str,
    debt_ids: Sequence[int | None],
    mode: ContactMode = ContactMode.AUTOMATED,
    callback: bool = False,
) -> ProposedContact:
    return ProposedContact(
        at=at,
        channel=channel,
        to=to,
        mode=mode,
        debts=tuple(debt_key(debt_id) for debt_id in debt_ids) or (debt_key(None),),
        callback=callback,
    )


def decide(
    view: CaseView,
    proposed: ProposedContact,
    *,
    packs: RulePacks,
    later: Sequence[datetime] | None = None,
) -> Decision:
    """The engine's decision for `proposed`, lawful through the span dispatch requires
    (or through `later`, when given)."""
    # imported here: the dispatch package imports this module while it loads
    from dialer.dispatch.choose import instants_to_check

    instants = instants_to_check(proposed.at, proposed.channel) if later is None else later
    return evaluate_through(
        view.facts, view.history, proposed, instants, limits=view.limits, packs=packs
    )
