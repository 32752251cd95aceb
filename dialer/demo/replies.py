"""Consumers who answer the demo's texts: STOP, a promise, a question, in their language.

The replies go through the emulator's inbound-SMS endpoint, so they reach the web app signed
exactly like Twilio's, and land in the case record like any real reply.
"""

from __future__ import annotations

import contextlib
import random

import requests
from sqlalchemy import select
from sqlalchemy.orm import Session

from dialer.db.models import Consumer, ContactAttempt
from dialer.vocabulary import AttemptStatus, Channel, Direction

REPLY_SHARE = 0.08  # of delivered texts
REPLIES = {
    "en": ("STOP", "I can pay $50 on Friday", "Who is this?", "please stop texting me"),
    "es": ("STOP", "Puedo pagar el viernes", "¿Quién es?", "STOP"),
    "zh": ("退订", "我周五还款", "你是谁？", "别再发短信了"),
}


class ConsumerReplies:
    """Picks a seeded share of the texts delivered since the last look and replies to them."""

    def __init__(self, api_base: str, *, seed: int, share: float = REPLY_SHARE) -> None:
        self._api_base = api_base
        self._rng = random.Random(seed)  # noqa: S311 - a demo's make-believe, not security
        self._share = share
        self._last_id = 0
        self.sent = 0

    def pick(self, session: Session) -> list[tuple[str, str, str]]:
        """(consumer number, our number, body) for a seeded share of the new deliveries.

        Only reads: the replies are sent after the session is closed, because the web app
        that receives them needs the database (on SQLite a held transaction would stall it).
        """
        rows = session.execute(
            select(
                ContactAttempt.id,
                ContactAttempt.to_number,
                ContactAttempt.from_number,
                Consumer.language,
            )
            .join(Consumer, Consumer.id == ContactAttempt.consumer_id)
            .where(
                ContactAttempt.id > self._last_id,
                ContactAttempt.channel == Channel.SMS.value,
                ContactAttempt.direction == Direction.OUTBOUND.value,
                ContactAttempt.status == AttemptStatus.DELIVERED.value,
            )
            .order_by(ContactAttempt.id)
        ).all()
        chosen = []
        for attempt_id, consumer_number, our_number, language in rows:
            self._last_id = max(self._last_id, attempt_id)
            if consumer_number and our_number and self._rng.random() < self._share:
                body = self._rng.choice(REPLIES.get(language, REPLIES["en"]))
                chosen.append((consumer_number, our_number, body))
        return chosen

    def send(self, replies: list[tuple[str, str, str]]) -> None:
        for consumer_number, our_number, body in replies:
            self._send(consumer_number, our_number, body)

    def _send(self, consumer_number: str, our_number: str, body: str) -> None:
        with contextlib.suppress(requests.RequestException):
            response = requests.post(
                f"{self._api_base}/_emulator/inbound-sms",
                json={"from": consumer_number, "to": our_number, "body": body},
                timeout=5,
            )
            if response.ok:
                self.sent += 1
