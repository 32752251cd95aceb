"""Users and agents: create, change role or deactivate, issue an API token (admins)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from console.authz import requires, signed_in
from console.context import now, unit_of_work
from console.error_text import error_of
from console.forms import EmptyForm, UserCreateForm, UserUpdateForm
from dialer.admin.accounts import Permission, create_user, issue_api_token, update_user
from dialer.db.models import User
from dialer.errors import InputError, NotFoundError

bp = Blueprint("users", __name__)


@bp.get("/users")
@requires(Permission.USERS)
def index() -> ResponseReturnValue:
    return _page(UserCreateForm(formdata=None))


@bp.post("/users")
@requires(Permission.USERS)
def create() -> ResponseReturnValue:
    form = UserCreateForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    try:
        with unit_of_work() as db:
            create_user(
                db,
                username=form.username.data or "",
                role=form.role.data or "",
                now=now(),
                actor=signed_in().username,
                display_name=form.display_name.data,
                phone_e164=form.phone.data,
                password=form.password.data,
                language=form.language.data or "en",
                languages=form.languages.data or (),
                reason="created in the console",
            )
    except InputError as exc:
        flash(error_of(exc), "error")
        return _page(form, 422)
    flash(_("User created."), "ok")
    return redirect(url_for("users.index"))


@bp.post("/users/<int:user_id>")
@requires(Permission.USERS)
def update(user_id: int) -> ResponseReturnValue:
    form = UserUpdateForm()
    if form.validate_on_submit():
        me = signed_in()
        if user_id == me.id and (form.role.data != me.role or not form.is_active.data):
            flash(_("You cannot change your own role or deactivate yourself."), "error")
            return redirect(url_for("users.index"))
        try:
            with unit_of_work() as db:
                update_user(
                    db,
                    user_id=user_id,
                    now=now(),
                    actor=me.username,
                    reason=form.reason.data or None,
                    role=form.role.data,
                    is_active=bool(form.is_active.data),
                    languages=form.languages.data or (),
                )
        except NotFoundError:
            abort(404)
        except InputError as exc:
            flash(error_of(exc), "error")
    return redirect(url_for("users.index"))


@bp.post("/users/<int:user_id>/token")
@requires(Permission.USERS)
def token(user_id: int) -> ResponseReturnValue:
    EmptyForm()
    try:
        with unit_of_work() as db:
            issued = issue_api_token(db, user_id=user_id, now=now(), actor=signed_in().username)
            username = db.get(User, user_id).username  # type: ignore[union-attr]
    except NotFoundError:
        abort(404)
    return _page(UserCreateForm(formdata=None), token=(username, issued))


def _page(
    form: UserCreateForm, status: int = 200, token: tuple[str, str] | None = None
) -> ResponseReturnValue:
    with unit_of_work() as db:
        users = list(db.scalars(select(User).order_by(User.role, User.username)))
        return render_template(
            "users.html",
            users=users,
            form=form,
            token=token,
            update_form=UserUpdateForm,
            empty=EmptyForm(),
        ), status
