"""Changing admin contact limits: the one validator (the CLI, the console and the API all ask
`check_limit_change`), saving a new version with its audit entry, and what changed between
versions. Reading and combining the limits in force is `contact_limits`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dialer.admin.contact_limits import (
    DEFAULT_LIMITS,
    GAP,
    LOCKOUT,
    SCOPES,
    latest_version,
    limits_from_dict,
    limits_to_dict,
)
from dialer.cases.record import add_audit_entry
from dialer.compliance.facts import AdminLimits
from dialer.compliance.packs import RulePacks
from dialer.compliance.zones import state_code
from dialer.db.models import Campaign, ContactLimitVersion
from dialer.errors import InputError
from dialer.importing.reference import CN_PROVINCES, US_STATES
from dialer.pacing.admin import PacingLimits, check_pacing, pacing_to_dict


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
    checked = check_limit_change(
        session,
        scope=scope,
        scope_key=scope_key,
        limits=limits,
        packs=packs,
        account_calls_per_second=account_calls_per_second,
    )
    scope_key = checked.scope_key
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
        limits=limits_to_dict(checked.limits) | pacing_to_dict(checked.pacing),
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


@dataclass(frozen=True, slots=True)
class CheckedLimits:
    """A proposed limits change that may be previewed or saved: its canonical scope key, the
    contact limits and the account's pacing limits it holds."""

    scope_key: str
    limits: AdminLimits
    pacing: PacingLimits


def check_limit_change(
    session: Session,
    *,
    scope: str,
    scope_key: str,
    limits: dict[str, Any],
    packs: RulePacks,
    account_calls_per_second: float | None,
) -> CheckedLimits:
    """The one limits validator (CLI, console, API): InputError naming the field when the scope,
    its key or a limit is malformed, a limit is looser than the deployment's defaults or than
    the law (LimitTooLooseError names the rule), or pacing is set where it may not be."""
    if scope not in SCOPES:
        raise InputError(f"scope: must be one of {', '.join(SCOPES)}")
    key = scope_key_of(session, scope=scope, scope_key=scope_key)
    parsed = limits_from_dict(limits)
    check_not_below_defaults(limits)
    pacing = check_pacing(limits, scope=scope, account_calls_per_second=account_calls_per_second)
    country, state = _scope_place(scope, key)
    check_limits(
        parsed, packs=packs, countries=(country,) if country else ("US", "CN"), state=state
    )
    return CheckedLimits(scope_key=key, limits=parsed, pacing=pacing)


def check_not_below_defaults(limits: dict[str, Any], *, where: str = "limits") -> None:
    """Stored limits only tighten the deployment's defaults: a smaller gap between contacts or
    the person lockout switched off is refused (where and why), nothing is saved."""
    gap, floor = limits.get(GAP), DEFAULT_LIMITS.min_minutes_between_contacts
    if isinstance(gap, int) and floor is not None and gap < floor:
        raise InputError(
            f"{where}.{GAP}: {gap} is looser than the deployment's default of {floor} minutes "
            "(limits may only tighten it)"
        )
    if limits.get(LOCKOUT) is False and DEFAULT_LIMITS.person_lockout_after_conversation:
        raise InputError(
            f"{where}.{LOCKOUT}: the deployment locks automated calls after a conversation; "
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
