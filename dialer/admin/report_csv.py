"""A contact report as CSV (one line per group, a total line, then the blocks by reason), and
one group's figures by the CSV's column names (the API's rows)."""

from __future__ import annotations

import csv
import io
from typing import Any

from dialer.admin.reports import Report, ReportRow

CSV_COLUMNS = (
    "group",
    "attempts",
    "calls",
    "calls_reached",
    "conversations",
    "contact_rate",
    "right_party_rate",
    "sms",
    "sms_delivered",
    "sms_delivery_rate",
    "promises",
    "promises_kept",
    "promises_broken",
)


def report_row(line: ReportRow) -> dict[str, Any]:
    """One group's figures by the CSV's column names (rates as decimals, None when undefined)."""
    return {
        "group": line.key,
        "attempts": line.attempts,
        "calls": line.calls,
        "calls_reached": line.calls_reached,
        "conversations": line.conversations,
        "contact_rate": line.contact_rate,
        "right_party_rate": line.right_party_rate,
        "sms": line.sms,
        "sms_delivered": line.sms_delivered,
        "sms_delivery_rate": line.sms_delivery_rate,
        "promises": line.promises,
        "promises_kept": line.promises_kept,
        "promises_broken": line.promises_broken,
    }


def report_csv(report: Report) -> str:
    """One line per group and a total line; rates as decimals (blank when undefined)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for line in [*report.rows, report.total]:
        writer.writerow(
            (
                _safe(line.key),
                line.attempts,
                line.calls,
                line.calls_reached,
                line.conversations,
                _rate(line.contact_rate),
                _rate(line.right_party_rate),
                line.sms,
                line.sms_delivered,
                _rate(line.sms_delivery_rate),
                line.promises,
                line.promises_kept,
                line.promises_broken,
            )
        )
    writer.writerow(())
    writer.writerow(("blocked_reason", "count"))
    for reason, count in report.blocks_by_reason.most_common():
        writer.writerow((reason, count))
    return out.getvalue()


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def _safe(text: str) -> str:
    """A name typed by a user, never read as a formula by a spreadsheet."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
