"""Pacing: the shared calls-per-second and messages-per-second limits."""

from __future__ import annotations

from dialer.pacing.limiter import Pacer, PacingConfig, rate_item

__all__ = ["Pacer", "PacingConfig", "rate_item"]
