"""The REST API: /2010-04-01/Accounts/{AC}/Calls and /Messages (create, list, fetch, update)."""

from __future__ import annotations

import base64
import socket
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, current_app, g, jsonify, request

from twilio_emulator.shapes import (
    API_VERSION,
    MAX_VALIDITY_PERIOD,
    call_json,
    error_body,
    message_json,
    new_sid,
    page_json,
    sms_segments,
)
from twilio_emulator.state import CallRecord, MessageRecord

if TYPE_CHECKING:
    from twilio_emulator.app import Emulator

bp = Blueprint("twilio_api", __name__, url_prefix=f"/{API_VERSION}/Accounts/<account>")
STATUS_EVENTS = frozenset({"initiated", "ringing", "answered", "completed"})


def emu() -> Emulator:
    emulator: Emulator = current_app.config["EMULATOR"]
    return emulator


def error(code: int, status: int, **fmt: str) -> tuple[Response, int]:
    return jsonify(error_body(code, status, **fmt)), status


@bp.before_request
def check_auth_and_faults() -> tuple[Response, int] | None:
    emulator = emu()
    # Twilio counts a create against the rate when it arrives, not when this thread (sharing
    # a busy process) gets round to storing it.
    g.arrived_at = emulator.store.now().timestamp()
    header = request.headers.get("Authorization", "")
    expected = f"{emulator.account_sid}:{emulator.auth_token}".encode()
    if not header.startswith("Basic ") or base64.b64decode(header[6:] + "==") != expected:
        return error(20003, 401)
    if (request.view_args or {}).get("account") != emulator.account_sid:
        return error(20404, 404, uri=request.path)
    faults = emulator.config().faults
    if faults.latency_ms:
        time.sleep(faults.latency_ms / 1000)
    if emulator.fault_roll(faults.rate_429):
        return error(20429, 429)
    if emulator.fault_roll(faults.rate_5xx):
        return error(20500, 500)
    return None


def form_one(name: str, default: str | None = None) -> str | None:
    value = request.form.get(name)
    return default if value in {None, ""} else value


def lose_response_if_asked() -> None:
    """Fault: the create was accepted, but the client never (or too late) hears about it."""
    mode, delay = emu().take_lost_response()
    if mode == "drop":
        sock = request.environ.get("werkzeug.socket")
        if isinstance(sock, socket.socket):
            sock.shutdown(socket.SHUT_RDWR)
    elif mode == "delay":
        time.sleep(delay)


@bp.post("/Calls.json")
def create_call(account: str) -> tuple[Response, int]:
    emulator = emu()
    to, from_ = form_one("To"), form_one("From")
    url, twiml = form_one("Url"), form_one("Twiml")
    if not to:
        return error(21201, 400)
    if not from_:
        return error(21603, 400)
    if not url and not twiml and not form_one("ApplicationSid"):
        return error(21205, 400)
    code = emulator.scenarios.call_create_error(to)
    if code is not None:
        return error(code, 400, to=to, from_=from_)
    if emulator.config().strict and not emulator.pacer.admit_strict():
        with emulator.store.lock:
            emulator.store.rejected_429 += 1
        return error(20429, 429)
    events = frozenset(request.form.getlist("StatusCallbackEvent")) & STATUS_EVENTS
    detection = form_one("MachineDetection")
    if form_one("SendDigits"):
        detection = None
    moment = emulator.store.now()
    call = CallRecord(
        sid=new_sid("CA"),
        account_sid=account,
        to=to,
        from_=from_,
        date_created=moment,
        date_updated=moment,
        plan=emulator.scenarios.plan_call(to, detection),
        url=url,
        method=form_one("Method", "POST") or "POST",
        twiml=None if url else twiml,
        status_callback=form_one("StatusCallback"),
        status_callback_method=form_one("StatusCallbackMethod", "POST") or "POST",
        events=events or frozenset({"completed"}),
        timeout=min(int(form_one("Timeout", "60") or 60), 600),
        machine_detection=detection,
        async_amd=(form_one("AsyncAmd", "false") or "").lower() == "true",
        amd_callback=form_one("AsyncAmdStatusCallback"),
        amd_callback_method=form_one("AsyncAmdStatusCallbackMethod", "POST") or "POST",
        record=(form_one("Record", "false") or "").lower() == "true",
        recording_status_callback=form_one("RecordingStatusCallback"),
    )
    with emulator.store.lock:
        emulator.store.calls[call.sid] = call
        emulator.store.call_creates.append(g.arrived_at)
    emulator.calls.start(call)
    body = call_json(call)
    lose_response_if_asked()
    return jsonify(body), 201


def parse_when(value: str) -> datetime | None:
    for fmt in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def date_filter(moment: datetime | None, param: str) -> bool:
    """Twilio's `X`, `X>` (on or after) and `X<` (on or before) date filters."""
    for suffix in ("", ">", "<"):
        raw = request.args.get(param + suffix)
        if raw is None:
            continue
        bound = parse_when(raw)
        if bound is None:
            continue
        if moment is None:
            return False
        date_only = len(raw) == 10
        left: Any = moment.date() if date_only else moment
        right: Any = bound.date() if date_only else bound
        if (suffix == "" and left != right) or (suffix == ">" and left < right):
            return False
        if suffix == "<" and left > right:
            return False
    return True


