"""Case search, the case page (timeline and explanation), dispositions, manual calls,
and the opt-out list."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session

from console.authz import requires, signed_in
from console.context import now, packs, unit_of_work
from console.desk import flash_done
from console.error_text import error_of
from console.forms import DispositionForm, EmptyForm, FlagAddForm, FlagClearForm, SearchForm
from console.gateway import place_reserved
from dialer.admin.accounts import Permission
from dialer.agents import desk as agent_desk
from dialer.cases.dispositions import DispositionCode, DispositionInput, record_disposition
from dialer.cases.flags import clear_flag, flag_by_hand
from dialer.cases.page import (
    can_work_case,
    explain_text,
    find_cases,
    load_case_view,
    opt_out_list,
)
from dialer.clients.access import allowed_clients
from dialer.db.ids import parse_record_id
from dialer.db.models import ConsumerFlagRecord, Debt
from dialer.errors import InputError, NotFoundError
from dialer.recordings.access import recordings_of
from dialer.vocabulary import Channel, ConsumerFlag

bp = Blueprint("cases", __name__)


@bp.get("/cases")
@requires(Permission.ALL_CASES)
def search() -> ResponseReturnValue:
    form = SearchForm(request.args)
    with unit_of_work() as db:
        found = find_cases(
            db, query=form.q.data or "", client_ids=allowed_clients(db, signed_in().id)
        )
        return render_template("cases.html", form=form, found=found)


@bp.get("/cases/<int:debt_id>")
@requires(Permission.WORK_CASES)
def show(debt_id: int) -> ResponseReturnValue:
    _may_work(debt_id)
    with unit_of_work() as db:
        try:
            view = load_case_view(db, debt_id=debt_id, now=now(), packs=packs())
        except NotFoundError:
            abort(404)
        form = DispositionForm(formdata=None)
        form.next_page.data = url_for("cases.show", debt_id=debt_id)
        attempt = request.args.get("attempt", "")
        if attempt.isdigit():  # from the desk's calls to complete: the disposition is that call's
            form.attempt_id.data = attempt
        return render_template(
            "case.html",
            view=view,
            disposition=form,
            explanation=_explanation(db, debt_id),
            call_form=EmptyForm(),
            clear_form=FlagClearForm(formdata=None),
            add_flag_form=FlagAddForm(formdata=None),
            recordings=recordings_of(db, consumer_id=view.consumer.id),
        )


@bp.post("/cases/<int:debt_id>/disposition")
@requires(Permission.WORK_CASES)
def disposition(debt_id: int) -> ResponseReturnValue:
    _may_work(debt_id)
    form = DispositionForm()
    back = _back(form.next_page.data, debt_id)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return redirect(back)
    user = signed_in()
    entry = DispositionInput(
        code=DispositionCode(form.code.data),
        notes=form.notes.data,
        amount=form.amount.data,
        promised_date=form.promised_date.data,
        callback_local=form.callback_at.data,
    )
    attempt_id = parse_record_id(form.attempt_id.data)
    try:
        with unit_of_work() as db:
            recorded = record_disposition(
                db,
                debt_id=debt_id,
                entry=entry,
                now=now(),
                actor=user.username,
                agent_id=user.id,
                packs=packs(),
                attempt_id=attempt_id,
            )
            summary = recorded.summary
            agent_desk.finish_wrap_up(db, user_id=user.id, now=now())
    except NotFoundError:
        abort(404)
    except InputError as exc:
        flash(error_of(exc), "error")
        return redirect(back)
    flash_done(summary, entry.code.value)
    return redirect(back)


@bp.post("/cases/<int:debt_id>/call")
@requires(Permission.WORK_CASES)
def call(debt_id: int) -> ResponseReturnValue:
    _may_work(debt_id)
    EmptyForm()
    from dialer.agents.manual_call import reserve_manual_call

    user = signed_in()
    try:
        with unit_of_work() as db:
            reservation = reserve_manual_call(
                db, debt_id=debt_id, agent_id=user.id, actor=user.username, now=now(), packs=packs()
            )
    except InputError as exc:
        flash(error_of(exc), "error")
        return redirect(url_for("cases.show", debt_id=debt_id))
    placement = place_reserved(reservation)
    if placement.result == "placed":
        flash(_("Calling the consumer: the case is on your desk."), "ok")
        return redirect(url_for("desk.page"))
    flash(_("The call could not be placed (%(result)s).", result=placement.result), "error")
    return redirect(url_for("cases.show", debt_id=debt_id))


@bp.post("/cases/<int:debt_id>/flags")
@requires(Permission.ALL_CASES)
def add_flag(debt_id: int) -> ResponseReturnValue:
    """A supervisor sets a flag learned outside a call (a bankruptcy notice, an attorney's
    letter, a written cease request): contact stops from this moment."""
    form = FlagAddForm()
    return _change_flag(
        debt_id,
        form,
        invalid=_("Choose the flag and say how it was learned."),
        change=lambda db: flag_by_hand(
            db,
            debt_id=debt_id,
            flag=ConsumerFlag(form.flag.data),
            note=form.note.data or "",
            actor=signed_in().username,
            now=now(),
        ),
        done=lambda flag: _("Flag set: %(flag)s", flag=flag),
    )


@bp.post("/cases/<int:debt_id>/flags/<int:flag_id>/clear")
@requires(Permission.ALL_CASES)
def clear(debt_id: int, flag_id: int) -> ResponseReturnValue:
    """A supervisor clears a flag (a dispute answered, an attorney no longer retained)."""
    form = FlagClearForm()
    return _change_flag(
        debt_id,
        form,
        invalid=_("Say why the flag no longer applies."),
        change=lambda db: clear_flag(
            db,
            debt_id=debt_id,
            flag_id=flag_id,
            reason=form.reason.data or "",
            actor=signed_in().username,
            now=now(),
        ),
        done=lambda flag: _("Flag cleared: %(flag)s", flag=flag),
    )


def _change_flag(
    debt_id: int,
    form: FlaskForm,
    *,
    invalid: str,
    change: Callable[[Session], ConsumerFlagRecord],
    done: Callable[[str], str],
) -> ResponseReturnValue:
    back = url_for("cases.show", debt_id=debt_id)
    if not form.validate_on_submit():
        flash(invalid, "error")
        return redirect(back)
    try:
        with unit_of_work() as db:
            flag = change(db).flag
    except NotFoundError:
        abort(404)
    except InputError as exc:
        flash(error_of(exc), "error")
        return redirect(back)
    flash(done(_(flag)), "ok")
    return redirect(back)


@bp.get("/opt-outs")
@requires(Permission.ALL_CASES)
def opt_outs() -> ResponseReturnValue:
    with unit_of_work() as db:
        return render_template("opt_outs.html", rows=opt_out_list(db))


def _may_work(debt_id: int) -> None:
    user = signed_in()
    with unit_of_work() as db:
        allowed = can_work_case(db, user_id=user.id, role=user.role, debt_id=debt_id, now=now())
    if not allowed:
        abort(403)


def _back(target: str | None, debt_id: int) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("cases.show", debt_id=debt_id)


def _explanation(db: Session, debt_id: int) -> str:
    """The explanation for an SMS now (the call's is in the case details)."""
    debt = db.get(Debt, debt_id)
    assert debt is not None
    return explain_text(db, debt=debt, channel=Channel.SMS, now=now(), packs=packs())[1]
