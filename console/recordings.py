"""Call recordings in the console: listen or download, each access audited first."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request
from flask.typing import ResponseReturnValue

from console.authz import requires, signed_in
from console.context import now, unit_of_work
from console.gateway import telephony
from dialer.admin.accounts import Permission
from dialer.errors import NotFoundError
from dialer.observability.logging import get_logger
from dialer.recordings.access import Access, open_recording
from dialer.telephony import TelephonyError

bp = Blueprint("recordings", __name__)
log = get_logger(__name__)


@bp.get("/recordings/<int:attempt_id>/audio")
@requires(Permission.WORK_CASES)
def audio(attempt_id: int) -> ResponseReturnValue:
    """The recording's audio; `?download=1` as an attachment. Private, never cached."""
    user = signed_in()
    access = Access.DOWNLOAD if request.args.get("download") == "1" else Access.LISTEN
    try:
        with unit_of_work() as db:
            sid = open_recording(
                db,
                attempt_id=attempt_id,
                user_id=user.id,
                role=user.role,
                actor=user.username,
                access=access,
                now=now(),
            )
    except NotFoundError:
        abort(404)
    try:
        data = telephony().recording_audio(sid)
    except TelephonyError as exc:
        log.warning("recording_fetch_failed", attempt_id=attempt_id, error=str(exc))
        abort(404 if exc.code == 20404 else 502)
    response = Response(data, mimetype="audio/x-wav")
    response.headers["Cache-Control"] = "private, no-store"
    if access is Access.DOWNLOAD:
        response.headers["Content-Disposition"] = f'attachment; filename="call-{attempt_id}.wav"'
    return response
