"""Conference rooms: `<Dial><Conference>` and the Conferences and Participants list endpoints.

As on Twilio: a room is named per account; the first join creates it; it starts when a
participant with startConferenceOnEnter (default true) is in it (until then the others wait,
hearing the waitUrl, or silence when it is empty or absent: the emulator has no hold music);
it ends when a participant with endConferenceOnExit leaves, or the last one does, and every
other participant drops out of it and goes on with their TwiML (the <Dial> action,
DialCallStatus "answered").

A participant stays until their call is hung up (the Calls update endpoint) or redirected,
until the room ends, or for their number script's `talk_seconds` (emulated): then they hang
up themselves (the <Dial> action is still requested, as Twilio does when the caller hangs up).
Each join is logged in the call's `heard` list (verb "Conference", at the emulated seconds
after the call's answer) and in `executed` with the moment the room bridged them.

A participant who joins a room that has not started requests its waitUrl (waitMethod, POST
by default) once and hears its Say, Play and Pause verbs (the only ones Twilio allows there)
until the room starts, they are hung up or redirected; then silence (Twilio would request the
waitUrl again when its TwiML ends).
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from flask import Response, request

from twilio_emulator.api import bp, emu, error, page_of
from twilio_emulator.shapes import API_VERSION, account_base, new_sid, rfc2822
from twilio_emulator.state import ConferenceRecord, ParticipantRecord, Store

if TYPE_CHECKING:
    from twilio_emulator.state import CallRecord
    from twilio_emulator.twiml_runner import Document, TwimlRunner

POLL_SECONDS = 0.02  # real seconds between looks at the room while waiting in it


def _flag(noun: ET.Element, name: str, default: bool) -> bool:
    value = noun.get(name)
    return default if value is None else value.strip().lower() == "true"


def join(store: Store, call: CallRecord, name: str, noun: ET.Element) -> ConferenceRecord:
    """Put `call` in the account's open room `name` (created if there is none)."""
    start = _flag(noun, "startConferenceOnEnter", True)
    end = _flag(noun, "endConferenceOnExit", False)
    with store.lock:
        room = next(
            (
                r
                for r in store.conferences.values()
                if r.account_sid == call.account_sid
                and r.friendly_name == name
                and r.status != "completed"
            ),
            None,
        )
        moment = store.now()
        if room is None:
            room = ConferenceRecord(new_sid("CF"), call.account_sid, name, moment, moment)
            store.conferences[room.sid] = room
        room.participants.append(ParticipantRecord(call.sid, moment, start, end))
        if start and room.status == "init":
            room.status = "in-progress"
            room.date_updated = moment
            room.started.set()
    return room


def leave(store: Store, room: ConferenceRecord, call_sid: str) -> None:
    with store.lock:
        moment = store.now()
        me = _participant(room, call_sid)
        if me is not None and me.left_at is None:
            me.left_at = moment
        alone = all(p.left_at is not None for p in room.participants)
        if room.status != "completed" and ((me is not None and me.end_on_exit) or alone):
            room.status = "completed"
            room.date_updated = moment
            room.ended.set()


def _participant(room: ConferenceRecord, call_sid: str) -> ParticipantRecord | None:
    return next((p for p in room.participants if p.call_sid == call_sid and not p.left_at), None)


def run_conference(
    runner: TwimlRunner, verb: ET.Element, noun: ET.Element, doc: Document
) -> Document | str:
    """The caller is in the room until hung up, redirected, the room ends or they hang up."""
    from twilio_emulator.twiml_runner import CONTINUE, HANGUP

    call, store = runner.call, runner.flow.store
    name = (noun.text or "").strip()
    runner.hear(noun)  # the moment they are in the room, after their answer
    room = join(store, call, name, noun)
    runner.log(call, {"event": "conference-joined", "conference_sid": room.sid, "name": name})
    deadline = time.monotonic() + runner.engine.real(call.plan.talk_seconds)
    _wait_music(runner, noun, doc, room)
    while not (room.started.is_set() or room.ended.is_set()):
        if call.interrupt.wait(POLL_SECONDS) or time.monotonic() >= deadline:
            break
    if room.started.is_set() and not call.interrupt.is_set():
        with store.lock:
            me = _participant(room, call.sid)
            if me is not None:
                me.bridged_at = store.now()
        runner.log(call, {"event": "conference-bridged", "conference_sid": room.sid})
    while not (room.ended.is_set() or call.interrupt.is_set()) and time.monotonic() < deadline:
        call.interrupt.wait(POLL_SECONDS)
    interrupted = call.interrupt.is_set()
    ended_by_room = room.ended.is_set()
    leave(store, room, call.sid)
    if interrupted:
        return CONTINUE  # hung up or redirected: the runner takes it from here
    extra = [("DialCallStatus", "answered"), ("ConferenceSid", room.sid)]
    followed = runner.follow(verb, doc, extra)
    return followed if ended_by_room else HANGUP


