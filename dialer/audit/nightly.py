"""The nightly re-audit: was every contact lawful when it was made?

Each outbound attempt in [since, until) is evaluated again with the facts, limits and history
as they stood just before it (flags and opt-outs learned later are left out). A violation
gets a timeline line and an audit entry, once per attempt.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dialer.cases.decisions import decide, load_case_view, proposal
from dialer.cases.facts import covered_debt_ids, load_consumer_facts
from dialer.cases.record import add_audit_entry, add_case_event
from dialer.compliance import Decision
from dialer.compliance.packs import RulePacks
from dialer.db.models import CaseEvent, ContactAttempt, Debt
from dialer.vocabulary import AttemptOrigin, AttemptStatus, Channel, ContactMode, Direction

VIOLATION = "reaudit_violation"


@dataclass
class ReauditReport:
    checked: int = 0
    violations: list[int] = field(default_factory=list)  # attempt ids
    already_reported: int = 0


def reaudit(
    session: Session,
    *,
    since: datetime,
    until: datetime,
    packs: RulePacks,
    now: datetime | None = None,
) -> ReauditReport:
    report = ReauditReport()
    attempts = session.scalars(
        select(ContactAttempt)
        .where(
            ContactAttempt.attempted_at >= since,
            ContactAttempt.attempted_at < until,
            ContactAttempt.direction == Direction.OUTBOUND.value,
            # ours only: contacts imported from before this system are not re-judged
            ContactAttempt.origin.in_([AttemptOrigin.DIALER.value, AttemptOrigin.AGENT.value]),
            ContactAttempt.status.notin_(
                [AttemptStatus.NOT_PLACED.value, AttemptStatus.RESERVED.value]
            ),
        )
        .order_by(ContactAttempt.attempted_at, ContactAttempt.id)
    ).all()
    for attempt in attempts:
        report.checked += 1
        decision = evaluate_as_of(session, attempt, packs=packs)
        if decision.allowed:
            continue
        if _reported(session, attempt.id):
            report.already_reported += 1
            continue
        _record(session, attempt, decision.to_dict(), now=now or until)
        report.violations.append(attempt.id)
    return report


def evaluate_as_of(session: Session, attempt: ContactAttempt, *, packs: RulePacks) -> Decision:
    """The decision the one decision path gives for `attempt` with what was known just before
    it: every debt it covered, its mode, whether it was the consented callback."""
    at = attempt.attempted_at
    state = None
    if attempt.debt_id is not None:
        state = session.scalar(select(Debt.jurisdiction).where(Debt.id == attempt.debt_id))
    view = load_case_view(
        session,
        consumer_id=attempt.consumer_id,
        debt_id=attempt.debt_id,
        campaign_id=attempt.campaign_id,
        jurisdiction=state,
        at=at,
        before=at,
    )
    facts = load_consumer_facts(session, attempt.consumer_id, debt_id=attempt.debt_id, as_of=at)
    proposed = proposal(
        at=at,
        channel=Channel(attempt.channel),
        to=attempt.to_number or "",
        debt_ids=covered_debt_ids(session, attempt),
        mode=ContactMode(attempt.mode),
        callback=attempt.callback,
    )
    return decide(replace(view, facts=facts), proposed, packs=packs, later=())


def _reported(session: Session, attempt_id: int) -> bool:
    found = session.scalar(
        select(CaseEvent.id).where(CaseEvent.attempt_id == attempt_id, CaseEvent.kind == VIOLATION)
    )
    return found is not None


def _record(
    session: Session, attempt: ContactAttempt, decision: dict[str, object], *, now: datetime
) -> None:
    reasons = decision.get("reasons")
    codes = [str(r["code"]) for r in reasons] if isinstance(reasons, list) else []
    add_case_event(
        session,
        consumer_id=attempt.consumer_id,
        debt_id=attempt.debt_id,
        attempt_id=attempt.id,
        at=now,
        kind=VIOLATION,
        actor="reaudit",
        summary=f"Re-audit: the {attempt.channel} of {attempt.attempted_at:%Y-%m-%d %H:%M} UTC "
        f"was not lawful ({', '.join(codes)})",
        detail={"decision": decision},
    )
    add_audit_entry(
        session,
        at=now,
        actor="reaudit",
        action="reaudit.violation",
        entity="contact_attempt",
        entity_id=str(attempt.id),
        before=None,
        after={"decision": decision},
        reason="nightly re-audit against the rule packs",
    )
