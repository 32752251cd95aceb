"""Ambiguous creates: find out whether the call or text exists; never create it a second time.

A create whose answer was lost may have reached the consumer. It is looked up once (the
lookup is bounded by the client's timeout): calls or texts from our number to theirs since
the reservation, leaving out every SID another attempt owns. Found: adopted. Not found, or the
lookup failed too: still ambiguous, counted as placed; the attempt's own callbacks (our
attempt id is in their URL) or the reconciler settle it. A blind second create never happens.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import TypeVar

from dialer.telephony.errors import AmbiguousCreateError, TelephonyError
from dialer.telephony.ports import ProviderCall, ProviderMessage, Telephony

# Twilio's dates have one-second resolution and the two clocks may differ a little.
CLOCK_SKEW = timedelta(seconds=5)

Owned = Callable[[list[str]], set[str]]  # of these SIDs, those other attempts own
Item = TypeVar("Item", ProviderCall, ProviderMessage)


def nobody_owns(_sids: list[str]) -> set[str]:
    return set()


def oldest_unowned(found: Iterable[Item], *, since: datetime, owned: Owned) -> Item | None:
    """The oldest of `found` that no other attempt owns (the first create of this attempt)."""
    items = list(found)
    taken = owned([item.sid for item in items]) if items else set()
    fresh = [item for item in items if item.sid not in taken]
    return min(fresh, key=lambda item: (item.created_at or since, item.sid)) if fresh else None


def recover_ambiguous_call(
    telephony: Telephony,
    *,
    to: str,
    from_: str,
    reserved_at: datetime,
    owned: Owned = nobody_owns,
) -> ProviderCall | None:
    """The call placed for a reservation made at `reserved_at`, if the provider has one.

    None: no call from `from_` to `to` since the reservation that another attempt does not
    own. Lookup errors propagate (then it is still ambiguous).
    """
    return _recover(telephony.find_calls, to=to, from_=from_, reserved_at=reserved_at, owned=owned)


def recover_ambiguous_message(
    telephony: Telephony,
    *,
    to: str,
    from_: str,
    reserved_at: datetime,
    owned: Owned = nobody_owns,
) -> ProviderMessage | None:
    """The text sent for a reservation made at `reserved_at`, if the provider has one."""
    return _recover(
        telephony.find_messages, to=to, from_=from_, reserved_at=reserved_at, owned=owned
    )


Finder = Callable[..., list[Item]]


def _recover(
    find: Finder[Item], *, to: str, from_: str, reserved_at: datetime, owned: Owned
) -> Item | None:
    """The oldest unowned call or text from `from_` to `to` since the reservation (`find` is
    the port's find_calls or find_messages)."""
    since = reserved_at - CLOCK_SKEW
    return oldest_unowned(find(to=to, from_=from_, created_after=since), since=since, owned=owned)


def _adopt_or_raise(ambiguous: AmbiguousCreateError, look_up: Callable[[], Item | None]) -> Item:
    """After an ambiguous create: the provider's call or text if it has one; else the create
    stays ambiguous (with the lookup's own failure in the message when it failed too)."""
    try:
        found = look_up()
    except TelephonyError as lookup:
        raise AmbiguousCreateError(
            ambiguous.code, ambiguous.http_status, f"{ambiguous.message}; lookup: {lookup}"
        ) from lookup
    if found is None:
        raise ambiguous
    return found


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
    owned: Owned = nobody_owns,
) -> ProviderCall:
    """Place a call once; after an ambiguous create, adopt the call if the provider has it.

    Raises AmbiguousCreateError when the create was ambiguous and no unowned call was found
    (or the lookup failed): the call may exist, so the caller counts it as placed.
    """
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
        return _adopt_or_raise(
            exc,
            lambda: recover_ambiguous_call(
                telephony, to=to, from_=from_, reserved_at=reserved_at, owned=owned
            ),
        )


def send_sms_safely(
    telephony: Telephony,
    *,
    reserved_at: datetime,
    to: str,
    from_: str,
    body: str,
    status_url: str,
    valid_for: timedelta | None,
    owned: Owned = nobody_owns,
) -> ProviderMessage:
    """Send a text once; after an ambiguous create, adopt the text if the provider has it."""
    try:
        return telephony.send_sms(
            to=to, from_=from_, body=body, status_url=status_url, valid_for=valid_for
        )
    except AmbiguousCreateError as exc:
        return _adopt_or_raise(
            exc,
            lambda: recover_ambiguous_message(
                telephony, to=to, from_=from_, reserved_at=reserved_at, owned=owned
            ),
        )
