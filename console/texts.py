"""What consumers write and what follows a number: the agents' inbox and the suppression list.

Agents and supervisors read inbound texts that need a person and resolve them with a note;
an agent who confirmed a number restores a wrong-number report. Supervisors see the
suppression list; admins add, upload (CSV) and remove entries. Every change is audited.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from console.authz import requires, signed_in
from console.context import now, unit_of_work
from console.error_text import error_of
from dialer.admin.accounts import Permission
from dialer.agents.inbox import InboxFilter, find_inbox, resolve_message
from dialer.cases.page import can_work_case
from dialer.clients.access import allowed_clients
from dialer.db.models import Consumer, ContactAttempt, Debt, InboxMessage, Phone, SuppressedNumber
from dialer.errors import InputError, NotFoundError
from dialer.suppression.admin import active_entries, add_number, apply_upload, read_upload
from dialer.suppression.numbers import remove_suppression, restore_number
from dialer.vocabulary import PhoneStatus

bp = Blueprint("texts", __name__)
MAX_UPLOAD_BYTES = 5_000_000


@bp.get("/inbox")
@requires(Permission.WORK_CASES)
def inbox() -> ResponseReturnValue:
    show_all = request.args.get("show") == "all"
    intent = request.args.get("intent") or None
    wanted = InboxFilter(unresolved_only=not show_all, intent=intent)
    with unit_of_work() as db:
        found = find_inbox(db, wanted)
        debts = _attempt_debts(db, {m.attempt_id for m in found if m.attempt_id})
        messages = [m for m in found if _may_see(db, m.attempt_id, debts)]
        refs = _consumer_refs(db, {m.consumer_id for m in messages if m.consumer_id})
        phones = _attempt_phones(db, {m.attempt_id for m in messages if m.attempt_id})
        return render_template(
            "inbox.html", messages=messages, refs=refs, debts=debts, phones=phones,
            show_all=show_all, intent=intent or "",
        )  # fmt: skip


@bp.post("/inbox/<int:message_id>/resolve")
@requires(Permission.WORK_CASES)
def resolve(message_id: int) -> ResponseReturnValue:
    note = request.form.get("note", "")
    try:
        with unit_of_work() as db:
            message = db.get(InboxMessage, message_id)
            if message is None:
                abort(404)
            if not _may_see(db, message.attempt_id, _attempt_debts(db, {message.attempt_id or 0})):
                abort(403)
            resolve_message(db, message_id, actor=signed_in().username, note=note, now=now())
        flash(_("Message resolved."), "ok")
    except NotFoundError:
        abort(404)
    except InputError as exc:
        flash(error_of(exc), "error")
    return redirect(url_for("texts.inbox"))


@bp.post("/phones/<int:phone_id>/restore")
@requires(Permission.WORK_CASES)
def restore(phone_id: int) -> ResponseReturnValue:
    reason = request.form.get("reason", "")
    try:
        with unit_of_work() as db:
            phone = db.get(Phone, phone_id)
            if phone is None:
                abort(404)
            if not _may_work_consumer(db, phone.consumer_id):
                abort(403)
            restore_number(db, phone, actor=signed_in().username, reason=reason, now=now())
        flash(_("The number is the consumer's again and may be contacted."), "ok")
    except InputError as exc:
        flash(error_of(exc), "error")
    return redirect(_back(request.form.get("back")))


@bp.get("/suppression")
@requires(Permission.ALL_CASES)
def suppression() -> ResponseReturnValue:
    number = (request.args.get("number") or "").strip() or None
    with unit_of_work() as db:
        entries = active_entries(db, number=number, include_removed=bool(number))
        wrong = [e.e164 for e in entries if e.kind == "wrong_number" and e.removed_at is None]
        phones = _wrong_party_phones(db, wrong)
        return render_template("suppression.html", entries=entries, phones=phones, number=number)


@bp.post("/suppression/add")
@requires(Permission.SUPPRESSION)
def add() -> ResponseReturnValue:
    form = request.form
    try:
        with unit_of_work() as db:
            entry = add_number(
                db, form.get("number", ""), scope=form.get("scope"),
                reason=form.get("reason", ""), actor=signed_in().username, now=now(),
            )  # fmt: skip
        if entry is None:
            flash(_("That number is already on the list."), "ok")
        else:
            flash(_("Number added to the suppression list."), "ok")
    except InputError as exc:
        flash(error_of(exc), "error")
    return redirect(url_for("texts.suppression"))


@bp.post("/suppression/upload")
@requires(Permission.SUPPRESSION)
def upload() -> ResponseReturnValue:
    file = request.files.get("file")
    raw = file.read(MAX_UPLOAD_BYTES + 1) if file else b""
    try:
        if not raw or len(raw) > MAX_UPLOAD_BYTES:
            raise InputError(_("Choose a CSV file of at most 5 MB."))
        text = raw.decode("utf-8-sig")
        report = read_upload(text, default_reason=request.form.get("reason") or None)
    except (InputError, UnicodeDecodeError) as exc:
        flash(error_of(exc), "error")
        return redirect(url_for("texts.suppression"))
    skip = request.form.get("skip_invalid") == "1"
    if request.form.get("dry_run") != "1":
        with unit_of_work() as db:
            apply_upload(db, report, actor=signed_in().username, now=now(), skip_invalid=skip)
    return render_template("suppression_upload.html", report=report)


@bp.post("/suppression/<int:entry_id>/remove")
@requires(Permission.SUPPRESSION)
def remove(entry_id: int) -> ResponseReturnValue:
    reason = request.form.get("reason", "").strip()
    if not reason:
        flash(_("Say why the number comes off the list."), "error")
        return redirect(url_for("texts.suppression"))
    with unit_of_work() as db:
        entry = db.get(SuppressedNumber, entry_id)
        if entry is None:
            abort(404)
        remove_suppression(db, entry, actor=signed_in().username, reason=reason, now=now())
    flash(_("Entry removed from the suppression list."), "ok")
    return redirect(url_for("texts.suppression"))


def _may_see(db: Session, attempt_id: int | None, debts: dict[int, int]) -> bool:
    """A message about a case the user may work; one on no case, supervisors (all clients)."""
    user = signed_in()
    debt_id = debts.get(attempt_id) if attempt_id is not None else None
    if debt_id is None:
        return user.can(Permission.ALL_CASES) and allowed_clients(db, user.id) is None
    return can_work_case(db, user_id=user.id, role=user.role, debt_id=debt_id)


def _may_work_consumer(db: Session, consumer_id: int) -> bool:
    debt_ids = db.scalars(select(Debt.id).where(Debt.consumer_id == consumer_id)).all()
    user = signed_in()
    return any(
        can_work_case(db, user_id=user.id, role=user.role, debt_id=debt_id) for debt_id in debt_ids
    )


def _back(target: str | None) -> str:
    """Only a page of this console: "/inbox", never "//elsewhere" or "https://..."."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return url_for("texts.inbox")


