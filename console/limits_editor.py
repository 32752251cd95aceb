"""The contact-limits editor: refuses anything looser than the law (naming the rule), shows a
preview of what the change would block now, and saves a new version (next tick uses it)."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from console.authz import requires, signed_in
from console.context import app_services, now, packs, unit_of_work
from console.error_text import error_of
from console.forms import LimitsForm
from dialer.admin.accounts import Permission
from dialer.admin.contact_limits import (
    DEFAULT_LIMITS,
    check_not_below_defaults,
    current_limits,
    latest_version,
    limits_from_dict,
    limits_to_dict,
    recent_versions,
    save_limits,
    scope_key_of,
)
from dialer.admin.limits_preview import LimitsPreview, preview_limits
from dialer.compliance import validate_limits
from dialer.errors import InputError, LimitTooLooseError
from dialer.pacing import PACING_KEYS, check_pacing

bp = Blueprint("limits", __name__)


@bp.route("/limits", methods=["GET", "POST"])
@requires(Permission.LIMITS)
def editor() -> ResponseReturnValue:
    form = LimitsForm()
    if request.method == "GET":
        _fill(
            form, scope=request.args.get("scope", "global"), scope_key=request.args.get("key", "")
        )
    refusal: str | None = None
    preview: LimitsPreview | None = None
    status = 200
    if form.validate_on_submit():
        scope, key = form.scope.data or "global", form.scope_key.data or ""
        proposed = form_limits(form)
        try:
            with unit_of_work() as db:
                key = scope_key_of(db, scope=scope, scope_key=key)  # "Texas" is US-TX
            check_against_law(proposed, scope=scope, scope_key=key)
            with unit_of_work() as db:
                if request.form.get("action") == "save":
                    save_limits(
                        db,
                        scope=scope,
                        scope_key=key,
                        limits=proposed,
                        actor=signed_in().username,
                        reason=form.reason.data or None,
                        packs=packs(),
                        now=now(),
                        account_calls_per_second=account_calls_per_second(),
                    )
                else:
                    preview = preview_limits(
                        db, scope=scope, scope_key=key, proposed=proposed, now=now(), packs=packs()
                    )
        except LimitTooLooseError as exc:
            refusal, status = error_of(exc), 422
        except InputError as exc:
            refusal, status = error_of(exc), 422
        else:
            if preview is None:
                flash(_("Limits saved: they apply from the next dispatch tick."), "ok")
                return redirect(url_for("limits.editor", scope=scope, key=key))
    elif request.method == "POST":
        status = 422
    with unit_of_work() as db:
        versions = _recent(db)
        inherited = inherited_placeholders(db, scope=form.scope.data or "global")
    return render_template(
        "limits.html",
        form=form,
        inherited=inherited,
        refusal=refusal,
        preview=preview,
        versions=versions,
        account_cps=account_calls_per_second(),
        default_gap=DEFAULT_LIMITS.min_minutes_between_contacts,
    ), status


def form_limits(form: LimitsForm) -> dict[str, Any]:
    """The form as the stored limits dict (empty fields mean "no admin limit")."""
    out: dict[str, Any] = {}
    for name, start, end in (
        ("call_hours", form.call_start, form.call_end),
        ("sms_hours", form.sms_start, form.sms_end),
    ):
        if (start.data or "").strip() or (end.data or "").strip():
            out[name] = {"start": (start.data or "").strip(), "end": (end.data or "").strip()}
    for field in (
        form.max_calls_per_day,
        form.max_calls_per_week,
        form.max_sms_per_day,
        form.max_sms_per_week,
    ):
        if field.data is not None:
            out[field.name] = int(field.data)
    if form.no_contact_on_holidays.data:
        out["no_contact_on_holidays"] = True
    if form.min_minutes_between_contacts.data is not None:
        out["min_minutes_between_contacts"] = int(form.min_minutes_between_contacts.data)
    if form.calls_per_second.data is not None:
        out["calls_per_second"] = float(form.calls_per_second.data)
    if form.max_concurrent_calls.data is not None:
        out["max_concurrent_calls"] = int(form.max_concurrent_calls.data)
    return out


def account_calls_per_second() -> float:
    """What the Twilio account allows (DIALER_CALLS_PER_SECOND): an admin may only lower it."""
    return app_services().settings.calls_per_second


def check_against_law(proposed: dict[str, Any], *, scope: str, scope_key: str) -> None:
    """LimitTooLooseError names the rule and its value; checked for every country (or the
    scoped state), so the refusal shows before anything is previewed or saved. Pacing limits
    are refused outside the global scope and above the account's call rate."""
    try:
        parsed = limits_from_dict(proposed)
        check_not_below_defaults(proposed)
        check_pacing(proposed, scope=scope, account_calls_per_second=account_calls_per_second())
    except (InputError, ValueError) as exc:
        raise InputError(str(exc)) from exc
    state = scope_key.split("-", 1)[-1] if scope == "state" and scope_key else None
    countries = [scope_key.split("-", 1)[0]] if state and "-" in scope_key else ["US", "CN"]
    for country in countries:
        validate_limits(parsed, country=country, state=state, packs=packs())


def _fill(form: LimitsForm, *, scope: str, scope_key: str) -> None:
    """The scope's own stored values as the fields' values ("Texas" opens US-TX)."""
    with unit_of_work() as db:
        with suppress(InputError):  # else shown as typed; saving it says what is wrong
            scope_key = scope_key_of(db, scope=scope, scope_key=scope_key) if scope_key else ""
        form.scope.data, form.scope_key.data = scope, scope_key
        version = latest_version(db, scope=scope, scope_key=scope_key)
        stored = dict(version.limits) if version is not None else {}
    for name, start, end in (
        ("call_hours", form.call_start, form.call_end),
        ("sms_hours", form.sms_start, form.sms_end),
    ):
        if stored.get(name):
            start.data, end.data = stored[name]["start"], stored[name]["end"]
    for field in (
        form.max_calls_per_day,
        form.max_calls_per_week,
        form.max_sms_per_day,
        form.max_sms_per_week,
    ):
        field.data = stored.get(field.name)
    form.no_contact_on_holidays.data = bool(stored.get("no_contact_on_holidays"))
    form.min_minutes_between_contacts.data = stored.get("min_minutes_between_contacts")
    for key in PACING_KEYS:
        getattr(form, key).data = stored.get(key)


def inherited_placeholders(db: Session, *, scope: str) -> dict[str, str]:
    """What a state or campaign scope inherits (defaults and the global scope), shown as the
    empty fields' placeholders: a browser never submits a placeholder, so a field the admin
    leaves alone stays inherited instead of being copied into the scope."""
    if scope == "global":
        return {
            "call_start": "08:00",
            "call_end": "21:00",
            "sms_start": "08:00",
            "sms_end": "21:00",
        }
    shown: dict[str, str] = {}
    for name, value in limits_to_dict(current_limits(db, campaign_id=None, state=None)).items():
        if isinstance(value, dict):
            prefix = name.removesuffix("_hours")
            shown[f"{prefix}_start"], shown[f"{prefix}_end"] = value["start"], value["end"]
        elif not isinstance(value, bool):
            shown[name] = str(value)
    for prefix in ("call", "sms"):
        shown.setdefault(f"{prefix}_start", "08:00")
        shown.setdefault(f"{prefix}_end", "21:00")
    return shown


def _recent(db: Any) -> list[Any]:  # noqa: ANN401
    return recent_versions(db)
