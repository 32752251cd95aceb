"""Ambiguous creates: find out whether the call exists before daring to retry."""

from __future__ import annotations

from datetime import datetime, timedelta

from dialer.telephony.errors import AmbiguousCreateError
from dialer.telephony.ports import ProviderCall, Telephony

# Twilio's dates have one-second resolution and the two clocks may differ a little.
CLOCK_SKEW = timedelta(seconds=5)


def recover_ambiguous_call(
    telephony: Telephony, *, to: str, from_: str, reserved_at: datetime
) -> ProviderCall | None:
    """The call placed for a reservation made at `reserved_at`, if the provider has one.

    None means no call from `from_` to `to` exists since the reservation: only then is it
    safe to place the call again. Lookup errors propagate (then it is still ambiguous).
    """
    found = telephony.find_calls(to=to, from_=from_, created_after=reserved_at - CLOCK_SKEW)
    if not found:
        return None
    return min(found, key=lambda c: (c.created_at or reserved_at, c.sid))


def place_call_safely(
    telephony: Telephony,
    *,
    reserved_at: datetime,
    to: str,
    from_: str,
    answer_url: str,
    status_url: str,
    amd_url: str | None,
    timeout_seconds: int,
    machine_detection: bool,
    attempts: int = 2,
) -> ProviderCall:
    """Place a call; after an ambiguous create, adopt the call if it exists, else retry.

    Raises AmbiguousCreateError when every attempt was ambiguous and no call was found.
    """
    last: AmbiguousCreateError | None = None
    for _ in range(max(attempts, 1)):
        try:
            return telephony.place_call(
                to=to,
                from_=from_,
                answer_url=answer_url,
                status_url=status_url,
                amd_url=amd_url,
                timeout_seconds=timeout_seconds,
                machine_detection=machine_detection,
            )
        except AmbiguousCreateError as exc:
            last = exc
            existing = recover_ambiguous_call(
                telephony, to=to, from_=from_, reserved_at=reserved_at
            )
            if existing is not None:
                return existing
    assert last is not None
    raise last
