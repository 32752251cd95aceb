"""`import_history`: past contacts stored as contact attempts with origin "history".

Idempotent: each row has an external key (debt, time, channel, direction, number); a row whose
key is already stored is skipped. An inbound SMS that opts out (read by the compliance engine's
`read_inbound_sms`) also records an opt-out of that number; one that opts back in revokes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, select, update

from dialer.clock import Clock
from dialer.compliance import RulePacks, load_rule_packs
from dialer.importing.callbacks import CallbackTimes
from dialer.importing.csvio import CsvSource, SourceRow
from dialer.importing.fields import RowIssue
from dialer.importing.history_rows import (
    HISTORY_OPTIONAL,
    HISTORY_REQUIRED,
    HistoryRow,
    validate_history_row,
)
from dialer.importing.runner import (
    ImportOptions,
    ImportReporter,
    ImportRun,
    Pending,
    RunTally,
    SilentReporter,
)
from dialer.importing.upsert import existing_by, insert_rows, table
from dialer.vocabulary import (
    AttemptOrigin,
    Channel,
    Direction,
    Outcome,
    PhoneStatus,
    SuppressionKind,
    SuppressionScope,
)

HISTORY_SOURCE = "history"


@dataclass(slots=True)
class HistoryCounts:
    attempts_added: int = 0
    already_present: int = 0
    opt_outs_added: int = 0
    opt_ins: int = 0


@dataclass(frozen=True, slots=True)
class HistoryImportSummary:
    file: str
    tally: RunTally
    counts: HistoryCounts
    committed: bool
    dry_run: bool


class HistoryWriter:
    """Resolves debt references (unknown ones are rejected) and inserts the new attempts."""

    def __init__(
        self, connection: Connection, *, now: datetime, file_name: str, packs: RulePacks
    ) -> None:
        self.connection = connection
        self.now = now
        self.file_name = file_name
        self.counts = HistoryCounts()
        self.callbacks = CallbackTimes(connection, now=now, packs=packs)

    def write(
        self, batch: Sequence[Pending[HistoryRow]], *, persist: bool
    ) -> list[tuple[Pending[HistoryRow], list[RowIssue]]]:
        debts = {
            r.external_ref: (r.consumer_id, r.id)
            for r in existing_by(
                self.connection, table("debts"), key="external_ref",
                values={p.row.debt_ref for p in batch},
                columns=("external_ref", "consumer_id", "id"),
            )
        }  # fmt: skip
        late = [
            (p, [RowIssue(p.line, "debt_ref", "no debt with this reference (import cases first)")])
            for p in batch
            if p.row.debt_ref not in debts
        ]
        late += self._callback_issues(batch, debts)
        refused = {id(p) for p, _ in late}
        if persist:
            self._store([p.row for p in batch if id(p) not in refused], debts)
        return late

    def _callback_issues(
        self, batch: Sequence[Pending[HistoryRow]], debts: dict[str, tuple[int, int]]
    ) -> list[tuple[Pending[HistoryRow], list[RowIssue]]]:
        """A callback_at in the past or at an unlawful hour, with the next lawful time."""
        issues = []
        for p in batch:
            if p.row.callback_at is None or p.row.debt_ref not in debts:
                continue
            issue = self.callbacks.issue(
                line=p.line,
                debt_id=debts[p.row.debt_ref][1],
                at=p.row.callback_at,
                to=p.row.consumer_number,
            )
            if issue is not None:
                issues.append((p, [issue]))
        return issues

    def _store(self, rows: list[HistoryRow], debts: dict[str, tuple[int, int]]) -> None:
        phones = {
            (r.consumer_id, r.e164): r.id
            for r in existing_by(
                self.connection, table("phones"), key="consumer_id",
                values={c for c, _ in debts.values()}, columns=("id", "consumer_id", "e164"),
            )
        }  # fmt: skip
        unique = {row.external_key: row for row in rows}
        present = {
            r.external_key
            for r in existing_by(
                self.connection, table("contact_attempts"), key="external_key",
                values=unique.keys(), columns=("external_key",),
            )
        }  # fmt: skip
        new = sorted((row for key, row in unique.items() if key not in present), key=_when)
        self.counts.already_present += len(rows) - len(new)
        attempts = []
        for row in new:
            consumer_id, debt_id = debts[row.debt_ref]
            phone_id = phones.get((consumer_id, row.consumer_number))
            attempt = _attempt(row, consumer_id, debt_id, phone_id)
            attempts.append({**attempt, "updated_at": self.now})
        insert_rows(self.connection, table("contact_attempts"), attempts)
        self.counts.attempts_added += len(attempts)
        for row in new:
            if row.callback_at is not None:
                self._schedule_callback(debts[row.debt_ref][1], row.callback_at)
        for row, attempt in zip(new, attempts, strict=True):
            if row.body and row.outcome is Outcome.RECEIVED and attempt["phone_id"] is not None:
                self._apply_keywords(row, attempt["phone_id"])

    def _schedule_callback(self, debt_id: int, at: datetime) -> None:
        """The asked-for call: the planner places exactly it at `at` (an enrolled debt is due
        then; dispatch still checks it is lawful and parks it until the next lawful time)."""
        debts = table("debts")
        self.connection.execute(update(debts).where(debts.c.id == debt_id).values(callback_at=at))
        self.connection.execute(
            update(debts)
            .where(debts.c.id == debt_id, debts.c.campaign_id.is_not(None))
            .values(next_contact_at=at)
        )

    def _apply_keywords(self, row: HistoryRow, phone_id: int) -> None:
        # The engine's own reading of inbound texts, so import and live webhooks agree.
        from dialer.compliance import SmsIntent, read_inbound_sms

        reading = read_inbound_sms(row.body or "")
        opt_outs = table("opt_outs")
        if reading.intent is SmsIntent.OPT_OUT:
            active = {
                r.channel
                for r in existing_by(
                    self.connection, opt_outs, key="phone_id", values=[phone_id],
                    columns=("channel", "revoked_at"),
                )
                if r.revoked_at is None
            }  # fmt: skip
            new = [
                {"phone_id": phone_id, "channel": channel.value, "source": HISTORY_SOURCE,
                 "detail": f"inbound SMS in {self.file_name} (line {row.line})",
                 "opted_out_at": row.at, "revoked_at": None}
                for channel in sorted(reading.channels) if channel.value not in active
            ]  # fmt: skip
            insert_rows(self.connection, opt_outs, new)
            self.counts.opt_outs_added += len(new)
        elif reading.intent is SmsIntent.OPT_IN:
            revoked = self.connection.execute(
                update(opt_outs)
                .where(opt_outs.c.phone_id == phone_id, opt_outs.c.revoked_at.is_(None))
                .where(opt_outs.c.channel == Channel.SMS.value, opt_outs.c.opted_out_at <= row.at)
                .values(revoked_at=row.at)
            )
            self.counts.opt_ins += revoked.rowcount
        if reading.wrong_number:
            self._wrong_number(row, phone_id)

    def _wrong_number(self, row: HistoryRow, phone_id: int) -> None:
        """A texted wrong-number report: the phone is a wrong party, and its number is listed."""
        phones, listed = table("phones"), table("suppressed_numbers")
        reason = f"inbound SMS in {self.file_name} (line {row.line}): wrong number"
        self.connection.execute(
            update(phones)
            .where(phones.c.id == phone_id)
            .values(status=PhoneStatus.WRONG_PARTY.value, status_reason=reason[:200])
        )
        number = self.connection.execute(
            select(phones.c.e164).where(phones.c.id == phone_id)
        ).scalar_one()
        active = self.connection.execute(
            select(listed.c.id).where(
                listed.c.e164 == number,
                listed.c.kind == SuppressionKind.WRONG_NUMBER.value,
                listed.c.removed_at.is_(None),
            )
        ).first()
        if active is None:
            insert_rows(self.connection, listed, [
                {"e164": number, "kind": SuppressionKind.WRONG_NUMBER.value,
                 "scope": SuppressionScope.ALL.value, "source": HISTORY_SOURCE, "reason": reason,
                 "added_at": row.at, "added_by": HISTORY_SOURCE, "removed_at": None,
                 "removed_by": None, "removal_reason": None},
            ])  # fmt: skip


def _when(row: HistoryRow) -> tuple[Any, int]:
    return row.at, row.line


def _attempt(
    row: HistoryRow, consumer_id: int, debt_id: int, phone_id: int | None
) -> dict[str, Any]:
    outbound = row.direction is Direction.OUTBOUND
    return {
        "consumer_id": consumer_id,
        "debt_id": debt_id,
        "phone_id": phone_id,
        "channel": row.channel.value,
        "direction": row.direction.value,
        "mode": row.mode.value,
        "origin": AttemptOrigin.HISTORY.value,
        "from_number": row.our_number if outbound else row.consumer_number,
        "to_number": row.consumer_number if outbound else row.our_number,
        "status": row.status.value,
        "external_key": row.external_key,
        "attempted_at": row.at,
        "placed_at": row.at,
        "ended_at": row.at,
        "outcome": row.outcome.value,
        "callback_requested": row.callback_requested,
        "callback_at": row.callback_at,
        "callback": False,
        "body": row.body,
    }


def import_history(
    engine: Engine,
    path: Path,
    *,
    clock: Clock,
    options: ImportOptions | None = None,
    reporter: ImportReporter | None = None,
    packs: RulePacks | None = None,
) -> HistoryImportSummary:
    """Validate and (unless dry-run) import past contacts in one pass and one transaction;
    `packs` (default: the shipped rule packs) judge the hours of each callback_at."""
    options = options or ImportOptions()
    packs = packs if packs is not None else load_rule_packs()
    source = CsvSource(path, required=HISTORY_REQUIRED, optional=HISTORY_OPTIONAL)
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            writer = HistoryWriter(connection, now=clock.now(), file_name=path.name, packs=packs)
            run = ImportRun(
                source, validate=_validate, sink=writer, options=options,
                reporter=reporter or SilentReporter(),
            )  # fmt: skip
            try:
                tally = run.run()
            finally:
                writer.callbacks.close()
            committed = run.should_commit
            (transaction.commit if committed else transaction.rollback)()
        except BaseException:
            transaction.rollback()
            raise
    counts = writer.counts if committed else HistoryCounts()
    return HistoryImportSummary(path.name, tally, counts, committed, options.dry_run)


def _validate(source_row: SourceRow) -> tuple[HistoryRow | None, list[RowIssue], list[RowIssue]]:
    row, errors = validate_history_row(source_row.line, source_row.cells)
    return row, errors, []
