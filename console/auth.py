"""Signing in and out, the home page, and the user's own language."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from console.authz import ConsoleUser, signed_in, signed_in_page
from console.context import now, state, unit_of_work
from console.forms import EmptyForm, LanguageForm, LoginForm
from dialer.accounts import Permission, authenticate, update_user

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("login.html", form=form), 400 if request.method == "POST" else 200
    username = (form.username.data or "").strip().lower()
    address = request.remote_addr or "unknown"
    throttle = state().throttle
    if not throttle.allowed(username=username, address=address):
        flash(_("Too many failed sign-ins. Try again in 15 minutes."), "error")
        return render_template("login.html", form=form), 429
    with unit_of_work() as db:
        user = authenticate(db, username=username, password=form.password.data or "")
        signed = None if user is None else ConsoleUser(user)
    if signed is None:
        throttle.failed(username=username, address=address)
        flash(_("Wrong username or password."), "error")
        return render_template("login.html", form=form), 401
    throttle.succeeded(username=username, address=address)
    session.clear()  # a fresh session on sign-in (no fixation)
    login_user(signed)
    session.permanent = True
    return redirect(_safe_next(request.args.get("next")) or url_for("auth.home"))


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    EmptyForm()  # the CSRF token is checked before the view runs
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.get("/")
@signed_in_page
def home() -> ResponseReturnValue:
    user = signed_in()
    if user.can(Permission.DASHBOARD):
        return redirect(url_for("dashboard.today_page"))
    return redirect(url_for("desk.page"))


@bp.post("/me/language")
@signed_in_page
def language() -> ResponseReturnValue:
    form = LanguageForm()
    if form.validate_on_submit():
        user = signed_in()
        with unit_of_work() as db:
            update_user(
                db,
                user_id=user.id,
                now=now(),
                actor=user.username,
                reason="changed own console language",
                language=form.language.data,
            )
    return redirect(_safe_next(request.form.get("next")) or url_for("auth.home"))


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site (never //host or a full URL)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None
