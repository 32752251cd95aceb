"""Admin pacing limits: an admin may lower the account's call rate and concurrent-call cap.

They live with the contact limits (global scope, versioned, audited) but are not contact
limits: the compliance engine never sees them; the worker's pacer applies them each tick.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from dialer.errors import InputError

if TYPE_CHECKING:
    from dialer.pacing.limiter import PacingConfig

PACING_KEYS = ("calls_per_second", "max_concurrent_calls")
PACING_SCOPE = "global"  # one Twilio account: the rate is not a per-state or per-campaign thing


@dataclass(frozen=True, slots=True)
class PacingLimits:
    """None: no admin limit (the account's configured value applies)."""

    calls_per_second: float | None = None
    max_concurrent_calls: int | None = None


def effective_config(base: PacingConfig, admin: PacingLimits) -> PacingConfig:
    """The settings' config narrowed by the admin limits (the lower value wins)."""
    return replace(
        base,
        calls_per_second=_lower(base.calls_per_second, admin.calls_per_second),
        max_concurrent_calls=_lower_cap(base.max_concurrent_calls, admin.max_concurrent_calls),
    )


def _lower(configured: float, admin: float | None) -> float:
    return configured if admin is None else min(configured, admin)


def _lower_cap(configured: int | None, admin: int | None) -> int | None:
    if configured is None or admin is None:
        return admin if configured is None else configured
    return min(configured, admin)


def pacing_from_dict(data: dict[str, Any], *, where: str = "limits") -> PacingLimits:
    """The pacing part of a stored / submitted limits dict; other keys are not looked at."""
    rate, cap = data.get("calls_per_second"), data.get("max_concurrent_calls")
    if rate is not None and (isinstance(rate, bool) or not isinstance(rate, int | float)):
        raise InputError(f"{where}.calls_per_second: must be a number above 0")
    if rate is not None and not rate > 0:
        raise InputError(f"{where}.calls_per_second: must be above 0 (got {rate:g})")
    if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap < 1):
        raise InputError(f"{where}.max_concurrent_calls: must be a whole number >= 1")
    return PacingLimits(
        calls_per_second=float(rate) if rate is not None else None, max_concurrent_calls=cap
    )


def pacing_to_dict(limits: PacingLimits) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if limits.calls_per_second is not None:
        out["calls_per_second"] = limits.calls_per_second
    if limits.max_concurrent_calls is not None:
        out["max_concurrent_calls"] = limits.max_concurrent_calls
    return out


def check_pacing(
    data: dict[str, Any], *, scope: str, account_calls_per_second: float | None
) -> PacingLimits:
    """Parse and refuse what an admin may not set: pacing outside the global scope, or a call
    rate above what the Twilio account allows (DIALER_CALLS_PER_SECOND: only lowering)."""
    given = [key for key in PACING_KEYS if data.get(key) is not None]
    if given and scope != PACING_SCOPE:
        raise InputError(
            f"{', '.join(given)}: pacing limits apply to the whole Twilio account; "
            f"set them in the global scope, not in a {scope} scope"
        )
    limits = pacing_from_dict(data)
    rate = limits.calls_per_second
    if rate is not None:
        if account_calls_per_second is None:
            raise InputError("calls_per_second: the account's calls per second is not known")
        if rate > account_calls_per_second:
            raise InputError(
                f"calls_per_second {rate:g} is above the account's limit of "
                f"{account_calls_per_second:g} calls per second (DIALER_CALLS_PER_SECOND); "
                "an admin may only lower it"
            )
    return limits
