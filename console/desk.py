"""The agent's desk: availability, the case that pops when a call connects, the disposition."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from console.authz import requires, signed_in
from console.context import now, packs, unit_of_work
from console.display import english
from console.error_text import error_of
from console.forms import AvailabilityForm, DispositionForm, EmptyForm
from dialer.admin.accounts import Permission
from dialer.agents import desk as agent_desk
from dialer.agents import line_session as agent_line
from dialer.agents import preview
from dialer.cases.callbacks_owed import owed_callbacks
from dialer.cases.page import load_case_view
from dialer.errors import InputError
from dialer.telephony import TelephonyError
from web.extensions import services

bp = Blueprint("desk", __name__)


@bp.get("/desk")
@requires(Permission.DESK)
def page() -> ResponseReturnValue:
    user = signed_in()
    with unit_of_work() as db:
        desk = agent_desk.refresh(db, user_id=user.id, now=now())
        view = None
        if desk.debt_id is not None:
            view = load_case_view(db, debt_id=desk.debt_id, now=now(), packs=packs())
        form = AvailabilityForm(availability=desk.availability)
        disposition = _disposition_form(desk.attempt_id)
        to_complete = _to_complete(db, user_id=user.id, live=desk.attempt_id)
        callbacks = owed_callbacks(db, user_id=user.id, now=now(), packs=packs())
        return render_template(
            "desk.html",
            callbacks=callbacks,
            desk=desk,
            view=view,
            form=form,
            disposition=disposition,
            to_complete=to_complete,
            preview_form=EmptyForm(),
            line_form=EmptyForm(),
        )


@bp.get("/desk/state")
@requires(Permission.DESK)
def state() -> ResponseReturnValue:
    """Polled every 2 s by the desk page; the case pops when attempt_id changes, the calls to
    complete are fetched again when their list changes."""
    user_id = signed_in().id
    with unit_of_work() as db:
        desk = agent_desk.refresh(db, user_id=user_id, now=now())
        to_complete = _to_complete(db, user_id=user_id, live=desk.attempt_id)
        callbacks = owed_callbacks(db, user_id=user_id, now=now(), packs=None)
    return jsonify(
        desk.to_dict()
        | {
            "to_complete": [call.attempt_id for call in to_complete],
            "callbacks": [row.signature for row in callbacks],
        }
    )


@bp.get("/desk/callbacks")
@requires(Permission.DESK)
def callbacks_panel() -> ResponseReturnValue:
    """The callbacks the agent owes, with the engine's answer for each, as an HTML fragment for
    desk.js (fetched when the list changes, and each minute for the answers)."""
    with unit_of_work() as db:
        rows = owed_callbacks(db, user_id=signed_in().id, now=now(), packs=packs())
        return render_template("_callbacks_owed.html", callbacks=rows)


@bp.get("/desk/to-complete")
@requires(Permission.DESK)
def to_complete_panel() -> ResponseReturnValue:
    """The agent's calls still without a disposition, as an HTML fragment for desk.js."""
    user_id = signed_in().id
    with unit_of_work() as db:
        desk = agent_desk.refresh(db, user_id=user_id, now=now())
        calls = _to_complete(db, user_id=user_id, live=desk.attempt_id)
        return render_template("_calls_to_complete.html", to_complete=calls)


def _to_complete(db: Session, *, user_id: int, live: int | None) -> list[agent_desk.CallToComplete]:
    """The agent's own recent calls without a disposition, except the one live on the desk."""
    calls = agent_desk.calls_to_complete(db, user_id=user_id, now=now())
    return [call for call in calls if call.attempt_id != live]


@bp.get("/desk/case")
@requires(Permission.DESK)
def case_panel() -> ResponseReturnValue:
    """The live case as an HTML fragment, swapped into the page by desk.js."""
    with unit_of_work() as db:
        desk = agent_desk.refresh(db, user_id=signed_in().id, now=now())
        if desk.debt_id is None:
            return render_template("_no_case.html")
        view = load_case_view(db, debt_id=desk.debt_id, now=now(), packs=packs())
        return render_template(
            "_live_case.html",
            view=view,
            disposition=_disposition_form(desk.attempt_id),
            desk=desk,
            preview_form=EmptyForm(),
        )


@bp.post("/desk/availability")
@requires(Permission.DESK)
def availability() -> ResponseReturnValue:
    form = AvailabilityForm()
    if form.validate_on_submit():
        user = signed_in()
        try:
            with unit_of_work() as db:
                agent_desk.set_availability(
                    db,
                    user_id=user.id,
                    availability=form.availability.data or "",
                    now=now(),
                    actor=user.username,
                )
        except InputError as exc:
            flash(error_of(exc), "error")
    return redirect(url_for("desk.page"))


@bp.post("/desk/preview/call")
@requires(Permission.DESK)
def preview_call() -> ResponseReturnValue:
    """The agent dials the case in preview: asked again now, the agent's phone rings first."""
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("desk.page"))
    from console.gateway import place_reserved

    try:
        with unit_of_work() as db:
            reservation = preview.call_previewed(
                db, agent_id=signed_in().id, now=now(), packs=packs()
            )
    except InputError as exc:
        flash(error_of(exc), "error")
        return redirect(url_for("desk.page"))
    placement = place_reserved(reservation)
    if placement.result == "placed":
        flash(_("Calling you first, then the consumer."), "ok")
    else:
        flash(_("The call could not be placed (%(result)s).", result=placement.result), "error")
    return redirect(url_for("desk.page"))


@bp.post("/desk/preview/skip")
@requires(Permission.DESK)
def preview_skip() -> ResponseReturnValue:
    if EmptyForm().validate_on_submit():
        try:
            with unit_of_work() as db:
                preview.skip_previewed(db, agent_id=signed_in().id, now=now())
        except InputError as exc:
            flash(error_of(exc), "error")
    return redirect(url_for("desk.page"))


@bp.post("/desk/line/connect")
@requires(Permission.DESK)
def line_connect() -> ResponseReturnValue:
    """Connect my phone: the dialer calls the agent's phone once for the whole session."""
    if EmptyForm().validate_on_submit():
        from console.gateway import telephony

        svc = services()
        try:
            agent_line.connect_line(
                svc.sessions,
                telephony(),
                agent_id=signed_in().id,
                now=now(),
                base_url=svc.settings.public_base_url,
            )
            flash(_("Calling your phone: answer it and stay on the line."), "ok")
        except (InputError, TelephonyError) as exc:
            flash(error_of(exc), "error")
    return redirect(url_for("desk.page"))


@bp.post("/desk/line/hang-up")
@requires(Permission.DESK)
def line_hang_up() -> ResponseReturnValue:
    if EmptyForm().validate_on_submit():
        from console.gateway import telephony

        try:
            agent_line.hang_up_line(
                services().sessions, telephony(), agent_id=signed_in().id, now=now()
            )
            flash(_("Your line is hung up: calls now ring your phone."), "ok")
        except InputError as exc:
            flash(error_of(exc), "error")
    return redirect(url_for("desk.page"))


def _disposition_form(attempt_id: int | None) -> DispositionForm:
    form = DispositionForm(formdata=None)
    form.attempt_id.data = "" if attempt_id is None else str(attempt_id)
    form.next_page.data = url_for("desk.page")
    return form


def flash_done(summary: str, code: str) -> None:
    """The disposition's own summary in English; its name in the other languages."""
    shown = summary if english() else _(code)
    flash(_("Recorded: %(summary)s", summary=shown), "ok")
