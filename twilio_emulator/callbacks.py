"""Outgoing webhooks: signed, with Twilio's retry overrides, duplicates and reordering faults."""

from __future__ import annotations

import logging
import random
import threading
import time
import uuid
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

import requests

from twilio_emulator.config import EmulatorConfig
from twilio_emulator.signing import signature, split_overrides
from twilio_emulator.state import CallbackLogEntry, Store

logger = logging.getLogger(__name__)
Params = list[tuple[str, str]]
USER_AGENT = "TwilioProxy/1.1"


class Dispatcher:
    """Sends webhooks the way Twilio does; `send` is fire-and-forget, `fetch` waits for TwiML."""

    def __init__(
        self,
        *,
        store: Store,
        submit: Callable[[Callable[[], None]], None],
        after_real: Callable[[float, Callable[[], None]], None],
        auth_token: str,
        config: Callable[[], EmulatorConfig],
        rng: random.Random,
    ) -> None:
        self._store = store
        self._submit = submit
        self._after_real = after_real
        self._auth_token = auth_token
        self._config = config
        self._rng = rng
        self._rng_lock = threading.Lock()
        self._local = threading.local()

    def send(self, url: str | None, params: Params, *, kind: str, method: str = "POST") -> None:
        if not url:
            return
        token = uuid.uuid4().hex
        faults = self._config().faults
        with self._rng_lock:
            duplicate = self._rng.random() < faults.duplicate_callback_rate
            reorder = self._rng.random() < faults.reorder_callback_rate

        def job() -> None:
            self.deliver(url, params, kind=kind, method=method, token=token)

        copies = 2 if duplicate else 1
        for _ in range(copies):
            if reorder:
                self._after_real(faults.reorder_delay_seconds, lambda: self._submit(job))
            else:
                self._submit(job)

    def fetch(self, url: str, params: Params, *, kind: str, method: str = "POST") -> str | None:
        """POST (or GET) a TwiML URL; the body on 2xx, None otherwise."""
        status, text = self.deliver(url, params, kind=kind, method=method, token=uuid.uuid4().hex)
        if status is not None and 200 <= status < 300:
            return text
        return None

    def deliver(
        self, url: str, params: Params, *, kind: str, method: str, token: str
    ) -> tuple[int | None, str]:
        bare, overrides = split_overrides(url)
        target = bare
        body: Params | None = params
        if method.upper() == "GET":
            joiner = "&" if urlsplit(bare).query else "?"
            target = bare + (joiner + urlencode(params) if params else "")
            body = None
        headers = {
            "X-Twilio-Signature": signature(self._auth_token, target, body or []),
            "I-Twilio-Idempotency-Token": token,
            "User-Agent": USER_AGENT,
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
        }
        deadline = time.monotonic() + max(overrides.total_timeout, 0.1)
        status: int | None = None
        text = ""
        for attempt in range(1, overrides.retry_count + 2):
            reason = ""
            try:
                response = self._session().request(
                    method.upper(),
                    target,
                    data=body,
                    headers=headers,
                    timeout=(overrides.connect_timeout, min(overrides.read_timeout, 15.0)),
                    allow_redirects=False,
                )
                status, text = response.status_code, response.text
                if status >= 500:
                    reason = "5xx"
                elif status >= 400:
                    reason = "4xx"
            except requests.ConnectTimeout:
                status, reason = None, "ct"
            except requests.ReadTimeout:
                status, reason = None, "rt"
            except requests.ConnectionError:
                status, reason = None, "ct"
            except requests.RequestException:
                status, reason = None, "other"
            self._store.log_callback(
                CallbackLogEntry(
                    url=target,
                    kind=kind,
                    params=_grouped(body or []),
                    status=status,
                    attempt=attempt,
                    token=token,
                    at=self._store.now().timestamp(),
                )
            )
            if not reason or not overrides.retries_on(reason) or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        if status is None or status >= 400:
            logger.info("webhook %s to %s failed: %s", kind, target, status)
        return status, text

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.trust_env = False
            self._local.session = session
        return session


def _grouped(params: Params) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in params:
        out.setdefault(key, []).append(value)
    return out
