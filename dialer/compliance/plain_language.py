"""render_decision(): a plain-language answer to "why not now, and when?"."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from dialer.compliance.decision import Decision, ReasonCode
from dialer.compliance.zones import zone_info


def render_decision(decision: Decision) -> str:
    lines = [_headline(decision)]
    if decision.reasons:
        lines.append("Why:")
        lines.extend(
            f"  - [{r.code.value}] {r.message}\n      rule {r.rule_id}: {r.citation}"
            for r in decision.reasons
        )
    if not decision.allowed:
        lines.append(_when(decision))
    if decision.counts:
        lines.append("Counts:")
        lines.extend(
            f"  - {c.description}: {c.used} of {c.limit} ({c.rule_id})" for c in decision.counts
        )
    if decision.candidate_zones:
        lines.append("Where the consumer might be (the contact must be lawful in all):")
        lines.extend(f"  - {z.zone} (from {z.source})" for z in decision.candidate_zones)
    if decision.pack_versions:
        packs = ", ".join(f"{k} {v}" for k, v in decision.pack_versions.items())
        lines.append(f"Rule packs: {packs}")
    return "\n".join(lines)


def _headline(decision: Decision) -> str:
    when = "" if decision.evaluated_at is None else f" at {_utc(decision.evaluated_at)}"
    if decision.allowed:
        return f"ALLOW: the contact is lawful{when}."
    return f"BLOCK: the contact is not lawful{when}."


def _when(decision: Decision) -> str:
    moment = decision.next_allowed_at
    if moment is None and ReasonCode.CONTACT_IN_FLIGHT in {r.code for r in decision.reasons}:
        return "When: once the contact in flight has ended (dispatch looks again every minute)."
    if moment is None:
        return (
            "When: not until the facts change (a permanent block such as cease, opt-out, "
            "no consent, or nothing lawful within the look-ahead)."
        )
    local = []
    for zone in dict.fromkeys(z.zone for z in decision.candidate_zones):
        info = zone_info(zone)
        if isinstance(info, ZoneInfo):
            local.append(f"{moment.astimezone(info):%a %Y-%m-%d %H:%M} {zone}")
    shown = "; ".join(local[:4])
    return f"When: next allowed at {_utc(moment)}" + (f" ({shown})" if shown else "") + "."


def _utc(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%SZ")
