"""Applying Twilio's callbacks to the case record (attempts, phones, opt-outs, timeline)."""

from __future__ import annotations

from dialer.callbacks.events import EventKind, dedupe_key, payload_of
from dialer.callbacks.registry import APPLIERS
from dialer.callbacks.replanning import mark_debt_for_replanning

__all__ = ["APPLIERS", "EventKind", "dedupe_key", "mark_debt_for_replanning", "payload_of"]
