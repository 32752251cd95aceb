"""What a change of contact limits would do, before it is saved.

For a sample of the debts that are due now, the engine decides a call now under the limits in
force and under the proposed ones; the preview counts how many are blocked either way and why.
(`dialer simulate` can extend this to whole days of campaign.)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dialer.admin.contact_limits import (
    DEFAULT_LIMITS,
    campaign_hours,
    latest_version,
    limits_from_dict,
    strictest,
)
from dialer.cases.contact_check import check_contact, primary_number
from dialer.compliance import AdminLimits, RulePacks
from dialer.db.models import Debt
from dialer.errors import DialerError
from dialer.vocabulary import CONTACTABLE_STAGES

DEFAULT_SAMPLE = 200


@dataclass
class LimitsPreview:
    sampled: int = 0
    blocked_current: int = 0
    blocked_proposed: int = 0
    newly_blocked: int = 0
    newly_allowed: int = 0
    reasons_current: Counter[str] = field(default_factory=Counter)
    reasons_proposed: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sampled": self.sampled,
            "blocked_current": self.blocked_current,
            "blocked_proposed": self.blocked_proposed,
            "newly_blocked": self.newly_blocked,
            "newly_allowed": self.newly_allowed,
            "reasons_current": dict(self.reasons_current),
            "reasons_proposed": dict(self.reasons_proposed),
        }


def preview_limits(
    session: Session,
    *,
    scope: str,
    scope_key: str,
    proposed: dict[str, Any],
    now: datetime,
    packs: RulePacks,
    sample: int = DEFAULT_SAMPLE,
) -> LimitsPreview:
    """Blocked-now counts for due debts under the current and the proposed limits."""
    replacement = limits_from_dict(proposed)
    preview = LimitsPreview()
    for debt in due_debts(session, now=now, limit=sample):
        if primary_number(session, consumer_id=debt.consumer_id) is None:
            continue
        current = effective_limits(session, debt=debt)
        trial = effective_limits(session, debt=debt, override=(scope, scope_key, replacement))
        try:
            before = check_contact(session, debt=debt, at=now, packs=packs, limits=current)
            after = check_contact(session, debt=debt, at=now, packs=packs, limits=trial)
        except DialerError:
            continue
        preview.sampled += 1
        if not before.allowed:
            preview.blocked_current += 1
            preview.reasons_current.update(before.reason_codes)
        if not after.allowed:
            preview.blocked_proposed += 1
            preview.reasons_proposed.update(after.reason_codes)
        preview.newly_blocked += int(before.allowed and not after.allowed)
        preview.newly_allowed += int(after.allowed and not before.allowed)
    return preview


def due_debts(session: Session, *, now: datetime, limit: int) -> list[Debt]:
    """Debts in a contactable stage whose next contact is due, soonest first."""
    return list(
        session.scalars(
            select(Debt)
            .where(
                Debt.stage.in_([s.value for s in CONTACTABLE_STAGES]),
                Debt.next_contact_at.is_not(None),
                Debt.next_contact_at <= now,
            )
            .order_by(Debt.next_contact_at, Debt.id)
            .limit(limit)
        ).all()
    )


def effective_limits(
    session: Session,
    *,
    debt: Debt,
    override: tuple[str, str, AdminLimits] | None = None,
) -> AdminLimits:
    """The limits for one debt (global ∩ state ∩ campaign), with one scope optionally replaced
    by proposed limits, the same way `dialer.admin.contact_limits.current_limits` combines them."""
    result = DEFAULT_LIMITS
    for scope, key in _scopes(debt):
        if override is not None and (scope, key) == override[:2]:
            result = strictest(result, override[2])
            continue
        version = latest_version(session, scope=scope, scope_key=key)
        if version is not None:
            result = strictest(result, limits_from_dict(version.limits))
    if debt.campaign_id is not None:
        result = strictest(result, campaign_hours(session, debt.campaign_id))
    return result


def _scopes(debt: Debt) -> list[tuple[str, str]]:
    keys = [("global", "")]
    state = debt.jurisdiction
    if state and state not in {"US", "CN"}:
        keys.append(("state", state))
        if "-" in state:
            keys.append(("state", state.split("-", 1)[1]))
    if debt.campaign_id is not None:
        keys.append(("campaign", str(debt.campaign_id)))
    return keys
