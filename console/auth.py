"""Signing in and out, the home page, and the user's own language."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from console.authz import ConsoleUser, signed_in, signed_in_page
from console.context import now, state, unit_of_work
from console.forms import EmptyForm, LanguageForm, LoginForm
from dialer.admin.accounts import Permission, authenticate, end_sessions, update_user

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("login.html", form=form), 400 if request.method == "POST" else 200
    username = (form.username.data or "").strip().lower()
    address = request.remote_addr or "unknown"
    throttle = state().throttle
    if not throttle.try_attempt(username=username, address=address):  # before the password
        flash(_("Too many failed sign-ins. Try again in 15 minutes."), "error")
        return render_template("login.html", form=form), 429
    with unit_of_work() as db:
        user = authenticate(db, username=username, password=form.password.data or "")
        signed = None if user is None else ConsoleUser(user)
    if signed is None:
        flash(_("Wrong username or password."), "error")
        return render_template("login.html", form=form), 401
    throttle.succeeded(username=username)
    session.clear()  # a fresh session on sign-in (no fixation)
    login_user(signed)
    session.permanent = True
    return redirect(_safe_next(request.args.get("next")) or url_for("auth.home"))


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    EmptyForm()  # the CSRF token is checked before the view runs
    if current_user.is_authenticated:
        with unit_of_work() as db:
            end_sessions(db, user_id=signed_in().id)  # a copied cookie stops working too
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
    """Only a path on this site: never //host, a full URL, a backslash (browsers read it as
    a slash), whitespace or a control character (browsers drop tabs and newlines, so
    '/<TAB>/evil.example' becomes '//evil.example')."""
    if not target or len(target) > 2000:
        return None
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F or ch == "\\" for ch in target):
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
