"""Pacing: the shared calls-per-second and messages-per-second limits."""

from __future__ import annotations

from dialer.pacing.admin import (
    PACING_KEYS,
    PacingLimits,
    check_pacing,
    effective_config,
    pacing_from_dict,
    pacing_to_dict,
)
from dialer.pacing.limiter import Pacer, PacingConfig, rate_item

__all__ = [
    "PACING_KEYS",
    "Pacer",
    "PacingConfig",
    "PacingLimits",
    "check_pacing",
    "effective_config",
    "pacing_from_dict",
    "pacing_to_dict",
    "rate_item",
]
