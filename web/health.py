"""`/healthz`: is the process up, can it reach its database, and is the schema current?"""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import SQLAlchemyError

from dialer.db.readiness import schema_state
from web.extensions import services

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    try:
        state = schema_state(services().engine)
    except SQLAlchemyError as exc:
        return jsonify(status="unhealthy", database=type(exc).__name__), 503
    if not state.is_current:
        hint = "run `dialer db upgrade`"
        return jsonify(status="unhealthy", database="ok", migrations=state.label, hint=hint), 503
    return jsonify(status="ok", database="ok", migrations="current")