def _wait_music(
    runner: TwimlRunner, noun: ET.Element, doc: Document, room: ConferenceRecord
) -> None:
    """The waitUrl's verbs, while the room has not started (see the module's docstring)."""
    url, call = noun.get("waitUrl"), runner.call
    if not url or room.started.is_set() or room.ended.is_set():
        return
    music = runner.load(urljoin(doc.url, url), noun.get("waitMethod", "POST"), [])
    for verb in [] if music is None else music.verbs:
        if verb.tag not in {"Say", "Play", "Pause"}:
            continue
        if room.started.is_set() or room.ended.is_set() or call.interrupt.is_set():
            return
        runner.log_verb(call, verb, parent="waitUrl")
        runner.hear(verb)
        until = time.monotonic() + runner.engine.real(runner.media_seconds(verb))
        while time.monotonic() < until and not (room.started.is_set() or room.ended.is_set()):
            if call.interrupt.wait(POLL_SECONDS):
                return


def conference_json(room: ConferenceRecord) -> dict[str, Any]:
    base = f"{account_base(room.account_sid)}/Conferences/{room.sid}"
    return {
        "sid": room.sid,
        "account_sid": room.account_sid,
        "friendly_name": room.friendly_name,
        "status": room.status,
        "date_created": rfc2822(room.date_created),
        "date_updated": rfc2822(room.date_updated),
        "region": "us1",
        "reason_conference_ended": None,
        "api_version": API_VERSION,
        "uri": f"{base}.json",
        "subresource_uris": {"participants": f"{base}/Participants.json"},
    }


def participant_json(room: ConferenceRecord, part: ParticipantRecord) -> dict[str, Any]:
    return {
        "call_sid": part.call_sid,
        "conference_sid": room.sid,
        "account_sid": room.account_sid,
        "date_created": rfc2822(part.joined_at),
        "date_updated": rfc2822(part.left_at or part.bridged_at or part.joined_at),
        "start_conference_on_enter": part.start_on_enter,
        "end_conference_on_exit": part.end_on_exit,
        "muted": False,
        "hold": False,
        "coaching": False,
        "status": "connected",
        "label": None,
        "uri": f"{account_base(room.account_sid)}/Conferences/{room.sid}/"
        f"Participants/{part.call_sid}.json",
    }


@bp.get("/Conferences.json")
def list_conferences(account: str) -> Response:
    args = request.args
    with emu().store.lock:
        rows = [
            conference_json(room)
            for room in reversed(emu().store.conferences.values())
            if (not args.get("FriendlyName") or room.friendly_name == args["FriendlyName"])
            and (not args.get("Status") or room.status == args["Status"])
        ]
    return page_of("conferences", rows)


@bp.get("/Conferences/<sid>/Participants.json")
def list_participants(account: str, sid: str) -> Response | tuple[Response, int]:
    """The participants in the room now (as on Twilio: those who left are not listed)."""
    with emu().store.lock:
        room = emu().store.conferences.get(sid)
        if room is None:
            return error(20404, 404, uri=request.path)
        rows = [participant_json(room, p) for p in room.participants if p.left_at is None]
    return page_of("participants", rows)


def conference_log(store: Store) -> list[dict[str, Any]]:
    """Every room with every stay in it, joins and bridges included (the control endpoint)."""
    with store.lock:
        return [
            conference_json(room)
            | {
                "stays": [
                    {
                        "call_sid": p.call_sid,
                        "joined_at": p.joined_at.isoformat(),
                        "bridged_at": None if p.bridged_at is None else p.bridged_at.isoformat(),
                        "left_at": None if p.left_at is None else p.left_at.isoformat(),
                    }
                    for p in room.participants
                ]
            }
            for room in store.conferences.values()
        ]
