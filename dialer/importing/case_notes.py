"""The parts of a case an import only ever adds: opt-outs, flags and inconvenient times.

Never cleared by an import: a cease request or an opt-out learned elsewhere (from the consumer,
by an agent) must not be lifted because a creditor's file does not mention it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from dialer.importing.case_rows import CaseRow
from dialer.importing.upsert import existing_by, insert_rows, table
from dialer.vocabulary import ConsumerFlag

IMPORT_SOURCE = "import"


@dataclass(slots=True)
class NoteCounts:
    flags_added: int = 0
    opt_outs_added: int = 0
    inconvenient_times_added: int = 0


class NoteWriter:
    """Adds the opt-outs, flags and inconvenient times of a batch that are not yet recorded."""

    connection: Connection
    now: datetime
    stamp: datetime | str  # `now`, or its text for PostgreSQL's COPY
    file_name: str
    counts: NoteCounts

    def _opt_outs(
        self,
        rows: Sequence[CaseRow],
        consumer_ids: dict[str, int],
        phone_ids: dict[tuple[int, str], int],
    ) -> None:
        wanted = {
            (phone_ids[(consumer_ids[row.consumer_ref], phone.e164)], channel.value)
            for row in rows
            for phone in row.phones
            for channel in phone.opt_outs
        }
        if not wanted:
            return
        opt_outs = table("opt_outs")
        present = {
            (r.phone_id, r.channel)
            for r in existing_by(
                self.connection, opt_outs, key="phone_id", values={p for p, _ in wanted},
                columns=("phone_id", "channel", "revoked_at"),
            )
            if r.revoked_at is None
        }  # fmt: skip
        new = [
            {"phone_id": phone_id, "channel": channel, "source": IMPORT_SOURCE,
             "detail": f"from {self.file_name}", "opted_out_at": self.stamp, "revoked_at": None}
            for phone_id, channel in sorted(wanted - present)
        ]  # fmt: skip
        insert_rows(self.connection, opt_outs, new)
        self.counts.opt_outs_added += len(new)

    def _flags(
        self, rows: Sequence[CaseRow], consumer_ids: dict[str, int], debt_ids: dict[str, int]
    ) -> None:
        wanted: dict[tuple[int, int | None, str], dict[str, Any]] = {}
        for row in rows:
            for flag in row.flags:
                # A dispute concerns one debt; the other flags concern the person.
                debt_id = debt_ids[row.debt_ref] if flag is ConsumerFlag.DISPUTE_PENDING else None
                key = (consumer_ids[row.consumer_ref], debt_id, flag.value)
                wanted[key] = _flag_detail(row, flag, self.file_name)
        if not wanted:
            return
        flags = table("consumer_flags")
        present = {
            (r.consumer_id, r.debt_id, r.flag)
            for r in existing_by(
                self.connection, flags, key="consumer_id", values={k[0] for k in wanted},
                columns=("consumer_id", "debt_id", "flag", "cleared_at"),
            )
            if r.cleared_at is None
        }  # fmt: skip
        new = [
            {"consumer_id": c, "debt_id": d, "flag": f, "learned_at": self.stamp,
             "source": IMPORT_SOURCE, "detail": detail, "cleared_at": None, "cleared_reason": None}
            for (c, d, f), detail in wanted.items()
            if (c, d, f) not in present
        ]  # fmt: skip
        insert_rows(self.connection, flags, new)
        self.counts.flags_added += len(new)

    def _windows(self, rows: Sequence[CaseRow], consumer_ids: dict[str, int]) -> None:
        wanted = {
            (consumer_ids[row.consumer_ref], w.start, w.end, w.days)
            for row in rows
            for w in row.windows
        }
        if not wanted:
            return
        windows = table("inconvenient_times")
        present = {
            (r.consumer_id, r.start, r.end, r.days)
            for r in existing_by(
                self.connection, windows, key="consumer_id", values={k[0] for k in wanted},
                columns=("consumer_id", "start", "end", "days"),
            )
        }  # fmt: skip
        new = [
            {"consumer_id": c, "start": s, "end": e, "days": d, "source": IMPORT_SOURCE,
             "stated_at": self.stamp}
            for c, s, e, d in sorted(wanted - present, key=str)
        ]  # fmt: skip
        insert_rows(self.connection, windows, new)
        self.counts.inconvenient_times_added += len(new)


def _flag_detail(row: CaseRow, flag: ConsumerFlag, file_name: str) -> dict[str, Any]:
    detail: dict[str, Any] = {"file": file_name, "line": row.line}
    if flag is ConsumerFlag.ATTORNEY_REPRESENTED:
        detail.update(attorney_name=row.attorney_name, attorney_phone=row.attorney_phone)
    return detail
