"""The emulator's JSON answers validate against Twilio's own OpenAPI response schemas."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest
import requests
from openapi_schema_validator import OAS30Validator

from tests.shared_files import shared_file
from twilio_emulator.testing import EmulatorHandle

# The Calls and Messages part of Twilio's OpenAPI description (paths and component schemas).
SPEC = shared_file("twilio/twilio_calls_messages_subset.json")
CALLS = "/2010-04-01/Accounts/{AccountSid}/Calls.json"
CALL = "/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json"
MESSAGES = "/2010-04-01/Accounts/{AccountSid}/Messages.json"
MESSAGE = "/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json"
ERROR_SCHEMA = {
    "type": "object",
    "required": ["code", "message", "more_info", "status"],
    "properties": {
        "code": {"type": "integer"},
        "message": {"type": "string"},
        "more_info": {"type": "string", "pattern": "^https://www.twilio.com/docs/errors/"},
        "status": {"type": "integer"},
    },
}


@cache
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SPEC.read_text(encoding="utf-8"))
    return loaded


def validate(path: str, method: str, status: int, body: Any) -> None:
    """Validate with the operation's response schema; $refs resolve into the spec's components."""
    operation = spec()["paths"][path][method]
    schema = operation["responses"][str(status)]["content"]["application/json"]["schema"]
    rooted = {**schema, "components": spec()["components"]}
    OAS30Validator(rooted).validate(body)


def test_the_spec_is_present():
    assert SPEC.is_file(), f"missing {SPEC}"


@pytest.fixture
def api(emulator: EmulatorHandle):
    session = requests.Session()
    session.auth = (emulator.account_sid, emulator.auth_token)
    base = f"{emulator.base_url}/2010-04-01/Accounts/{emulator.account_sid}"
    return session, base


def test_call_shapes(emulator, api):
    session, base = api
    emulator.script("+15551234567", call="human", ring_seconds=1)
    form = {
        "To": "+15551234567",
        "From": "+15005550006",
        "Twiml": "<Response><Say>hi</Say></Response>",
        "MachineDetection": "Enable",
    }
    created = session.post(f"{base}/Calls.json", data=form)
    assert created.status_code == 201
    validate(CALLS, "post", 201, created.json())
    assert emulator.wait_idle()
    sid = created.json()["sid"]
    fetched = session.get(f"{base}/Calls/{sid}.json")
    validate(CALL, "get", 200, fetched.json())
    assert fetched.json()["status"] == "completed"
    assert isinstance(fetched.json()["duration"], str)
    listed = session.get(f"{base}/Calls.json", params={"PageSize": 1})
    validate(CALLS, "get", 200, listed.json())
    updated = session.post(f"{base}/Calls/{sid}.json", data={"Status": "completed"})
    validate(CALL, "post", 200, updated.json())


def test_message_shapes(emulator, api):
    session, base = api
    form = {"To": "+15551234568", "From": "+15005550006", "Body": "hello"}
    created = session.post(f"{base}/Messages.json", data=form)
    assert created.status_code == 201
    validate(MESSAGES, "post", 201, created.json())
    sid = created.json()["sid"]
    validate(MESSAGE, "get", 200, session.get(f"{base}/Messages/{sid}.json").json())
    listed = session.get(f"{base}/Messages.json", params={"To": "+15551234568"})
    validate(MESSAGES, "get", 200, listed.json())
    assert [m["sid"] for m in listed.json()["messages"]] == [sid]


def test_error_shape(api):
    session, base = api
    bad = session.post(
        f"{base}/Messages.json", data={"To": "+15005550001", "From": "+1500", "Body": "x"}
    )
    assert bad.status_code == 400
    OAS30Validator(ERROR_SCHEMA).validate(bad.json())
    assert bad.json()["code"] == 21211
    unauthorized = requests.get(f"{base}/Calls.json", auth=("AC" + "1" * 32, "nope"), timeout=5)
    assert unauthorized.status_code == 401
    OAS30Validator(ERROR_SCHEMA).validate(unauthorized.json())
    assert unauthorized.json()["code"] == 20003
