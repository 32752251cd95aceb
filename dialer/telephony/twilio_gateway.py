"""TwilioTelephony: the Telephony port on the official twilio client (the only Client here)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import requests
from twilio.base import values
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from dialer.telephony.error_mapping import map_exception
from dialer.telephony.errors import TelephonyError
from dialer.telephony.ports import ProviderCall, ProviderMessage

if TYPE_CHECKING:
    from config.settings import Settings

T = TypeVar("T")
CALL_EVENTS = ["initiated", "ringing", "answered", "completed"]
# Connection overrides (URL fragment, not signed): retry our webhooks twice on any failure.
CALLBACK_OVERRIDES = "rc=2&rp=all"
LOOKUP_LIMIT = 50
LONGEST_VALIDITY = timedelta(hours=10)  # Twilio's longest ValidityPeriod
TWILIO_API = "https://api.twilio.com"
MEDIA_TIMEOUT_SECONDS = 30.0


def validity_seconds(valid_for: timedelta) -> int:
    """Twilio's ValidityPeriod: whole seconds, 1 to 36,000, never longer than asked."""
    seconds = int(valid_for.total_seconds())
    if not 1 <= seconds <= LONGEST_VALIDITY.total_seconds():
        msg = f"a text's validity must be 1 s to 10 h, not {valid_for}"
        raise ValueError(msg)
    return seconds


class RebasedHttpClient(TwilioHttpClient):  # type: ignore[misc]
    """Sends every request to `base_url` (the emulator) whatever host the SDK built."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:  # noqa: ANN401 - SDK kwargs
        super().__init__(**kwargs)
        base = urlsplit(base_url)
        self._scheme, self._netloc, self._prefix = base.scheme, base.netloc, base.path.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:  # noqa: ANN401
        parts = urlsplit(url)
        rebased = urlunsplit(
            (self._scheme, self._netloc, self._prefix + parts.path, parts.query, parts.fragment)
        )
        response: Response = super().request(method, rebased, *args, **kwargs)
        return response


def with_overrides(url: str) -> str:
    """Add Twilio's connection overrides to a callback URL (kept if it already has some)."""
    if "#" in url:
        return url
    return f"{url}#{CALLBACK_OVERRIDES}"


