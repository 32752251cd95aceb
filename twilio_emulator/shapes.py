"""Twilio's JSON shapes: SIDs, RFC 2822 dates, call and message resources, errors, pages."""

from __future__ import annotations

import email.utils
import math
import secrets
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

if TYPE_CHECKING:
    from twilio_emulator.state import CallRecord, MessageRecord

API_VERSION = "2010-04-01"
ERROR_MESSAGES = {
    20003: "Authenticate",
    20404: "The requested resource {uri} was not found",
    20429: "Too Many Requests",
    20500: "An internal server error has occurred",
    21211: "The 'To' number {to} is not a valid phone number.",
    21212: "The 'From' number {from_} is not a valid phone number, shortcode, "
    "or alphanumeric sender ID.",
    21214: "'To' phone number cannot be reached",
    21215: "Geo Permission configuration is not permitting call",
    21216: "Call blocked by Twilio blocklist",
    21217: "Phone number does not appear to be valid",
    21220: "Call is not in-progress. Cannot redirect.",
    21408: "Permission to send an SMS has not been enabled for the region "
    "indicated by the 'To' number: {to}.",
    21602: "Message body is required.",
    21606: "The 'From' phone number provided ({from_}) is not a valid "
    "message-capable Twilio phone number for this destination.",
    21610: "Attempt to send to unsubscribed recipient",
    21611: "This 'From' number has exceeded the maximum number of queued messages",
    21612: "The 'To' phone number: {to}, is not currently reachable using "
    "the 'From' phone number: {from_} via SMS.",
    21614: "'To' number is not a valid mobile number",
    21617: "The concatenated message body exceeds the 1600 character limit.",
    21624: "Invalid validity period value",
    21201: "No 'To' number is specified",
    21603: "A 'From' phone number is required.",
    21205: "Url parameter is required.",
}
SMS_ERROR_MESSAGES = {
    30003: "Unreachable destination handset",
    30004: "Message blocked",
    30005: "Unknown destination handset",
    30006: "Landline or unreachable carrier",
    30007: "Carrier violation",
    30008: "Unknown error",
    30036: "Validity Period Expired",
}
MAX_VALIDITY_PERIOD = 36000  # seconds: ValidityPeriod is 1 to 36,000


def new_sid(prefix: str) -> str:
    return prefix + secrets.token_hex(16)


def rfc2822(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return email.utils.format_datetime(moment.astimezone(UTC).replace(microsecond=0))


def error_body(code: int, status: int, **fmt: str) -> dict[str, Any]:
    template = ERROR_MESSAGES.get(code, "Error")
    try:
        message = template.format(**fmt)
    except KeyError:
        message = template
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


def price(duration: int) -> str:
    return f"-{0.014 * max(1, math.ceil(duration / 60)):.5f}"


def account_base(account_sid: str) -> str:
    return f"/{API_VERSION}/Accounts/{account_sid}"


def call_json(call: CallRecord) -> dict[str, Any]:
    uri = f"{account_base(call.account_sid)}/Calls/{call.sid}"
    sub = {
        name: f"{uri}/{path}.json"
        for name, path in (
            ("feedback", "Feedback"),
            ("notifications", "Notifications"),
            ("recordings", "Recordings"),
            ("streams", "Streams"),
            ("payments", "Payments"),
            ("user_defined_message_subscriptions", "UserDefinedMessageSubscriptions"),
            ("user_defined_messages", "UserDefinedMessages"),
            ("events", "Events"),
            ("siprec", "Siprec"),
            ("transcriptions", "Transcriptions"),
        )
    }
    return {
        "sid": call.sid,
        "date_created": rfc2822(call.date_created),
        "date_updated": rfc2822(call.date_updated),
        "parent_call_sid": call.parent_call_sid,
        "account_sid": call.account_sid,
        "to": call.to,
        "to_formatted": call.to,
        "from": call.from_,
        "from_formatted": call.from_,
        "phone_number_sid": None,
        "status": call.status,
        "start_time": rfc2822(call.start_time),
        "end_time": rfc2822(call.end_time),
        "duration": None if call.duration is None else str(call.duration),
        "price": None if call.duration is None else price(call.duration),
        "price_unit": "USD",
        "direction": call.direction,
        "answered_by": call.answered_by,
        "api_version": API_VERSION,
        "forwarded_from": None,
        "group_sid": None,
        "caller_name": None,
        "queue_time": str(call.queue_time_ms),
        "trunk_sid": None,
        "uri": f"{uri}.json",
        "subresource_uris": sub,
    }


def message_json(msg: MessageRecord) -> dict[str, Any]:
    uri = f"{account_base(msg.account_sid)}/Messages/{msg.sid}"
    return {
        "body": msg.body,
        "num_segments": str(msg.num_segments),
        "direction": msg.direction,
        "from": msg.from_,
        "to": msg.to,
        "date_updated": rfc2822(msg.date_updated),
        "price": None,
        "error_message": SMS_ERROR_MESSAGES.get(msg.error_code) if msg.error_code else None,
        "uri": f"{uri}.json",
        "account_sid": msg.account_sid,
        "num_media": "0",
        "status": msg.status,
        "messaging_service_sid": None,
        "sid": msg.sid,
        "date_sent": rfc2822(msg.date_sent),
        "date_created": rfc2822(msg.date_created),
        "error_code": msg.error_code,
        "price_unit": "USD",
        "api_version": API_VERSION,
        "subresource_uris": {
            "media": f"{uri}/Media.json",
            "feedback": f"{uri}/Feedback.json",
        },
    }


def page_json(
    *,
    key: str,
    items: list[dict[str, Any]],
    path: str,
    query: list[tuple[str, str]],
    page: int,
    page_size: int,
    has_next: bool,
) -> dict[str, Any]:
    """The list envelope; page URIs keep the filters so the SDK can follow next_page_uri."""
    filters = [(k, v) for k, v in query if k not in {"Page", "PageSize", "PageToken"}]

    def uri(number: int) -> str:
        q = [*filters, ("PageSize", str(page_size)), ("Page", str(number))]
        if number > 0:
            q.append(("PageToken", f"PA{number}"))
        return f"{path}?{urlencode(q)}"

    start = page * page_size
    return {
        key: items,
        "end": start + max(len(items) - 1, 0),
        "first_page_uri": uri(0),
        "next_page_uri": uri(page + 1) if has_next else None,
        "page": page,
        "page_size": page_size,
        "previous_page_uri": uri(page - 1) if page > 0 else None,
        "start": start,
        "uri": uri(page),
    }


def sms_segments(body: str) -> int:
    gsm = all(ord(ch) < 128 for ch in body)
    single, multi = (160, 153) if gsm else (70, 67)
    if len(body) <= single:
        return 1
    return math.ceil(len(body) / multi)
