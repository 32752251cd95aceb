"""The live view: a redrawn panel on a terminal, a progress line every ~10 s otherwise."""

from __future__ import annotations

from datetime import datetime

from dialer.demo.snapshot import Snapshot

CLEAR = "\x1b[H\x1b[2J"


def panel(snap: Snapshot, *, elapsed: float, duration: float, stack: str) -> str:
    lines = [
        f"dialer demo  {elapsed:5.0f}/{duration:.0f} s   {stack}",
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


def progress_line(snap: Snapshot, *, elapsed: float) -> str:
    blocked = sum(count for count, _ in snap.blocked.values())
    return (
        f"[{elapsed:4.0f}s] calls {snap.calls_placed} (people {snap.answered_human}, "
        f"machines {snap.answered_machine}), sms {snap.sms_sent} (delivered "
        f"{snap.sms_delivered}), replies {snap.replies}, blocked debts {blocked}"
    )


def _when(moment: datetime | None) -> str:
    return "never (stops for good)" if moment is None else moment.strftime("%Y-%m-%d %H:%M")
