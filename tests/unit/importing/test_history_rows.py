"""Row validation of the history CSV."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dialer.importing.history_rows import validate_history_row
from dialer.vocabulary import AttemptStatus, Direction, Outcome

CALLS = "abandoned, busy, canceled, conversation, failed, no_answer, voicemail, wrong_party"
GOOD = {"debt_ref": "D1", "at": "2026-03-02T10:00:00-05:00", "channel": "call",
        "to": "+16175550123", "outcome": "no_answer"}  # fmt: skip


def test_times_are_stored_in_utc_and_outcomes_map_to_terminal_statuses() -> None:
    row, errors = validate_history_row(3, GOOD)
    assert errors == []
    assert row is not None
    assert row.at == datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    assert row.status is AttemptStatus.NO_ANSWER
    assert row.direction is Direction.OUTBOUND
    assert row.external_key == "history:D1:2026-03-02T15:00:00Z:call:outbound:+16175550123"


@pytest.mark.parametrize(
    ("outcome", "status"),
    [("conversation", "completed"), ("voicemail", "completed"), ("busy", "busy"),
     ("failed", "failed"), ("canceled", "canceled")],
)  # fmt: skip
def test_call_statuses(outcome: str, status: str) -> None:
    row, _ = validate_history_row(2, {**GOOD, "outcome": outcome})
    assert row is not None
    assert row.status == status


def test_inbound_sms_is_received_from_the_consumer() -> None:
    cells = {"debt_ref": "D1", "at": "2026-03-02T15:00:00Z", "channel": "sms",
             "direction": "inbound", "from": "+16175550123", "body": "STOP"}  # fmt: skip
    row, errors = validate_history_row(2, cells)
    assert errors == []
    assert row is not None
    assert (row.status, row.outcome, row.consumer_number) == (
        AttemptStatus.RECEIVED,
        Outcome.RECEIVED,
        "+16175550123",
    )


@pytest.mark.parametrize(
    ("changes", "column", "reason"),
    [
        (
            {"at": "2026-03-02T15:00:00"},
            "at",
            "'2026-03-02T15:00:00' has no UTC offset; write it like 2026-03-02T15:00:00Z",
        ),
        ({"at": "yesterday"}, "at", "not an ISO 8601 time: 'yesterday'"),
        ({"channel": "fax"}, "channel", "unknown value 'fax' (expected one of: call, sms)"),
        (
            {"outcome": "delivered"},
            "outcome",
            f"unknown call outcome 'delivered' (expected one of: {CALLS})",
        ),
        (
            {"outcome": ""},
            "outcome",
            f"is required for an outbound call (one of: {CALLS})",
        ),
        ({"to": ""}, "to", "is required"),
        ({"to": "+1617"}, "to", "not a valid phone number: '+1617'"),
        ({"debt_ref": ""}, "debt_ref", "is required"),
    ],
)
def test_each_error_names_line_column_and_reason(
    changes: dict[str, str], column: str, reason: str
) -> None:
    row, errors = validate_history_row(9, {**GOOD, **changes})
    assert row is None
    assert [(e.line, e.column, e.reason) for e in errors] == [(9, column, reason)]
