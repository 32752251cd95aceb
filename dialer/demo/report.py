"""The demo's HTML report: figures, inline SVG charts and the re-audit, in one file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from pathlib import Path

from dialer.audit.demo import AuditResult
from dialer.demo.charts import bar_chart, hbar_chart, line_chart, per_second
from dialer.demo.due import rate_share
from dialer.demo.live import local_times
from dialer.demo.snapshot import Snapshot

STYLE = """body{font-family:sans-serif;max-width:760px;margin:2em auto;color:#222}
table{border-collapse:collapse}td,th{padding:2px 10px;border-bottom:1px solid #eee;text-align:left}
.ok{color:#1e7b34;font-weight:bold}.bad{color:#b03a2e;font-weight:bold}h2{margin-top:1.6em}"""


@dataclass
class ReportData:
    started_at: datetime
    seconds: float
    cps: float
    consumers: int
    snapshot: Snapshot
    audit: AuditResult
    call_creates: list[float]
    emulator: str
    calls_due: list[tuple[float, int]] = field(default_factory=list)  # (epoch s, calls due)
    interrupted: bool = False
    rehearsal: bool = False  # the run used a simulated clock (`dialer demo --at`)


def _clock_paragraph(data: ReportData) -> str:
    label = "Simulated clock" if data.rehearsal else "Clock"
    return (
        f"<p>{label} at the start, local time by zone: {escape(local_times(data.started_at))}.</p>"
    )


def render(data: ReportData) -> str:
    s, a = data.snapshot, data.audit
    verdict = (
        f'<p class="ok">Re-audit: {a.audited} contacts checked, 0 violations.</p>'
        if a.ok
        else f'<p class="bad">Re-audit: {a.audited} contacts checked, '
        f"{len(a.violations)} violation(s).</p>"
    )
    start = data.call_creates[0] if data.call_creates else 0.0
    end = data.call_creates[-1] if data.call_creates else 1.0
    blocked = [(f"{reason} (next {_when(at)})", count) for reason, (count, at) in s.blocked.items()]
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Dialer demo report</title><style>{STYLE}</style></head><body>",
        "<h1>Dialer demo report</h1>",
        f"<p>Started {escape(data.started_at.isoformat(timespec='seconds'))}, ran "
        f"{data.seconds:.0f} s{' (interrupted)' if data.interrupted else ''}, "
        f"{data.consumers:,} consumers, pacing limit {data.cps:g} calls/s, emulator "
        f"{escape(data.emulator)}.</p>",
        _clock_paragraph(data),
        verdict,
        "<h2>Summary</h2><table>",
        *(f"<tr><th>{escape(k)}</th><td>{v:,}</td></tr>" for k, v in _summary(s).items()),
        "</table>",
        "<h2>The person (from the provider's Calls and Messages logs)</h2><table>",
        *(f"<tr><th>{escape(k)}</th><td>{v:,}</td></tr>" for k, v in _people(a).items()),
        "</table>",
        "<h2>Contacts by the consumer's local hour</h2>",
        bar_chart(
            [f"{h}" for h in range(24)],
            [float(n) for n in s.by_local_hour],
            title="Contacts by the consumer's local hour",
        ),
        "<h2>Contacts by time zone</h2><table>",
        *(f"<tr><th>{escape(z)}</th><td>{n:,}</td></tr>" for z, n in s.by_zone.most_common()),
        "</table>",
        "<h2>Outcomes</h2>",
        hbar_chart([(k, float(v)) for k, v in s.outcomes.most_common()], title="Outcomes"),
        "<h2>Blocked debts by reason</h2>",
        hbar_chart([(k, float(v)) for k, v in blocked], title="Block reasons", alert=True),
        "<h2>Pacing against the limit</h2>",
        pacing_line(data.call_creates, data.cps, data.calls_due),
        line_chart(
            per_second(data.call_creates, start=start, end=end),
            limit=data.cps,
            title="Calls per second (emulator log)",
            x_label="seconds",
        ),
        "<h2>Independent re-audit</h2>",
        f"<p>The emulator's log (listed through the official twilio client) held "
        f"{a.calls_seen} calls and {a.messages_seen} messages; {a.skipped} were agent legs or "
        f"inbound; {a.audited} outbound contacts were evaluated again with the facts and the "
        "history as they stood at that moment.</p>",
        verdict,
        _violations(a),
        "</body></html>",
    ]
    return "\n".join(parts)


def largest_in_one_second(timestamps: list[float]) -> int:
    """The most creates inside any half-open one-second window (a moving window)."""
    ordered = sorted(timestamps)
    best, low = 0, 0
    for high, moment in enumerate(ordered):
        while ordered[low] <= moment - 1.0:
            low += 1
        best = max(best, high - low + 1)
    return best


def pacing_line(
    call_creates: list[float], cps: float, calls_due: list[tuple[float, int]] | None = None
) -> str:
    """The largest count in any one-second window beside the limit, and the share of the
    configured rate used in the seconds when calls were due (dialer.demo.due)."""
    largest = largest_in_one_second(call_creates)
    used = rate_share(call_creates, calls_due or [], cps=cps)
    verdict = "ok" if largest <= cps else "bad"
    return (
        f'<p class="{verdict}">Largest number of calls created in any one second (emulator '
        f"log): {largest}, limit {cps:g}. Share of the configured rate used while calls were "
        f"due: {used.share:.0%} ({used.calls} calls in the {used.due_seconds} seconds when a "
        "call was due or created).</p>"
    )


def pacing_summary(
    call_creates: list[float], calls_due: list[tuple[float, int]], cps: float
) -> str:
    """The pacing figures on one line (the demo's last words; tests and bench/ read it)."""
    used = rate_share(call_creates, calls_due, cps=cps)
    return (
        f"pacing: at most {largest_in_one_second(call_creates)} call(s) created in any one "
        f"second (limit {cps:g}); {used.share:.0%} of the call rate used in the "
        f"{used.due_seconds} s when calls were due ({used.calls} calls)"
    )


def _summary(s: Snapshot) -> dict[str, int]:
    return {
        "Calls placed": s.calls_placed,
        "Answered by people": s.answered_human,
        "Answered by machines": s.answered_machine,
        "SMS sent": s.sms_sent,
        "SMS delivered": s.sms_delivered,
        "Replies (inbound SMS)": s.replies,
        "Promises to pay": s.promises,
        "Refused by the provider": s.not_placed,
        "Debts blocked now": sum(count for count, _ in s.blocked.values()),
    }


def _people(a: AuditResult) -> dict[str, int]:
    return {
        "People contacted": a.people_contacted,
        "People lawfully contactable when the run started": a.people_contactable,
        "Most contacts with one person in any hour": a.max_contacts_per_person_hour,
        "Most calls in flight at once to one person (never above 1)": (
            a.max_calls_in_flight_per_person
        ),
    }


def _violations(a: AuditResult) -> str:
    if a.ok:
        return ""
    rows = "".join(
        f"<tr><td>{escape(str(v.get('sid')))}</td><td>{escape(str(v.get('channel')))}</td>"
        f"<td>{escape(str(v.get('to')))}</td><td>{escape(str(v.get('at')))}</td>"
        f"<td>{escape(', '.join(v.get('reasons', [])))}</td></tr>"
        for v in a.violations[:200]
    )
    head = "<tr><th>SID</th><th>channel</th><th>to</th><th>at</th><th>why</th></tr>"
    return f"<table>{head}{rows}</table>"


def _when(moment: datetime | None) -> str:
    return "never" if moment is None else moment.strftime("%H:%M UTC %b %d")


def write_report(path: Path, data: ReportData) -> Path:
    path.write_text(render(data), encoding="utf-8")
    return path