class TwilioTelephony:
    def __init__(self, client: Client, *, api_base: str | None = None) -> None:
        self._client = client
        self._api_base = (api_base or TWILIO_API).rstrip("/")

    @classmethod
    def create(
        cls, account_sid: str, auth_token: str, api_base: str | None, timeout_seconds: float
    ) -> TwilioTelephony:
        """A gateway on Twilio itself, or on the emulator at `api_base` (approach B, NOTES 1.2)."""
        http_client: TwilioHttpClient
        if api_base:
            http_client = RebasedHttpClient(api_base, timeout=timeout_seconds)
        else:
            http_client = TwilioHttpClient(timeout=timeout_seconds)
        client = Client(account_sid, auth_token, http_client=http_client, environment={"_": ""})
        client.edge = None
        client.region = None
        return cls(client, api_base=api_base)

    @classmethod
    def from_settings(cls, settings: Settings) -> TwilioTelephony:
        """The gateway the settings name: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_API_BASE
        (unset: Twilio itself) and TWILIO_TIMEOUT_SECONDS. Processes build it through
        `dialer.bootstrap` (once each); `create` is for tests and tools with explicit
        credentials."""
        return cls.create(
            settings.twilio_account_sid,
            settings.twilio_auth_token.get_secret_value(),
            settings.twilio_api_base,
            settings.twilio_timeout_seconds,
        )

    def _do(self, action: Callable[[], T], *, creating: bool = False) -> T:
        try:
            return action()
        except Exception as exc:
            raise map_exception(exc, creating=creating) from exc

    def place_call(
        self,
        *,
        to: str,
        from_: str,
        answer_url: str,
        status_url: str,
        amd_url: str | None,
        timeout_seconds: int,
        machine_detection: bool,
    ) -> ProviderCall:
        options: dict[str, Any] = {
            "to": to,
            "from_": from_,
            "url": with_overrides(answer_url),
            "method": "POST",
            "status_callback": with_overrides(status_url),
            "status_callback_event": CALL_EVENTS,
            "status_callback_method": "POST",
            "timeout": timeout_seconds,
        }
        if machine_detection:
            options["machine_detection"] = "DetectMessageEnd"
            if amd_url:
                options["async_amd"] = "true"
                options["async_amd_status_callback"] = with_overrides(amd_url)
                options["async_amd_status_callback_method"] = "POST"
        call = self._do(lambda: self._client.calls.create(**options), creating=True)
        return to_call(call)

    def send_sms(
        self,
        *,
        to: str,
        from_: str,
        body: str,
        status_url: str,
        valid_for: timedelta | None = None,
    ) -> ProviderMessage:
        validity = values.unset if valid_for is None else validity_seconds(valid_for)
        msg = self._do(
            lambda: self._client.messages.create(
                to=to,
                from_=from_,
                body=body,
                status_callback=with_overrides(status_url),
                validity_period=validity,
            ),
            creating=True,
        )
        return to_message(msg)

    def fetch_call(self, sid: str) -> ProviderCall:
        return to_call(self._do(lambda: self._client.calls(sid).fetch()))

    def fetch_message(self, sid: str) -> ProviderMessage:
        return to_message(self._do(lambda: self._client.messages(sid).fetch()))

    def cancel_call(self, sid: str) -> ProviderCall:
        return to_call(self._do(lambda: self._client.calls(sid).update(status="canceled")))

    def hang_up(self, sid: str) -> ProviderCall:
        return to_call(self._do(lambda: self._client.calls(sid).update(status="completed")))

    def redirect_call(self, sid: str, *, url: str) -> ProviderCall:
        return to_call(self._do(lambda: self._client.calls(sid).update(url=url, method="POST")))

    def find_calls(self, *, to: str, from_: str, created_after: datetime) -> list[ProviderCall]:
        found = self._do(lambda: self._client.calls.list(to=to, from_=from_, limit=LOOKUP_LIMIT))
        calls = [to_call(c) for c in found]
        return [c for c in calls if c.created_at is None or c.created_at >= _floor(created_after)]

    def find_messages(
        self, *, to: str, from_: str, created_after: datetime
    ) -> list[ProviderMessage]:
        found = self._do(lambda: self._client.messages.list(to=to, from_=from_, limit=LOOKUP_LIMIT))
        msgs = [to_message(m) for m in found]
        return [m for m in msgs if m.created_at is None or m.created_at >= _floor(created_after)]

    def call_log(self) -> list[ProviderCall]:
        """Every call on the account (the provider's own log, for audits)."""
        return [to_call(c) for c in self._do(lambda: self._client.calls.list(page_size=1000))]

    def delete_recording(self, sid: str) -> None:
        """DELETE /Recordings/{sid} (official client): the audio and the record are gone."""
        self._do(lambda: self._client.recordings(sid).delete())

    def recording_audio(self, sid: str) -> bytes:
        """GET /Recordings/{sid}.wav with the account's credentials (media URLs may require
        HTTP auth); the official client decodes bodies as text, so requests (its own
        dependency) reads the bytes."""
        account = self._client.account_sid
        url = f"{self._api_base}/2010-04-01/Accounts/{account}/Recordings/{sid}.wav"
        auth = (self._client.username, self._client.password)

        def fetch() -> bytes:
            response = requests.get(url, auth=auth, timeout=MEDIA_TIMEOUT_SECONDS)
            if response.status_code == HTTPStatus.NOT_FOUND:
                raise TelephonyError(20404, 404, f"recording {sid} not found")
            response.raise_for_status()
            return response.content

        try:
            return fetch()
        except TelephonyError:
            raise
        except requests.RequestException as exc:
            raise TelephonyError(None, None, f"recording {sid}: {exc}") from exc

    def message_log(self) -> list[ProviderMessage]:
        """Every message on the account (the provider's own log, for audits)."""
        found = self._do(lambda: self._client.messages.list(page_size=1000))
        return [to_message(m) for m in found]


def _floor(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def _int(value: object) -> int | None:
    try:
        return None if value is None else int(str(value))
    except ValueError:
        return None


def to_call(call: Any) -> ProviderCall:  # noqa: ANN401 - twilio's CallInstance is untyped
    return ProviderCall(
        sid=str(call.sid),
        status=str(call.status),
        to=str(call.to),
        from_=str(call._from),  # CallInstance names it _from (MessageInstance: from_)
        created_at=call.date_created,
        answered_by=call.answered_by,
        duration=_int(call.duration),
        start_time=call.start_time,
        end_time=call.end_time,
        parent_call_sid=call.parent_call_sid,
        direction=call.direction,
    )


def to_message(msg: Any) -> ProviderMessage:  # noqa: ANN401 - twilio's MessageInstance is untyped
    return ProviderMessage(
        sid=str(msg.sid),
        status=str(msg.status),
        to=str(msg.to),
        from_=str(msg.from_),
        created_at=msg.date_created,
        body=msg.body or "",
        error_code=_int(msg.error_code),
        error_message=msg.error_message,
        sent_at=msg.date_sent,
        direction=str(msg.direction) if msg.direction is not None else None,
    )
