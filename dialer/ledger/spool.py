"""The local webhook spool: where a callback is kept when the database cannot take it.

The web process answers Twilio 2xx only once the callback is stored. When the database is
down, the raw event goes to an append-only JSON-lines file on local disk (fsync'd before the
answer), one file per host shared by the web workers through an exclusive file lock. When
the database is back, `drain` stores and applies each line through the ledger (a duplicate
changes nothing) and keeps the lines that still fail, in their order.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from dialer.ledger.store import IncomingEvent

SPOOL_FILE = "webhooks.jsonl"

Store = Callable[[IncomingEvent, datetime], None]  # raises when it could not store


@dataclass(frozen=True, slots=True)
class DrainReport:
    stored: int = 0
    kept: int = 0  # still failing: left in the spool for the next drain


class WebhookSpool:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / SPOOL_FILE

    def keep(self, event: IncomingEvent, *, received_at: datetime) -> None:
        """Append the event and fsync; raises OSError if the disk cannot take it."""
        line = json.dumps(
            {
                "kind": event.kind,
                "dedupe_key": event.dedupe_key,
                "payload": event.payload,
                "provider_sid": event.provider_sid,
                "attempt_id": event.attempt_id,
                "received_at": received_at.isoformat(),
            },
            separators=(",", ":"),
        )
        self.directory.mkdir(parents=True, exist_ok=True)
        with self._locked("a") as spool:
            spool.write(line + "\n")
            spool.flush()
            os.fsync(spool.fileno())

    def pending(self) -> int:
        """How many events wait in the spool."""
        if not self.path.exists():
            return 0
        with self._locked("r") as spool:
            return sum(1 for line in spool if line.strip())

    def drain(self, store: Store) -> DrainReport:
        """Store every spooled event; a failure keeps that line and every later one."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            return DrainReport()
        stored = 0
        with self._locked("r+") as spool:
            lines = [line for line in spool.read().splitlines() if line.strip()]
            left = lines
            for index, line in enumerate(lines):
                event, received_at = _event(line)
                try:
                    store(event, received_at)
                except Exception:
                    left = lines[index:]
                    break
                stored += 1
            else:
                left = []
            spool.seek(0)
            spool.truncate()
            spool.write("".join(line + "\n" for line in left))
            spool.flush()
            os.fsync(spool.fileno())
        return DrainReport(stored=stored, kept=len(left))

    @contextmanager
    def _locked(self, mode: str) -> Iterator[IO[str]]:
        with self.path.open(mode, encoding="utf-8") as spool:
            fcntl.flock(spool.fileno(), fcntl.LOCK_EX)
            try:
                yield spool
            finally:
                fcntl.flock(spool.fileno(), fcntl.LOCK_UN)


def _event(line: str) -> tuple[IncomingEvent, datetime]:
    data = json.loads(line)
    event = IncomingEvent(
        kind=data["kind"],
        dedupe_key=data["dedupe_key"],
        payload=data["payload"],
        provider_sid=data.get("provider_sid"),
        attempt_id=data.get("attempt_id"),
    )
    return event, datetime.fromisoformat(data["received_at"])
