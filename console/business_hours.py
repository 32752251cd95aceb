"""The company's business hours for inbound calls (admins): the hours in force, the form that
saves a new version (audited; refused, with nothing changed, when malformed) and past versions.
A campaign's own `business_hours` override them for calls about that campaign."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from console.authz import requires, signed_in
from console.context import now, unit_of_work
from console.error_text import error_of
from console.forms import BusinessHoursForm
from dialer.admin.accounts import Permission
from dialer.admin.business_hours import (
    DEFAULT_HOURS,
    company_hours,
    latest_version,
    recent_versions,
    save_business_hours,
)
from dialer.errors import InputError

bp = Blueprint("business_hours", __name__)


@bp.route("/business-hours", methods=["GET", "POST"])
@requires(Permission.LIMITS)
def editor() -> ResponseReturnValue:
    form = BusinessHoursForm()
    refusal: str | None = None
    status = 200
    if request.method == "GET":
        _fill(form)
    elif form.validate_on_submit():
        try:
            with unit_of_work() as db:
                save_business_hours(
                    db,
                    hours=form_hours(form),
                    actor=signed_in().username,
                    reason=form.reason.data or None,
                    now=now(),
                )
        except InputError as exc:
            refusal, status = error_of(exc), 422
        else:
            flash(_("Business hours saved: inbound calls use them at once."), "ok")
            return redirect(url_for("business_hours.editor"))
    else:
        status = 422
    with unit_of_work() as db:
        in_force = company_hours(db)
        saved = latest_version(db) is not None
        versions = recent_versions(db)
    return render_template(
        "business_hours.html",
        form=form,
        refusal=refusal,
        in_force=in_force,
        saved=saved,
        default=DEFAULT_HOURS,
        versions=versions,
        day_names={choice.value: choice.label for choice in form.days.choices},
    ), status


def form_hours(form: BusinessHoursForm) -> dict[str, Any]:
    """The form as the stored hours (the domain validates every field)."""
    return {
        "zone": (form.zone.data or "").strip(),
        "days": list(form.days.data or []),
        "start": (form.start.data or "").strip(),
        "end": (form.end.data or "").strip(),
        "holidays": form.holidays.data or "",
    }


def _fill(form: BusinessHoursForm) -> None:
    with unit_of_work() as db:
        hours = company_hours(db)
    form.zone.data, form.start.data, form.end.data = hours.zone, hours.start, hours.end
    form.days.data = list(hours.days)
    form.holidays.data = "\n".join(day.isoformat() for day in hours.holidays)
