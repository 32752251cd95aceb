"""Admin contact limits: versioned per scope, combined per contact (the strictest wins).

Scopes: `global` (scope_key ""), `state` ("US-MA", "CN-ZJ" or a bare state code), and
`campaign` (the campaign id). A campaign's own hours (its definition) count as campaign limits.

The global scope may also hold the account's pacing limits (`calls_per_second`,
`max_concurrent_calls`, see dialer/pacing/admin.py): versioned and audited with the rest, but
never part of AdminLimits (the compliance engine does not see them); `current_pacing` reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dialer.cases.record import add_audit_entry
from dialer.compliance.facts import AdminLimits, TimeRange
from dialer.compliance.packs import RulePacks
from dialer.compliance.zones import state_code
from dialer.db.models import Campaign, ContactLimitVersion
from dialer.errors import InputError
from dialer.importing.reference import CN_PROVINCES, US_STATES
from dialer.pacing.admin import (
    PACING_KEYS,
    PacingLimits,
    check_pacing,
    pacing_from_dict,
    pacing_to_dict,
)

SCOPES = ("global", "state", "campaign")
_HOURS = ("call_hours", "sms_hours")
_CAPS = ("max_calls_per_day", "max_calls_per_week", "max_sms_per_day", "max_sms_per_week")
_GAP = "min_minutes_between_contacts"  # person level: the larger gap is the stricter
_LOCKOUT = "person_lockout_after_conversation"
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
    known |= {"no_contact_on_holidays", _GAP, _LOCKOUT}
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
    if data.get(_GAP) is not None:
        gap = data[_GAP]
        if not isinstance(gap, int) or isinstance(gap, bool) or gap < 0:
            raise InputError(f"{where}.{_GAP}: must be a whole number of minutes >= 0")
        values[_GAP] = gap
    values["no_contact_on_holidays"] = bool(data.get("no_contact_on_holidays", False))
    values[_LOCKOUT] = bool(data.get(_LOCKOUT, False))
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
        out[_GAP] = limits.min_minutes_between_contacts
    if limits.person_lockout_after_conversation:
        out[_LOCKOUT] = True
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
        elif spec.name == _GAP:
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


def save_limits(
    session: Session,
    *,
    scope: str,
    scope_key: str,
    limits: dict[str, Any],
    actor: str,
    reason: str | None,
    packs: RulePacks,
    now: datetime,
    account_calls_per_second: float | None = None,
) -> ContactLimitVersion:
    """Validate against the rule packs (limits may only tighten the law), version, audit.

    Pacing limits are accepted in the global scope only, and a call rate only up to
    `account_calls_per_second` (what the Twilio account allows: settings.calls_per_second).
    """
    if scope not in SCOPES:
        raise InputError(f"scope must be one of {', '.join(SCOPES)}")
    scope_key = scope_key_of(session, scope=scope, scope_key=scope_key)
    parsed = limits_from_dict(limits)
    check_not_below_defaults(limits)
    pacing = check_pacing(limits, scope=scope, account_calls_per_second=account_calls_per_second)
    country, state = _scope_place(scope, scope_key)
    check_limits(
        parsed, packs=packs, countries=(country,) if country else ("US", "CN"), state=state
    )
    if not (reason or "").strip():
        raise InputError("reason: say why the limits change (it is kept with the version)")
    previous = latest_version(session, scope=scope, scope_key=scope_key)
    number = (
        session.scalar(
            select(func.max(ContactLimitVersion.version)).where(
                ContactLimitVersion.scope == scope, ContactLimitVersion.scope_key == scope_key
            )
        )
        or 0
    ) + 1
    version = ContactLimitVersion(
        scope=scope,
        scope_key=scope_key,
        version=number,
        limits=limits_to_dict(parsed) | pacing_to_dict(pacing),
        created_at=now,
        created_by=actor,
        reason=reason,
    )
    session.add(version)
    add_audit_entry(
        session,
        at=now,
        actor=actor,
        action="contact_limits.save",
        entity="contact_limits",
        entity_id=f"{scope}:{scope_key}",
        before=previous.limits if previous else None,
        after=version.limits,
        reason=reason,
    )
    session.flush()
    return version


def check_not_below_defaults(limits: dict[str, Any], *, where: str = "limits") -> None:
    """Stored limits only tighten the deployment's defaults: a smaller gap between contacts or
    the person lockout switched off is refused (where and why), nothing is saved."""
    gap, floor = limits.get(_GAP), DEFAULT_LIMITS.min_minutes_between_contacts
    if isinstance(gap, int) and floor is not None and gap < floor:
        raise InputError(
            f"{where}.{_GAP}: {gap} is looser than the deployment's default of {floor} minutes "
            "(limits may only tighten it)"
        )
    if limits.get(_LOCKOUT) is False and DEFAULT_LIMITS.person_lockout_after_conversation:
        raise InputError(
            f"{where}.{_LOCKOUT}: the deployment locks automated calls after a conversation; "
            "limits may only tighten it"
        )


def check_limits(
    limits: AdminLimits, *, packs: RulePacks, countries: tuple[str, ...], state: str | None = None
) -> None:
    """Raise LimitTooLooseError (an InputError) when a limit is looser than the law allows."""
    from dialer.compliance import validate_limits

    for country in countries:
        validate_limits(limits, country=country, state=state, packs=packs)


@dataclass(frozen=True, slots=True)
class LimitChange:
    """One field of a limits version against the version before it (None: not set)."""

    name: str
    before: Any
    after: Any


def recent_versions(
    session: Session, *, limit: int = 20
) -> list[tuple[ContactLimitVersion, list[LimitChange]]]:
    """The newest versions, each with what changed since the previous version of its scope."""
    versions = session.scalars(
        select(ContactLimitVersion).order_by(ContactLimitVersion.id.desc()).limit(limit)
    ).all()
    found = []
    for version in versions:
        previous = session.scalar(
            select(ContactLimitVersion.limits).where(
                ContactLimitVersion.scope == version.scope,
                ContactLimitVersion.scope_key == version.scope_key,
                ContactLimitVersion.version == version.version - 1,
            )
        )
        found.append((version, limit_changes(previous or {}, version.limits)))
    return found


def limit_changes(before: dict[str, Any], after: dict[str, Any]) -> list[LimitChange]:
    return [
        LimitChange(name, _shown(before.get(name)), _shown(after.get(name)))
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    ]


def _shown(value: Any) -> Any:  # noqa: ANN401 - a stored limit value
    if isinstance(value, dict) and set(value) == {"start", "end"}:
        return f"{value['start']}-{value['end']}"
    return value


def scope_key_of(session: Session, *, scope: str, scope_key: str) -> str:
    """The scope's canonical key, or InputError naming what is wrong: a state is "US-TX" (from
    "TX", "us-tx", "Texas" or "US-Texas"), a campaign is an existing campaign's id (or name),
    the global scope has no key."""
    key = " ".join((scope_key or "").split())
    if scope == "global":
        return ""
    if not key:
        raise InputError(f"scope_key: a {scope} scope needs a key")
    if scope == "campaign":
        found = session.scalar(
            select(Campaign.id).where(
                (Campaign.id == int(key)) if key.isdigit() else (Campaign.name == key)
            )
        )
        if found is None:
            raise InputError(f"scope_key: no campaign {key!r}")
        return str(found)
    country, _, place = key.rpartition("-") if "-" in key else ("", "", key)
    for candidate in (country.upper(),) if country else ("US", "CN"):
        code = state_code(candidate, place)
        known = US_STATES if candidate == "US" else CN_PROVINCES
        if code in known:
            return f"{candidate}-{code}"
    raise InputError(f"scope_key: {key!r} is not a US state or a CN province")


def _scope_place(scope: str, scope_key: str) -> tuple[str | None, str | None]:
    """(country, state) a scope's limits must respect; None: every country / no state."""
    if scope != "state" or not scope_key:
        return None, None
    if "-" in scope_key:
        country, state = scope_key.upper().split("-", 1)
        return country, state
    return "US", scope_key.upper()
