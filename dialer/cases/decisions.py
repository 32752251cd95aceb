"""The one decision path: every question "may we contact this person now?" is asked here.

Dispatch (through `dialer.dispatch.choose`), the manual call and callback checks
(`contact_check`), "why not now" (`why_not_now`: CLI, case page, API), the nightly re-audit and
the demo's re-audit all read the case the same way: the consumer's facts with every per-debt
flag, the history of every contact with the person (each recorded against every debt it
covered, with its mode and whether it was the consented callback), and the admin limits in
force with the deployment's defaults under them. Each decision is for the contact's whole
lawful span (`choose.instants_to_check`), as dispatch decides it. A contact with the person
(or to the number) still in flight blocks the next one: dispatch waits for it and "why not
now" says which (`with_contact_in_flight`, reason `contact_in_flight`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

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
    Reason,
    ReasonCode,
    RulePacks,
    evaluate_through,
)
from dialer.db.models import Phone
from dialer.vocabulary import Channel, ContactMode

if TYPE_CHECKING:
    from dialer.dispatch.person import InFlight

IN_FLIGHT_RULE = "person.one_contact_in_flight"
IN_FLIGHT_CITATION = (
    "15 U.S.C. 1692d(5) (no telephone made to ring repeatedly or continuously); the dialer's "
    "person-level rule: one contact in flight per person and per number"
)


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


def in_flight_reason(found: InFlight) -> Reason:
    """Why nothing more is sent while `found` is in flight (dispatch and "why not now")."""
    placed = found.placed_at.isoformat(timespec="seconds").replace("+00:00", "Z")
    whose = "with this person" if found.is_same_person else "to this number (another file)"
    what = "call" if found.channel == Channel.CALL.value else "text"
    message = (
        f"a {what} {whose} is still in flight: {found.channel} to {found.to_number or '?'}, "
        f"placed {placed} (attempt {found.attempt_id}); one contact at a time, so the next "
        "waits until it has ended"
    )
    return Reason(ReasonCode.CONTACT_IN_FLIGHT, IN_FLIGHT_RULE, IN_FLIGHT_CITATION, message)


def with_contact_in_flight(decision: Decision, found: InFlight | None) -> Decision:
    """The decision once a contact in flight is counted: blocked, the in-flight reason first
    (the engine's own reasons kept, and its next lawful time when it blocked too)."""
    if found is None:
        return decision
    return replace(
        decision,
        allowed=False,
        reasons=(in_flight_reason(found), *decision.reasons),
        next_allowed_at=None if decision.allowed else decision.next_allowed_at,
    )


def contact_in_flight_now(
    session: Session, *, consumer_id: int, numbers: Sequence[str] = ()
) -> InFlight | None:
    """The contact in flight with the person (or to one of `numbers`), as dispatch sees it."""
    # imported here: the dispatch package imports this module while it loads
    from dialer.dispatch.person import in_flight_with

    return in_flight_with(session, consumer_id=consumer_id, numbers=numbers)
