"""SMS: the outbound status lifecycle and inbound messages (with STOP/START opt-outs)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from twilio_emulator.callbacks import Dispatcher, Params
from twilio_emulator.config import EmulatorConfig
from twilio_emulator.engine import Engine
from twilio_emulator.scenarios import OPT_IN_WORDS, OPT_OUT_WORDS, Scenarios
from twilio_emulator.shapes import API_VERSION, new_sid, sms_segments
from twilio_emulator.state import MessageRecord, Store

FINAL = frozenset({"delivered", "undelivered", "failed"})
VALIDITY_EXPIRED = 30036


class MessageFlow:
    def __init__(
        self,
        *,
        store: Store,
        engine: Engine,
        dispatcher: Dispatcher,
        scenarios: Scenarios,
        config: Callable[[], EmulatorConfig],
    ) -> None:
        self.store = store
        self.engine = engine
        self.dispatcher = dispatcher
        self.scenarios = scenarios
        self.config = config

    def start(self, msg: MessageRecord) -> None:
        msg.outcome, msg.planned_error = self.scenarios.plan_sms(msg.to)
        queued = self._queue(msg)
        if msg.validity_period is not None and queued > msg.validity_period:
            msg.outcome, msg.planned_error = "failed", VALIDITY_EXPIRED  # never leaves the queue
            self.engine.after(msg.validity_period, lambda: self._advance(msg, "failed"))
            return
        if msg.outcome == "failed":
            self.engine.after(queued + 0.5, lambda: self._advance(msg, "failed"))
            return
        self.engine.after(queued + 0.2, lambda: self._advance(msg, "sending"))
        self.engine.after(queued + 0.5, lambda: self._advance(msg, "sent"))
        if msg.outcome != "sent":
            self.engine.after(queued + 1.5, lambda: self._advance(msg, msg.outcome))

    def _queue(self, msg: MessageRecord) -> float:
        """Emulated seconds the text waits behind its sender's earlier texts (sms_mps)."""
        mps = self.config().sms_mps
        if mps <= 0:
            return 0.0
        real_now = time.monotonic()
        with self.store.lock:
            free_at = max(self.store.sms_queue_free_at.get(msg.from_, real_now), real_now)
            waited = (free_at - real_now) * self.engine.speed
            if msg.validity_period is None or waited <= msg.validity_period:
                sending = self.engine.real(msg.num_segments / mps)
                self.store.sms_queue_free_at[msg.from_] = free_at + sending
        return waited

    def _advance(self, msg: MessageRecord, status: str) -> None:
        with self.store.lock:
            if msg.status in FINAL or msg.status == "canceled":
                return
            msg.status = status
            msg.date_updated = self.store.now()
            if status == "sent":
                msg.date_sent = msg.date_updated
            if status in {"undelivered", "failed"}:
                msg.error_code = msg.planned_error
        params: Params = [
            ("AccountSid", msg.account_sid),
            ("From", msg.from_),
            ("To", msg.to),
            ("MessageSid", msg.sid),
            ("SmsSid", msg.sid),
            ("MessageStatus", status),
            ("SmsStatus", status),
            ("ApiVersion", API_VERSION),
        ]
        if msg.error_code is not None:
            params.append(("ErrorCode", str(msg.error_code)))
        if status in {"delivered", "undelivered"}:
            params.append(("RawDlrDoneDate", self.store.now().strftime("%y%m%d%H%M")))
        self.dispatcher.send(msg.status_callback, params, kind=f"sms-{status}")

    def inbound(
        self, *, account_sid: str, from_: str, to: str, body: str, url: str | None
    ) -> dict[str, Any]:
        """Record an inbound SMS, apply STOP/START, and POST it (signed) to the webhook."""
        moment = self.store.now()
        msg = MessageRecord(
            sid=new_sid("SM"),
            account_sid=account_sid,
            to=to,
            from_=from_,
            body=body,
            date_created=moment,
            date_updated=moment,
            date_sent=moment,
            status="received",
            direction="inbound",
            num_segments=sms_segments(body),
        )
        keyword = body.strip().upper()
        with self.store.lock:
            self.store.messages[msg.sid] = msg
            if keyword in OPT_OUT_WORDS:
                self.store.opted_out.add(from_)
            elif keyword in OPT_IN_WORDS:
                self.store.opted_out.discard(from_)
        target = url or self.config().inbound_sms_url
        params: Params = [
            ("MessageSid", msg.sid),
            ("SmsSid", msg.sid),
            ("SmsMessageSid", msg.sid),
            ("AccountSid", account_sid),
            ("From", from_),
            ("To", to),
            ("Body", body),
            ("NumMedia", "0"),
            ("NumSegments", str(msg.num_segments)),
            ("SmsStatus", "received"),
            ("ApiVersion", API_VERSION),
        ]
        status: int | None = None
        text = ""
        if target:
            status, text = self.dispatcher.deliver(
                target, params, kind="sms-inbound", method="POST", token=new_sid("")
            )
        return {"sid": msg.sid, "url": target, "webhook_status": status, "webhook_body": text}
