"""The Recordings resource: list, fetch, delete and the audio (.wav), as on Twilio.

GET    /2010-04-01/Accounts/{AccountSid}/Recordings.json        (CallSid, DateCreated filters)
GET    /2010-04-01/Accounts/{AccountSid}/Recordings/{Sid}.json
DELETE /2010-04-01/Accounts/{AccountSid}/Recordings/{Sid}.json  -> 204
GET    /2010-04-01/Accounts/{AccountSid}/Recordings/{Sid}.wav   -> silent audio of its duration
"""

from __future__ import annotations

import io
import wave
from typing import Any

from flask import Response, jsonify, request

from twilio_emulator.api import bp, date_filter, emu, error, page_of
from twilio_emulator.shapes import API_VERSION, account_base, rfc2822
from twilio_emulator.state import RecordingRecord

SAMPLE_RATE = 8000
LONGEST_AUDIO_SECONDS = 10  # the emulator's audio is silence: a few seconds is enough


def recording_json(recording: RecordingRecord) -> dict[str, Any]:
    uri = f"{account_base(recording.account_sid)}/Recordings/{recording.sid}"
    return {
        "account_sid": recording.account_sid,
        "api_version": API_VERSION,
        "call_sid": recording.call_sid,
        "conference_sid": None,
        "date_created": rfc2822(recording.date_created),
        "date_updated": rfc2822(recording.date_created),
        "start_time": rfc2822(recording.start_time),
        "duration": str(recording.duration),
        "sid": recording.sid,
        "price": None,
        "price_unit": "USD",
        "status": recording.status,
        "channels": recording.channels,
        "source": recording.source,
        "error_code": None,
        "uri": f"{uri}.json",
        "encryption_details": None,
        "subresource_uris": {
            "add_on_results": f"{uri}/AddOnResults.json",
            "transcriptions": f"{uri}/Transcriptions.json",
        },
        "media_url": f"https://api.twilio.com{uri}",
    }


@bp.get("/Recordings.json")
def list_recordings(account: str) -> Response:
    store = emu().store
    call_sid = request.args.get("CallSid")
    with store.lock:
        rows = [
            recording_json(r)
            for r in reversed(store.recordings.values())
            if (not call_sid or r.call_sid == call_sid)
            and date_filter(r.date_created, "DateCreated")
        ]
    return page_of("recordings", rows)


@bp.route("/Recordings/<sid>.json", methods=["GET", "DELETE"])
def recording_resource(account: str, sid: str) -> tuple[Response | str, int]:
    store = emu().store
    with store.lock:
        recording = store.recordings.get(sid)
        if recording is None:
            return error(20404, 404, uri=request.path)
        if request.method == "DELETE":
            del store.recordings[sid]
            return "", 204
        return jsonify(recording_json(recording)), 200


@bp.get("/Recordings/<sid>.wav")
def recording_audio(account: str, sid: str) -> tuple[Response, int]:
    store = emu().store
    with store.lock:
        recording = store.recordings.get(sid)
    if recording is None:
        return error(20404, 404, uri=request.path)
    seconds = max(1, min(recording.duration, LONGEST_AUDIO_SECONDS))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as audio:
        audio.setnchannels(recording.channels)
        audio.setsampwidth(1)
        audio.setframerate(SAMPLE_RATE)
        audio.writeframes(b"\x80" * SAMPLE_RATE * seconds * recording.channels)
    return Response(buffer.getvalue(), mimetype="audio/x-wav"), 200
