"""The supervisor's wallboard: a page that updates itself from a JSON state every 2 s."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask.typing import ResponseReturnValue

from console.authz import requires
from console.context import now, unit_of_work
from dialer.admin.accounts import Permission
from dialer.wallboard.board import wallboard

bp = Blueprint("wallboard", __name__)
POLL_SECONDS = 2


@bp.get("/wallboard")
@requires(Permission.DASHBOARD)
def page() -> ResponseReturnValue:
    with unit_of_work() as db:
        board = wallboard(db, now=now())
    return render_template("wallboard.html", board=board, poll_seconds=POLL_SECONDS)


@bp.get("/wallboard/state")
@requires(Permission.DASHBOARD)
def state() -> ResponseReturnValue:
    """Polled by wallboard.js; never cached."""
    with unit_of_work() as db:
        board = wallboard(db, now=now())
    response = jsonify(board.to_dict())
    response.headers["Cache-Control"] = "no-store"
    return response
