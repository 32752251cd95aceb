"""Writes a batch of valid case rows: consumers, debts, phones, opt-outs, flags, windows, events.

Set-based: per batch, one SELECT of what exists per table, then one multi-row upsert of what is
new or changed (INSERT ... ON CONFLICT DO UPDATE on the external references). Unchanged rows
are not written, so re-importing the same file only reads. Flags, opt-outs and inconvenient
times are added, never cleared: an import must not lift a cease request learned elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Row, Table

from dialer.importing.case_notes import IMPORT_SOURCE, NoteCounts, NoteWriter
from dialer.importing.case_rows import CaseRow
from dialer.importing.debt_events import debt_event_rows, debt_events
from dialer.importing.ownership import DebtMove, move_events
from dialer.importing.upsert import Staged, existing_by, insert_rows, table, upsert
from dialer.vocabulary import DebtStage, PhoneType

_CONSUMER_FIELDS = (
    "first_name", "last_name", "language", "country", "state", "postal_code", "city",
    "address_line", "confirmed_timezone", "confirmed_timezone_at",
)  # fmt: skip
_DEBT_FIELDS = (
    "consumer_id", "creditor", "balance", "currency", "days_past_due", "stage", "jurisdiction",
    "client_id",
)  # fmt: skip
_PHONE_FIELDS = (
    "phone_type", "consent", "consent_source", "consent_at", "sms_capable", "position",
    "relationship",
)  # fmt: skip
# The fields' values as a tuple, compared with the stored row's columns after id and key(s).
_consumer_fields = itemgetter(*_CONSUMER_FIELDS)
_phone_fields = itemgetter(*_PHONE_FIELDS)
_debt_fields = itemgetter(*_DEBT_FIELDS)


@dataclass(slots=True)
class CaseCounts(NoteCounts):
    consumers_created: int = 0
    consumers_updated: int = 0
    consumers_unchanged: int = 0
    debts_created: int = 0
    debts_updated: int = 0
    debts_unchanged: int = 0
    phones_created: int = 0
    phones_updated: int = 0
    debts_moved: int = 0
    clients_created: int = 0


class CaseWriter(NoteWriter):
    """Applies batches of rows inside the caller's transaction."""

    counts: CaseCounts

    def __init__(self, connection: Connection, *, now: datetime, file_name: str) -> None:
        self.connection = connection
        self.now = now
        # COPY (PostgreSQL) parses a time from text far faster than psycopg formats a datetime.
        self.stamp = now.isoformat() if connection.dialect.name == "postgresql" else now
        self.file_name = file_name
        self.counts = CaseCounts()
        # Moves the caller allowed (--move-debts), by debt reference: filled before the batch
        # that holds the row is submitted, read by the writer thread when it writes that batch.
        self.moves: dict[str, DebtMove] = {}

    def write(self, rows: Sequence[CaseRow]) -> None:
        consumer_ids = self._consumers(rows)
        client_ids = self._clients(rows)
        debt_ids = self._debts(rows, consumer_ids, client_ids)
        self._moved(rows, consumer_ids)
        phone_ids = self._phones(rows, consumer_ids)
        self._opt_outs(rows, consumer_ids, phone_ids)
        self._flags(rows, consumer_ids, debt_ids)
        self._windows(rows, consumer_ids)

    def _moved(self, rows: Sequence[CaseRow], consumer_ids: dict[str, int]) -> None:
        moves = [self.moves.pop(row.debt_ref) for row in rows if row.debt_ref in self.moves]
        if moves:
            insert_rows(
                self.connection,
                table("case_events"),
                move_events(
                    moves, to_consumer_ids=consumer_ids, now=self.now, file_name=self.file_name
                ),
            )
            self.counts.debts_moved += len(moves)

    def _consumers(self, rows: Sequence[CaseRow]) -> dict[str, int]:
        latest = {row.consumer_ref: row for row in rows}  # the last row of a consumer wins
        zones = {row.consumer_ref: row.confirmed_timezone for row in rows if row.confirmed_timezone}
        consumers = table("consumers")
        found = {
            r.external_ref: r
            for r in existing_by(
                self.connection, consumers, key="external_ref", values=latest.keys(),
                columns=("id", "external_ref", *_CONSUMER_FIELDS),
            )
        }  # fmt: skip
        ids = {ref: r.id for ref, r in found.items()}
        pending: list[dict[str, Any]] = []
        for ref, row in latest.items():
            values = self._consumer_values(row, zones.get(ref), found.get(ref))
            old = found.get(ref)
            if old is not None and tuple(old)[2:] == _consumer_fields(values):
                self.counts.consumers_unchanged += 1
                continue
            if old is None:
                self.counts.consumers_created += 1
            else:
                self.counts.consumers_updated += 1
            pending.append({"external_ref": ref, **values, "created_at": self.stamp})
        self._write_by_ref(consumers, pending, ids, fields=_CONSUMER_FIELDS)
        return ids

    def _write_by_ref(
        self,
        target: Table,
        pending: list[dict[str, Any]],
        ids: dict[str, int],
        *,
        fields: tuple[str, ...],
        staged: Staged | None = None,
    ) -> None:
        """Insert or update the rows by external_ref; `ids` gets the id of each new row (read
        back where the database returns nothing from the upsert)."""
        written = upsert(
            self.connection, target, pending, keys=("external_ref",),
            update=(*fields, "updated_at"), returning=("id", "external_ref"), staged=staged,
        )  # fmt: skip
        if written is None:
            created = [p["external_ref"] for p in pending if p["external_ref"] not in ids]
            written = existing_by(
                self.connection, target, key="external_ref", values=created,
                columns=("id", "external_ref"),
            )  # fmt: skip
        ids.update((r.external_ref, r.id) for r in written)

    def _consumer_values(
        self, row: CaseRow, zone: str | None, old: Row[Any] | None
    ) -> dict[str, Any]:
        """The row's values; a blank confirmed zone keeps the one known (from any row or before)."""
        zone_at: datetime | str = self.stamp  # a new zone: compared values differ anyway
        if old is not None and (zone is None or zone == old.confirmed_timezone):
            zone, zone_at = old.confirmed_timezone, old.confirmed_timezone_at  # keep what we knew
        return {
            "first_name": row.first_name,
            "last_name": row.last_name,
            "language": row.language.value,
            "country": row.country,
            "state": row.state,
            "postal_code": row.postal_code,
            "city": row.city,
            "address_line": row.address,
            "confirmed_timezone": zone,
            "confirmed_timezone_at": zone_at if zone else None,
            "updated_at": self.stamp,
        }

    def _clients(self, rows: Sequence[CaseRow]) -> dict[str, int]:
        """Each row's client by code, created (named after the creditor) when new."""
        clients = table("clients")
        wanted = {row.client: row.creditor for row in rows}
        found = existing_by(
            self.connection, clients, key="code", values=wanted.keys(), columns=("id", "code")
        )
        ids = {r.code: r.id for r in found}
        new = [
            {"code": code, "name": name, "created_at": self.now}
            for code, name in wanted.items()
            if code not in ids
        ]
        if new:
            insert_rows(self.connection, clients, new)
            self.counts.clients_created += len(new)
            created = [n["code"] for n in new]
            ids.update(
                (r.code, r.id)
                for r in existing_by(
                    self.connection, clients, key="code", values=created, columns=("id", "code")
                )
            )
        return ids

    def _debts(
        self, rows: Sequence[CaseRow], consumer_ids: dict[str, int], client_ids: dict[str, int]
    ) -> dict[str, int]:
        debts = table("debts")
        found = {
            r.external_ref: r
            for r in existing_by(
                self.connection, debts, key="external_ref", values=[r.debt_ref for r in rows],
                columns=("id", "external_ref", *_DEBT_FIELDS),
            )
        }  # fmt: skip
        ids = {ref: r.id for ref, r in found.items()}
        pending: list[dict[str, Any]] = []
        events: list[tuple[CaseRow, str, list[str]]] = []
        in_database = self.connection.dialect.name == "postgresql"
        for row in rows:
            old = found.get(row.debt_ref)
            values = _debt_values(row, consumer_ids[row.consumer_ref], client_ids[row.client], old)
            changed = (
                []
                if old is None or tuple(old)[2:] == _debt_fields(values)
                else [k for k in _DEBT_FIELDS if getattr(old, k) != values[k]]
            )
            if old is not None and not changed:
                self.counts.debts_unchanged += 1
                continue
            self.counts.debts_created += old is None
            self.counts.debts_updated += old is not None
            values.update(external_ref=row.debt_ref, created_at=self.stamp, updated_at=self.stamp)
            if in_database:  # the event is built from the staging table (see debt_events)
                values.update(event_line=row.line, event_changed=None if old is None else changed)
            else:
                events.append((row, "imported" if old is None else "updated", changed))
            pending.append(values)
        staged = debt_events(now=self.now, file_name=self.file_name) if in_database else None
        self._write_by_ref(debts, pending, ids, fields=_DEBT_FIELDS, staged=staged)
        event_rows = debt_event_rows(
            events, consumer_ids=consumer_ids, debt_ids=ids, now=self.now, file_name=self.file_name
        )
        insert_rows(self.connection, table("case_events"), event_rows)
        return ids

    def _phones(
        self, rows: Sequence[CaseRow], consumer_ids: dict[str, int]
    ) -> dict[tuple[int, str], int]:
        phones = table("phones")
        wanted = {(consumer_ids[row.consumer_ref], p.e164): p for row in rows for p in row.phones}
        found = {
            (r.consumer_id, r.e164): r
            for r in existing_by(
                self.connection, phones, key="consumer_id", values={key[0] for key in wanted},
                columns=("id", "consumer_id", "e164", *_PHONE_FIELDS),
            )
        }  # fmt: skip
        ids = {key: r.id for key, r in found.items()}
        pending: list[dict[str, Any]] = []
        for (consumer_id, e164), phone in wanted.items():
            old = found.get((consumer_id, e164))
            kept = old if old is not None and old.consent == phone.consent else None
            values = {
                "phone_type": phone.phone_type.value,
                "consent": phone.consent,
                "consent_source": kept.consent_source if kept is not None else IMPORT_SOURCE,
                "consent_at": kept.consent_at if kept is not None else self.stamp,
                "sms_capable": phone.phone_type is not PhoneType.LANDLINE,
                "position": phone.position,
                "relationship": phone.relationship.value,
            }
            if old is not None and tuple(old)[3:] == _phone_fields(values):
                continue
            self.counts.phones_created += old is None
            self.counts.phones_updated += old is not None
            pending.append({"consumer_id": consumer_id, "e164": e164, **values})
        written = upsert(
            self.connection, phones, pending, keys=("consumer_id", "e164"),
            update=_PHONE_FIELDS, returning=("id", "consumer_id", "e164"),
        )  # fmt: skip
        if written is None:
            new = {p["consumer_id"] for p in pending if (p["consumer_id"], p["e164"]) not in ids}
            written = existing_by(
                self.connection, phones, key="consumer_id", values=new,
                columns=("id", "consumer_id", "e164"),
            )  # fmt: skip
        ids.update(((r.consumer_id, r.e164), r.id) for r in written)
        return ids


def _debt_values(
    row: CaseRow, consumer_id: int, client_id: int, old: Row[Any] | None
) -> dict[str, Any]:
    stage = row.stage.value if row.stage else (old.stage if old is not None else DebtStage.NEW)
    return {
        "consumer_id": consumer_id,
        "creditor": row.creditor,
        "balance": row.balance,
        "currency": row.currency,
        "days_past_due": row.days_past_due,
        "stage": str(stage),
        "jurisdiction": row.jurisdiction,
        "client_id": client_id,
    }
