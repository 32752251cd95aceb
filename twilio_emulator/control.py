"""Control endpoints under /_emulator/ (no auth: the emulator only listens on loopback).

GET  /_emulator/health                 -> {"ok": true}
GET  /_emulator/config                 -> the current configuration
POST /_emulator/config   {cps, strict, speed, seed, inbound_sms_url, max_twiml_steps,
                          mix: {...}, faults: {...}}  (partial updates) -> the new configuration
GET  /_emulator/scripts                -> {number: script}
PUT|POST /_emulator/scripts/<number>   NumberScript fields as JSON -> the script
DELETE /_emulator/scripts/<number>
POST /_emulator/inbound-sms {from, to, body, url?} -> {sid, url, webhook_status, webhook_body}
POST /_emulator/inbound-call {from, to, url, status_url?} -> {sid}: the caller's number script
                                        says which keys they press; the call is answered at once
GET  /_emulator/stats                  -> create timestamps, max per 1-second window, 429s, statuses
GET  /_emulator/callbacks              -> every webhook sent (url, kind, params, status, token)
GET  /_emulator/calls/<sid>/heard      -> what the called party heard: [{at, verb, text}], `at`
                                        in emulated seconds after the answer
GET  /_emulator/calls/<sid>/executed   -> the TwiML the call executed, in order (verbs, and
                                          recording-started/-completed events; a start has
                                          `at`, emulated seconds after the answer)
GET  /_emulator/conferences           -> every conference room with each call's stay in it
                                        (joined_at, bridged_at, left_at)
GET  /_emulator/idle?timeout=S         -> {"idle": bool} once nothing is pending (or timeout)
POST /_emulator/reset                  -> forget calls, messages, scripts, opt-outs, config
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, current_app, jsonify, request

from twilio_emulator.config import NumberScript

if TYPE_CHECKING:
    from twilio_emulator.app import Emulator

bp = Blueprint("emulator_control", __name__, url_prefix="/_emulator")


def emu() -> Emulator:
    emulator: Emulator = current_app.config["EMULATOR"]
    return emulator


def body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else {}


def bad(message: str) -> tuple[Response, int]:
    return jsonify({"error": message}), 400


@bp.get("/health")
def health() -> Response:
    return jsonify({"ok": True, "account_sid": emu().account_sid})


@bp.route("/config", methods=["GET", "POST"])
def config() -> tuple[Response, int]:
    if request.method == "POST":
        try:
            emu().configure(body())
        except (ValueError, TypeError) as exc:
            return bad(str(exc))
    return jsonify(dataclasses.asdict(emu().config())), 200


@bp.get("/scripts")
def scripts() -> Response:
    with emu().store.lock:
        data = {n: dataclasses.asdict(s) for n, s in emu().store.scripts.items()}
    return jsonify(data)


@bp.route("/scripts/<number>", methods=["PUT", "POST", "DELETE"])
def script(number: str) -> tuple[Response, int]:
    store = emu().store
    if request.method == "DELETE":
        with store.lock:
            store.scripts.pop(number, None)
        return jsonify({}), 200
    try:
        parsed = NumberScript.from_json(body())
    except (ValueError, TypeError) as exc:
        return bad(str(exc))
    with store.lock:
        store.scripts[number] = parsed
    return jsonify(dataclasses.asdict(parsed)), 200


@bp.post("/inbound-sms")
def inbound_sms() -> tuple[Response, int]:
    data = body()
    sender, to, text = data.get("from"), data.get("to"), data.get("body")
    if not (isinstance(sender, str) and isinstance(to, str) and isinstance(text, str)):
        return bad("from, to and body are required strings")
    url = data.get("url")
    result = emu().messages.inbound(
        account_sid=emu().account_sid,
        from_=sender,
        to=to,
        body=text,
        url=url if isinstance(url, str) else None,
    )
    return jsonify(result), 200


@bp.post("/inbound-call")
def inbound_call() -> tuple[Response, int]:
    data = body()
    sender, to, url = data.get("from"), data.get("to"), data.get("url")
    if not (isinstance(sender, str) and isinstance(to, str) and isinstance(url, str)):
        return bad("from, to and url are required strings")
    status_url = data.get("status_url")
    call = emu().calls.inbound(
        account_sid=emu().account_sid,
        from_=sender,
        to=to,
        url=url,
        status_url=status_url if isinstance(status_url, str) else None,
    )
    return jsonify({"sid": call.sid}), 200


@bp.get("/stats")
def stats() -> Response:
    return jsonify(emu().stats())


@bp.get("/callbacks")
def callbacks() -> Response:
    return jsonify(emu().store.callbacks())


@bp.get("/calls/<sid>/heard")
def heard(sid: str) -> tuple[Response, int]:
    """What the called party heard: [{at, verb, text}], `at` in emulated seconds after the
    answer (a test's view into the call; Twilio has no such log)."""
    with emu().store.lock:
        call = emu().store.calls.get(sid)
        rows = list(call.heard) if call else None
    if rows is None:
        return bad(f"no call {sid}")
    return jsonify([{"at": at, "verb": verb, "text": text} for at, verb, text in rows]), 200


@bp.get("/calls/<sid>/executed")
def executed(sid: str) -> tuple[Response, int]:
    store = emu().store
    with store.lock:
        call = store.calls.get(sid)
        if call is None:
            return bad(f"no call {sid}")
        children = [c.sid for c in store.calls.values() if c.parent_call_sid == sid]
        return jsonify({"sid": sid, "executed": list(call.executed), "children": children}), 200


@bp.get("/conferences")
def conferences() -> Response:
    from twilio_emulator.conferences import conference_log

    return jsonify(conference_log(emu().store))


@bp.get("/idle")
def idle() -> Response:
    timeout = min(float(request.args.get("timeout", "10")), 120.0)
    return jsonify({"idle": emu().engine.wait_idle(timeout)})


@bp.post("/reset")
def reset() -> Response:
    emu().reset()
    return jsonify({"ok": True})
