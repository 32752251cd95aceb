"""One contact covers every debt of the person that is due and allowed on that channel.

The claimed debt decides the channel and the phone; each other debt of the consumer whose
campaign is due to contact on the same channel now is checked on its own (same phone, same
moment, its own caps and flags) and joins the contact if allowed; the final decision is the
engine's answer for the contact about all of them (allowed only if allowed for each). The
contact is written against each debt it covers (`attempt_debts`), so each debt's caps count
it and its outcome moves each on. A debt under a dispute or any flag of its own is left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dialer.campaigns.planner import IN_FLIGHT_RECHECK, PlanAction, plan_next_contact
from dialer.cases.decisions import decide, load_case_view, proposal
from dialer.cases.facts import debt_key
from dialer.compliance import (
    AdminLimits,
    ConsumerFacts,
    Decision,
    HistoryEntry,
    ProposedContact,
    RulePacks,
)
from dialer.db.models import AttemptDebt, Campaign, ContactAttempt, Debt
from dialer.dispatch.choose import decide_for
from dialer.vocabulary import CampaignStatus, Channel, ContactMode

MAX_COVERED = 10  # a person with more due debts gets the rest in the next contact


@dataclass
class Cover:
    """The debts one contact is about (the claimed debt first), each with its own step."""

    primary: Debt
    primary_step: int
    decision: Decision
    others: list[tuple[Debt, int]] = field(default_factory=list)

    @property
    def debts(self) -> list[Debt]:
        return [self.primary, *(debt for debt, _ in self.others)]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(debt_key(debt.id) for debt in self.debts)


def due_companions(
    session: Session, debt: Debt, *, now: datetime, lease_until: datetime | None
) -> list[Debt]:
    """The consumer's other debts due now in active campaigns, or claimed in the same batch
    (they carry the same lease). A debt another worker claimed that this contact covers is
    skipped by that worker (its lease no longer matches). Indexed by consumer; a few rows."""
    due = Debt.next_contact_at <= now
    if lease_until is not None:
        due = due | (Debt.next_contact_at == lease_until)
    return list(
        session.scalars(
            select(Debt)
            .join(Campaign, Campaign.id == Debt.campaign_id)
            .where(
                Debt.consumer_id == debt.consumer_id,
                Debt.id != debt.id,
                due,
                Campaign.status == CampaignStatus.ACTIVE.value,
            )
            .order_by(Debt.next_contact_at, Debt.id)
            .limit(MAX_COVERED)
        )
    )


def cover_with_companions(
    session: Session,
    cover: Cover,
    proposal: ProposedContact,
    *,
    facts: ConsumerFacts,
    history: list[HistoryEntry],
    limits: AdminLimits,
    packs: RulePacks,
    now: datetime,
    channel: Channel,
    lease_until: datetime | None = None,
    candidates: Sequence[Debt] | None = None,
) -> Cover:
    """Add every companion debt due on `channel` now and allowed on its own; the decision
    becomes the engine's answer for the contact about all of them. `candidates`: the debts to
    try instead of those due now (a preview's, when the agent dials it)."""
    flagged = {key for key, _ in facts.debt_flags}
    if candidates is None:
        candidates = due_companions(session, cover.primary, now=now, lease_until=lease_until)
    for other in candidates:
        if other.id == cover.primary.id or debt_key(other.id) in flagged:
            continue
        campaign = session.get(Campaign, other.campaign_id) if other.campaign_id else None
        if campaign is None:
            continue
        plan = plan_next_contact(session, debt=other, now=now, campaign=campaign)
        if plan.action is not PlanAction.CONTACT or plan.step is None or plan.callback:
            continue
        if (plan.step.channel or Channel.CALL) is not channel:
            continue
        alone = replace(proposal, debts=(debt_key(other.id),))
        if decide_for(facts, history, alone, limits=limits, packs=packs).allowed:
            cover.others.append((other, plan.step_index))
    if cover.others:
        together = replace(proposal, debts=cover.keys)
        decision = decide_for(facts, history, together, limits=limits, packs=packs)
        if decision.allowed:
            cover.decision = decision
        else:  # the debts together are over a shared limit: the claimed debt alone
            cover.others.clear()
    return cover


def record_cover(
    session: Session,
    cover: Cover,
    attempt: ContactAttempt,
    *,
    channel: Channel,
    now: datetime,
    callback: bool,
) -> None:
    """Write the contact against each debt it covers and take each out of the queue."""
    steps = [(cover.primary, cover.primary_step), *cover.others]
    names = ", ".join(debt.external_ref for debt, _ in steps)
    for debt, step_index in steps:
        session.add(AttemptDebt(attempt_id=attempt.id, debt_id=debt.id, step_index=step_index))
        # The contact's end replans every debt it covered (`attempt_debts`, one statement);
        # until then the others look again shortly, so none is left behind.
        debt.next_contact_at = None if debt is cover.primary else now + IN_FLIGHT_RECHECK
        if callback:
            debt.callback_at = None  # the call asked for is placed; it is not a step attempt
        else:
            debt.step_attempts += 1
        covered = f" (one contact about {names})" if len(steps) > 1 else ""
        debt.last_decision = f"allowed: {channel.value} reserved{covered}"
        debt.updated_at = now


def record_agent_cover(session: Session, cover: Cover, attempt: ContactAttempt) -> None:
    """An agent's call by hand (manual or from preview) is written against each debt it covers,
    so each debt's caps count it; not a campaign step attempt. Its end replans them all."""
    for debt, step_index in [(cover.primary, cover.primary_step), *cover.others]:
        session.add(AttemptDebt(attempt_id=attempt.id, debt_id=debt.id, step_index=step_index))


def covered_debts(session: Session, attempt_id: int) -> list[Debt]:
    """The debts an attempt was written against (`attempt_debts`), in id order."""
    return list(
        session.scalars(
            select(Debt)
            .join(AttemptDebt, AttemptDebt.debt_id == Debt.id)
            .where(AttemptDebt.attempt_id == attempt_id)
            .order_by(Debt.id)
        )
    )


def agent_call_cover(
    session: Session,
    *,
    debt: Debt,
    to: str,
    now: datetime,
    packs: RulePacks,
    candidates: Sequence[Debt] | None = None,
    callback: bool = False,
) -> Cover:
    """An agent's call about `debt` to `to` now (manual, or dialled from preview): the one
    decision path's answer for it (mode agent, lawful through the call's span) and, when
    allowed, every other debt of the person due on a call (or each of `candidates`) that is
    allowed too, so the call is about all of them. `callback`: the call the consumer asked for
    (the consented one), about its debt only."""
    view = load_case_view(
        session,
        consumer_id=debt.consumer_id,
        debt_id=debt.id,
        campaign_id=debt.campaign_id,
        jurisdiction=debt.jurisdiction,
        at=now,
    )
    proposed = proposal(
        at=now,
        channel=Channel.CALL,
        to=to,
        debt_ids=(debt.id,),
        mode=ContactMode.AGENT,
        callback=callback,
    )
    cover = Cover(debt, debt.step_index, decide(view, proposed, packs=packs))
    if not cover.decision.allowed or callback:  # the call asked for is about its debt only
        return cover
    return cover_with_companions(
        session,
        cover,
        proposed,
        facts=view.facts,
        history=view.history,
        limits=view.limits,
        packs=packs,
        now=now,
        channel=Channel.CALL,
        candidates=candidates,
    )
