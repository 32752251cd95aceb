"""The company's business hours for inbound calls: one validator (the console and any other
editor ask `check_business_hours`), versions with an audit entry like contact limits, and the
hours in force (the newest version, else DEFAULT_HOURS). A campaign's own `business_hours`
override them for calls about that campaign (dialer.callbacks.business_hours)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dialer.campaigns.options import DAY_NAMES, BusinessHours
from dialer.cases.record import add_audit_entry
from dialer.db.models import BusinessHoursVersion
from dialer.errors import InputError

DEFAULT_ZONE = "America/New_York"
# Until an admin saves hours: Monday to Friday, 08:00 to 20:00 in the company's zone.
DEFAULT_HOURS = BusinessHours(zone=DEFAULT_ZONE)
FIELD = "business_hours"
_KEYS = ("zone", "days", "start", "end", "holidays")


def latest_version(session: Session) -> BusinessHoursVersion | None:
    return session.scalars(
        select(BusinessHoursVersion).order_by(BusinessHoursVersion.version.desc()).limit(1)
    ).first()


def company_hours(session: Session) -> BusinessHours:
    """The company's business hours in force (the default until an admin saves some)."""
    latest = latest_version(session)
    if latest is None:
        return DEFAULT_HOURS
    try:
        return BusinessHours.model_validate(latest.hours)
    except ValidationError:  # saved versions were validated: an unreadable row is no hours
        return DEFAULT_HOURS


def _days(raw: object) -> tuple[str, ...]:
    days = raw.split(",") if isinstance(raw, str) else raw
    found = (
        tuple(str(day).strip().lower() for day in days if str(day).strip())
        if isinstance(days, list | tuple)
        else ()
    )
    if not found:
        raise InputError(f"{FIELD}.days: name the days agents take calls (mon ... sun)")
    for day in found:
        if day not in DAY_NAMES:
            raise InputError(f"{FIELD}.days: '{day}' is not a day ({', '.join(DAY_NAMES)})")
    return found


def _holidays(raw: object) -> tuple[date, ...]:
    items = raw.replace(",", " ").split() if isinstance(raw, str) else raw
    if not isinstance(items, list | tuple):
        raise InputError(f"{FIELD}.holidays: a list of dates like 2026-12-25")
    found = []
    for item in items:
        try:
            found.append(item if isinstance(item, date) else date.fromisoformat(str(item)))
        except ValueError:
            raise InputError(f"{FIELD}.holidays: '{item}' is not a date like 2026-12-25") from None
    return tuple(sorted(set(found)))


def check_business_hours(raw: dict[str, Any]) -> BusinessHours:
    """InputError naming the field and why when the hours are malformed: an unknown zone, day
    or key, a time that is not like 09:00, a start not before the end, no day, a bad date."""
    unknown = sorted(set(raw) - set(_KEYS))
    if unknown:
        raise InputError(f"{FIELD}: unknown field {unknown[0]} (known: {', '.join(_KEYS)})")
    data = {key: value for key, value in raw.items() if key in ("zone", "start", "end")}
    data = {key: str(value or "").strip() for key, value in data.items()}
    data["days"] = _days(raw.get("days", DEFAULT_HOURS.days))
    data["holidays"] = _holidays(raw.get("holidays", ()))
    try:
        return BusinessHours.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        raise InputError(f"{FIELD}{'.' + where if where else ''}: {message}") from None


def hours_to_dict(hours: BusinessHours) -> dict[str, Any]:
    return hours.model_dump(mode="json")


def save_business_hours(
    session: Session,
    *,
    hours: dict[str, Any],
    actor: str,
    reason: str | None,
    now: datetime,
) -> BusinessHoursVersion:
    """Validate, add a version, audit it (before and after); nothing is written on error."""
    checked = check_business_hours(hours)
    if not (reason or "").strip():
        raise InputError("reason: say why the business hours change (it is kept with the version)")
    previous = latest_version(session)
    number = (session.scalar(select(func.max(BusinessHoursVersion.version))) or 0) + 1
    version = BusinessHoursVersion(
        version=number,
        hours=hours_to_dict(checked),
        created_at=now,
        created_by=actor,
        reason=reason,
    )
    session.add(version)
    add_audit_entry(
        session,
        at=now,
        actor=actor,
        action="business_hours.save",
        entity=FIELD,
        entity_id="company",
        before=previous.hours if previous else None,
        after=version.hours,
        reason=reason,
    )
    session.flush()
    return version


def recent_versions(session: Session, *, limit: int = 20) -> list[BusinessHoursVersion]:
    return list(
        session.scalars(
            select(BusinessHoursVersion).order_by(BusinessHoursVersion.version.desc()).limit(limit)
        )
    )