def _consumer_refs(db: Session, ids: set[int]) -> dict[int, str]:
    rows = db.execute(select(Consumer.id, Consumer.external_ref).where(Consumer.id.in_(ids)))
    return {row.id: row.external_ref for row in rows}


def _attempt_debts(db: Session, ids: set[int]) -> dict[int, int]:
    query = select(ContactAttempt.id, ContactAttempt.debt_id).where(ContactAttempt.id.in_(ids))
    return {row.id: row.debt_id for row in db.execute(query) if row.debt_id is not None}


def _attempt_phones(db: Session, ids: set[int]) -> dict[int, Phone]:
    """The phone each message came in on, when it is marked wrong party (for the restore form)."""
    query = (
        select(ContactAttempt.id, Phone)
        .join(Phone, Phone.id == ContactAttempt.phone_id)
        .where(ContactAttempt.id.in_(ids), Phone.status == PhoneStatus.WRONG_PARTY.value)
    )
    return {row[0]: row[1] for row in db.execute(query)}


def _wrong_party_phones(db: Session, numbers: list[str]) -> dict[str, list[tuple[Phone, str]]]:
    """Each wrong-number entry's phones on consumers' files (for the restore form)."""
    found: dict[str, list[tuple[Phone, str]]] = {}
    if not numbers:
        return found
    query = (
        select(Phone, Consumer.external_ref)
        .join(Consumer, Consumer.id == Phone.consumer_id)
        .where(Phone.e164.in_(numbers))
        .order_by(Phone.id)
    )
    for phone, ref in db.execute(query).tuples():
        found.setdefault(phone.e164, []).append((phone, ref))
    return found
