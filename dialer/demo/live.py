"""The live view: a redrawn panel on a terminal, a progress line every ~10 s otherwise."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from dialer.compliance.zones import COUNTRY_ZONES, US_DEFAULT_ZONES
from dialer.demo.snapshot import Snapshot

CLEAR = "\x1b[H\x1b[2J"
# The zones whose local time the live view and the report show (the synthetic portfolio's).
DISPLAY_ZONES = (*US_DEFAULT_ZONES, *COUNTRY_ZONES["CN"])


def local_times(now: datetime, zones: tuple[str, ...] = DISPLAY_ZONES) -> str:
    """`now` on each zone's wall clock: "New_York Mon 07:55 EST, ..."."""
    parts = []
    for name in zones:
        local = now.astimezone(ZoneInfo(name))
        parts.append(f"{name.rsplit('/', 1)[-1]} {local:%a %H:%M} {local.tzname()}")
    return ", ".join(parts)


def clock_line(now: datetime, *, rehearsal: bool) -> str:
    label = "simulated clock" if rehearsal else "clock"
    return f"{label} {now:%Y-%m-%d %H:%M:%S} UTC; local: {local_times(now)}"


def panel(snap: Snapshot, *, elapsed: float, duration: float, stack: str, clock: str = "") -> str:
    lines = [
        f"dialer demo  {elapsed:5.0f}/{duration:.0f} s   {stack}",
        *([f"  {clock}"] if clock else []),
        "",
        f"  calls placed        {snap.calls_placed:6,}    "
        f"answered by people  {snap.answered_human:6,}"
        f"    by machines {snap.answered_machine:6,}",
        f"  SMS sent            {snap.sms_sent:6,}    delivered           {snap.sms_delivered:6,}"
        f"    replies     {snap.replies:6,}",
        f"  promises to pay     {snap.promises:6,}    refused by provider {snap.not_placed:6,}",
        "",
        "  blocked now (debts)  reason                  next lawful time (UTC)",
    ]
    for reason, (count, next_at) in list(snap.blocked.items())[:8]:
        lines.append(f"  {count:19,}  {reason:<22}  {_when(next_at)}")
    if not snap.blocked:
        lines.append("  (none)")
    zones = ", ".join(f"{zone} {n}" for zone, n in snap.by_zone.most_common(6))
    lines += [
        "",
        f"  contacts by zone: {zones or '-'}",
        "",
        "  Ctrl-C stops and still writes the report.",
    ]
    return "\n".join(lines)


def progress_line(snap: Snapshot, *, elapsed: float, clock: str = "") -> str:
    blocked = sum(count for count, _ in snap.blocked.values())
    return (
        (f"[{elapsed:4.0f}s] {clock}\n" if clock else "")
        + f"[{elapsed:4.0f}s] calls {snap.calls_placed} (people {snap.answered_human}, "
        f"machines {snap.answered_machine}), sms {snap.sms_sent} (delivered "
        f"{snap.sms_delivered}), replies {snap.replies}, blocked debts {blocked}"
    )


def _when(moment: datetime | None) -> str:
    return "never (stops for good)" if moment is None else moment.strftime("%Y-%m-%d %H:%M")
