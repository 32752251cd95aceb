"""Admin contact limits: versioned per scope, combined per contact (the strictest wins).

Scopes: `global` (scope_key ""), `state` ("US-MA", "CN-ZJ" or a bare state code), and
`campaign` (the campaign id). A campaign's own hours (its definition) count as campaign limits.

The global scope may also hold the account's pacing limits (`calls_per_second`,
`max_concurrent_calls`, see dialer/pacing/admin.py): versioned and audited with the rest, but
never part of AdminLimits (the compliance engine does not see them); `current_pacing` reads them.
Changing limits (the one validator, saving a version, what changed): `admin.limit_changes`.
"""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dialer.compliance.facts import AdminLimits, TimeRange
from dialer.db.models import Campaign, ContactLimitVersion
from dialer.errors import InputError
from dialer.pacing.admin import (
    PACING_KEYS,
    PacingLimits,
    pacing_from_dict,
)

SCOPES = ("global", "state", "campaign")
_HOURS = ("call_hours", "sms_hours")
_CAPS = ("max_calls_per_day", "max_calls_per_week", "max_sms_per_day", "max_sms_per_week")
GAP = "min_minutes_between_contacts"  # person level: the larger gap is the stricter
LOCKOUT = "person_lockout_after_conversation"
# The deployment's own limits, in force under every stored version (which can only tighten
# them): the person is the unit, so any two automated contacts with a person are at least four
# hours apart, and a conversation about any debt locks automated calls about all of them.
DEFAULT_LIMITS = AdminLimits(
    min_minutes_between_contacts=240, person_lockout_after_conversation=True
)


def limits_from_dict(data: dict[str, Any], *, where: str = "limits") -> AdminLimits:
    """The stored / YAML form ({"call_hours": {"start": "09:00", "end": "20:00"}, ...}).

    Pacing keys are known but are not contact limits: see `current_pacing`."""
    known = set(_HOURS) | set(_CAPS) | set(PACING_KEYS)
    known |= {"no_contact_on_holidays", GAP, LOCKOUT}
    unknown = set(data) - known
    if unknown:
        raise InputError(f"{where}: unknown limit(s) {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for key in _HOURS:
        if data.get(key) is not None:
            window = data[key]
            try:
                values[key] = TimeRange(_clock(window["start"]), _clock(window["end"]))
            except (KeyError, TypeError, ValueError) as exc:
                raise InputError(f"{where}.{key}: needs start and end like 09:00") from exc
    for key in _CAPS:
        if data.get(key) is not None:
            if not isinstance(data[key], int) or data[key] < 0:
                raise InputError(f"{where}.{key}: must be a whole number >= 0")
            values[key] = data[key]
    if data.get(GAP) is not None:
        gap = data[GAP]
        if not isinstance(gap, int) or isinstance(gap, bool) or gap < 0:
            raise InputError(f"{where}.{GAP}: must be a whole number of minutes >= 0")
        values[GAP] = gap
    values["no_contact_on_holidays"] = bool(data.get("no_contact_on_holidays", False))
    values[LOCKOUT] = bool(data.get(LOCKOUT, False))
    return AdminLimits(**values)


def limits_to_dict(limits: AdminLimits) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in _HOURS:
        window: TimeRange | None = getattr(limits, key)
        if window is not None:
            out[key] = {"start": window.start.strftime("%H:%M"), "end": _end(window.end)}
    for key in _CAPS:
        if getattr(limits, key) is not None:
            out[key] = getattr(limits, key)
    if limits.no_contact_on_holidays:
        out["no_contact_on_holidays"] = True
    if limits.min_minutes_between_contacts is not None:
        out[GAP] = limits.min_minutes_between_contacts
    if limits.person_lockout_after_conversation:
        out[LOCKOUT] = True
    return out


def strictest(first: AdminLimits, second: AdminLimits) -> AdminLimits:
    """The intersection: the narrower hours, the lower caps, holidays off if either says so."""
    merged: dict[str, Any] = {}
    for spec in fields(AdminLimits):
        a, b = getattr(first, spec.name), getattr(second, spec.name)
        if spec.name in _HOURS:
            merged[spec.name] = _narrower(a, b)
        elif spec.name in _CAPS:
            merged[spec.name] = b if a is None else a if b is None else min(a, b)
        elif spec.name == GAP:
            merged[spec.name] = b if a is None else a if b is None else max(a, b)
        else:
            merged[spec.name] = bool(a or b)
    return replace(first, **merged)


def _narrower(a: TimeRange | None, b: TimeRange | None) -> TimeRange | None:
    if a is None or b is None:
        return a or b
    start = max(a.start, b.start)
    end = min(a.end, b.end)
    return TimeRange(start, max(start, end))


def _clock(text: str) -> time:
    hours, minutes = (int(part) for part in str(text).split(":"))
    if hours == 24 and minutes == 0:
        return time(23, 59, 59)
    return time(hours, minutes)


def _end(moment: time) -> str:
    return "24:00" if moment == time(23, 59, 59) else moment.strftime("%H:%M")


def latest_version(
    session: Session, *, scope: str, scope_key: str, as_of: datetime | None = None
) -> ContactLimitVersion | None:
    query = select(ContactLimitVersion).where(
        ContactLimitVersion.scope == scope, ContactLimitVersion.scope_key == scope_key
    )
    if as_of is not None:
        query = query.where(ContactLimitVersion.created_at <= as_of)
    return session.scalars(query.order_by(ContactLimitVersion.version.desc()).limit(1)).first()


def current_limits(
    session: Session,
    *,
    campaign_id: int | None,
    state: str | None,
    as_of: datetime | None = None,
) -> AdminLimits:
    """defaults ∩ global ∩ state ∩ campaign (stored versions and the campaign's own hours).

    Read on every reservation (a few indexed rows), so an admin's change applies at once.
    `as_of` gives the limits that were in force at that moment (re-audits).
    """
    result = DEFAULT_LIMITS
    keys: list[tuple[str, str]] = [("global", "")]
    if state:
        keys.append(("state", state))
        if "-" in state:
            keys.append(("state", state.split("-", 1)[1]))
    if campaign_id is not None:
        keys.append(("campaign", str(campaign_id)))
    for scope, key in keys:
        version = latest_version(session, scope=scope, scope_key=key, as_of=as_of)
        if version is not None:
            result = strictest(result, limits_from_dict(version.limits))
    if campaign_id is not None:
        result = strictest(result, campaign_hours(session, campaign_id))
    return result


def current_pacing(session: Session) -> PacingLimits:
    """The admin's pacing limits in force (the newest global version: one indexed row)."""
    version = latest_version(session, scope="global", scope_key="")
    if version is None:
        return PacingLimits()
    return pacing_from_dict(version.limits, where="global limits")


def campaign_hours(session: Session, campaign_id: int) -> AdminLimits:
    definition = session.scalar(select(Campaign.definition).where(Campaign.id == campaign_id))
    hours = (definition or {}).get("hours") or {}
    return limits_from_dict(
        {"call_hours": hours.get("call"), "sms_hours": hours.get("sms")}, where="campaign.hours"
    )
