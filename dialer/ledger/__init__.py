"""The raw webhook ledger: every accepted event is stored verbatim, then applied."""

from __future__ import annotations

from dialer.ledger.ingest import IngestResult, ingest
from dialer.ledger.replay import Applier, ReplayResult, drain_spool, replay_event, replay_events
from dialer.ledger.spool import DrainReport, WebhookSpool
from dialer.ledger.store import IncomingEvent, insert_event

__all__ = [
    "Applier",
    "DrainReport",
    "IncomingEvent",
    "IngestResult",
    "ReplayResult",
    "WebhookSpool",
    "drain_spool",
    "ingest",
    "insert_event",
    "replay_event",
    "replay_events",
]
