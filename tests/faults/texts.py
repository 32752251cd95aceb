"""The counts of a fault run on texts: the emulator's Messages log (read with the official
client) against the database, as `FaultRun.counts` does for calls."""

from __future__ import annotations

from collections import Counter
from typing import Any

import sqlalchemy as sa
from twilio.rest import Client

from dialer.db.engine import transaction
from dialer.db.models import ContactAttempt, ProviderEvent
from dialer.telephony.twilio_gateway import RebasedHttpClient
from tests.faults.harness import FINAL, Counts, FaultRun, _callback_outcomes

TWILIO_FINAL_TEXT = {"delivered": "delivered", "undelivered": "undelivered", "failed": "failed"}


def emulator_messages(emulator: Any) -> list[Any]:
    """Every text the emulator logged, through the ordinary Messages list endpoint."""
    client = Client(
        emulator.account_sid,
        emulator.auth_token,
        http_client=RebasedHttpClient(emulator.base_url, timeout=30),
    )
    return list(client.messages.list(page_size=1000))


def text_counts(run: FaultRun) -> Counts:
    messages = emulator_messages(run.emulator)
    rows = run.attempts()
    bound = {r.provider_sid: r for r in rows if r.provider_sid}
    per_number = Counter(m.to for m in messages)
    mismatched = [
        m.sid
        for m in messages
        if m.sid in bound
        and str(m.status) in TWILIO_FINAL_TEXT
        and bound[m.sid].status != TWILIO_FINAL_TEXT[str(m.status)]
    ]
    delivered, undelivered = _callback_outcomes(run.emulator.callbacks())
    sids = {
        str(c["params"].get("MessageSid", [""])[0])
        for c in delivered
        if str(c["kind"]).startswith("sms")
    }
    with transaction(run.services.sessions) as session:
        stored = set(session.scalars(sa.select(ProviderEvent.provider_sid)))
    return Counts(
        provider_calls=len(messages),
        attempts_with_sid=sum(1 for m in messages if m.sid in bound),
        duplicates=sum(n - 1 for n in per_number.values() if n > 1),
        uncounted=sum(
            1 for m in messages if m.sid not in bound or bound[m.sid].status == "not_placed"
        ),
        non_final=sum(1 for r in rows if r.status not in FINAL),
        callbacks_lost=len(mismatched) + len({sid for sid in sids if sid and sid not in stored}),
        callbacks_undelivered=undelivered,
        max_calls_per_second=int(run.emulator.stats()["max_messages_in_any_second"]),
        limit=run.cps,
        called_numbers=len(per_number),
        what="texts",
    )


def longest_wait_for_release(run: FaultRun) -> float:
    """Seconds the longest ambiguous text waited in `dialing` before the reconciler released
    it (the provider never had it); 0 when none was released."""
    with transaction(run.services.sessions) as session:
        rows = session.execute(
            sa.select(ContactAttempt.reserved_at, ContactAttempt.ended_at).where(
                ContactAttempt.status == "not_placed",
                ContactAttempt.error_message.like("reconciled:%"),
            )
        ).all()
    return max(((end - start).total_seconds() for start, end in rows if start and end), default=0)