def page_of(key: str, items: list[dict[str, Any]]) -> Response:
    try:
        size = min(max(int(request.args.get("PageSize", "50")), 1), 1000)
        page = max(int(request.args.get("Page", "0")), 0)
    except ValueError:
        size, page = 50, 0
    chunk = items[page * size : (page + 1) * size]
    has_next = len(items) > (page + 1) * size
    query = list(request.args.items(multi=True))
    return jsonify(
        page_json(
            key=key,
            items=chunk,
            path=request.path,
            query=query,
            page=page,
            page_size=size,
            has_next=has_next,
        )
    )


@bp.get("/Calls.json")
def list_calls(account: str) -> Response:
    args = request.args
    with emu().store.lock:
        calls = list(reversed(emu().store.calls.values()))
        rows = [
            call_json(c)
            for c in calls
            if (not args.get("To") or c.to == args["To"])
            and (not args.get("From") or c.from_ == args["From"])
            and (not args.get("Status") or c.status == args["Status"])
            and (not args.get("ParentCallSid") or c.parent_call_sid == args["ParentCallSid"])
            and date_filter(c.start_time or c.date_created, "StartTime")
            and date_filter(c.end_time, "EndTime")
        ]
    return page_of("calls", rows)


def find_call(sid: str) -> CallRecord | None:
    with emu().store.lock:
        return emu().store.calls.get(sid)


@bp.get("/Calls/<sid>.json")
def fetch_call(account: str, sid: str) -> tuple[Response, int]:
    call = find_call(sid)
    if call is None:
        return error(20404, 404, uri=request.path)
    with emu().store.lock:
        return jsonify(call_json(call)), 200


@bp.post("/Calls/<sid>.json")
def update_call(account: str, sid: str) -> tuple[Response, int]:
    call = find_call(sid)
    if call is None:
        return error(20404, 404, uri=request.path)
    flow = emu().calls
    status, url = form_one("Status"), form_one("Url")
    if status == "canceled":
        flow.cancel(call)
    elif status == "completed":
        flow.hang_up(call)
    elif url and not flow.redirect(call, url, form_one("Method", "POST") or "POST"):
        return error(21220, 400)
    with emu().store.lock:
        return jsonify(call_json(call)), 200


@bp.delete("/Calls/<sid>.json")
def delete_call(account: str, sid: str) -> tuple[Response | str, int]:
    with emu().store.lock:
        if emu().store.calls.pop(sid, None) is None:
            return error(20404, 404, uri=request.path)
    return "", 204


def _message_refusal(
    to: str | None, from_: str | None, body: str, validity: str | None
) -> int | None:
    """The error code of a message create Twilio refuses for its parameters, if any."""
    if not to:
        return 21604
    if not from_ and not form_one("MessagingServiceSid"):
        return 21603
    if not body and not request.form.getlist("MediaUrl"):
        return 21602
    if len(body) > 1600:
        return 21617
    if validity is not None and not (
        validity.isdigit() and 1 <= int(validity) <= MAX_VALIDITY_PERIOD
    ):
        return 21624
    return None


@bp.post("/Messages.json")
def create_message(account: str) -> tuple[Response, int]:
    emulator = emu()
    to, from_ = form_one("To"), form_one("From")
    body = request.form.get("Body", "")
    validity = form_one("ValidityPeriod")
    refused = _message_refusal(to, from_, body, validity)
    if refused is not None:
        return error(refused, 400)
    assert to is not None
    sender = from_ or "+15005550006"
    code = emulator.scenarios.sms_create_error(to, sender)
    if code is not None:
        return error(code, 400, to=to, from_=sender)
    moment = emulator.store.now()
    msg = MessageRecord(
        sid=new_sid("SM"),
        account_sid=account,
        to=to,
        from_=sender,
        body=body,
        date_created=moment,
        date_updated=moment,
        status_callback=form_one("StatusCallback"),
        num_segments=sms_segments(body),
        validity_period=None if validity is None else int(validity),
    )
    with emulator.store.lock:
        emulator.store.messages[msg.sid] = msg
        emulator.store.message_creates.append(g.arrived_at)
    emulator.messages.start(msg)
    payload = message_json(msg)
    lose_response_if_asked()
    return jsonify(payload), 201


@bp.get("/Messages.json")
def list_messages(account: str) -> Response:
    args = request.args
    with emu().store.lock:
        msgs = list(reversed(emu().store.messages.values()))
        rows = [
            message_json(m)
            for m in msgs
            if (not args.get("To") or m.to == args["To"])
            and (not args.get("From") or m.from_ == args["From"])
            and date_filter(m.date_sent, "DateSent")
        ]
    return page_of("messages", rows)


@bp.route("/Messages/<sid>.json", methods=["GET", "POST", "DELETE"])
def message_resource(account: str, sid: str) -> tuple[Response | str, int]:
    store = emu().store
    with store.lock:
        msg = store.messages.get(sid)
        if msg is None:
            return error(20404, 404, uri=request.path)
        if request.method == "DELETE":
            del store.messages[sid]
            return "", 204
        if request.method == "POST":
            if "Body" in request.form:
                msg.body = request.form["Body"]
            if form_one("Status") == "canceled" and msg.status in {"queued", "scheduled"}:
                msg.status = "canceled"
            msg.date_updated = store.now()
        return jsonify(message_json(msg)), 200
