"""Hand-off files: escalated debts handed to an agency or the legal team with their whole case.

`export_handoff` takes the debts an escalation step moved to `escalated_agency` or
`escalated_legal` and not yet handed over, writes one CSV (a line per debt) and one JSON file
(everything: case, debts, history, flags, dispositions, promises), and marks each debt as
placed with that party (with a timeline line), in one transaction: a debt is handed over once.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dialer.db.models import (
    CaseEvent,
    Client,
    Consumer,
    ConsumerFlagRecord,
    ContactAttempt,
    Debt,
    Disposition,
    Phone,
    PromiseToPay,
)
from dialer.errors import InputError
from dialer.vocabulary import DebtStage

PARTIES = {"agency": DebtStage.ESCALATED_AGENCY, "legal": DebtStage.ESCALATED_LEGAL}
CSV_COLUMNS = (
    "debt_ref", "consumer_ref", "first_name", "last_name", "client", "creditor", "balance",
    "currency", "days_past_due", "state", "postal_code", "phones", "flags", "attempts",
    "last_contact_at", "open_promises",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Handoff:
    party: str
    debts: int
    csv_path: Path | None
    json_path: Path | None


def export_handoff(session: Session, *, party: str, out_dir: Path, now: datetime) -> Handoff:
    if party not in PARTIES:
        raise InputError(f"party must be one of {', '.join(PARTIES)}, got {party!r}")
    debts = list(
        session.scalars(
            select(Debt)
            .where(Debt.stage == PARTIES[party].value, Debt.placed_with.is_(None))
            .order_by(Debt.id)
            .with_for_update()
        )
    )
    if not debts:
        return Handoff(party, 0, None, None)
    cases = [_case(session, debt) for debt in debts]
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / f"handoff-{party}-{now:%Y%m%dT%H%M%SZ}"
    json_path, csv_path = stem.with_suffix(".json"), stem.with_suffix(".csv")
    document = {"party": party, "exported_at": now.isoformat(), "cases": cases}
    json_path.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    _write_csv(csv_path, cases)
    for debt in debts:
        debt.placed_with, debt.placed_with_at, debt.updated_at = party, now, now
        session.add(
            CaseEvent(
                consumer_id=debt.consumer_id,
                debt_id=debt.id,
                at=now,
                kind="handed_off",
                summary=f"Placed with the {party} team ({json_path.name})",
                detail={"party": party, "file": json_path.name},
                actor="system",
            )
        )
    return Handoff(party, len(debts), csv_path, json_path)


def _case(session: Session, debt: Debt) -> dict[str, Any]:
    consumer = session.get(Consumer, debt.consumer_id)
    assert consumer is not None  # a foreign key
    client = session.get(Client, debt.client_id) if debt.client_id is not None else None
    phones = session.scalars(select(Phone).where(Phone.consumer_id == consumer.id)).all()
    flags = session.scalars(
        select(ConsumerFlagRecord).where(
            ConsumerFlagRecord.consumer_id == consumer.id,
            ConsumerFlagRecord.cleared_at.is_(None),
            (ConsumerFlagRecord.debt_id.is_(None)) | (ConsumerFlagRecord.debt_id == debt.id),
        )
    ).all()
    attempts = session.scalars(
        select(ContactAttempt)
        .where(ContactAttempt.consumer_id == consumer.id)
        .order_by(ContactAttempt.attempted_at)
    ).all()
    dispositions = session.scalars(
        select(Disposition).where(Disposition.debt_id == debt.id).order_by(Disposition.created_at)
    ).all()
    promises = session.scalars(
        select(PromiseToPay).where(PromiseToPay.debt_id == debt.id).order_by(PromiseToPay.id)
    ).all()
    return {
        "debt": {
            "ref": debt.external_ref,
            "client": client.code if client else None,
            "creditor": debt.creditor,
            "balance": str(debt.balance),
            "currency": debt.currency,
            "days_past_due": debt.days_past_due,
            "stage": debt.stage,
            "jurisdiction": debt.jurisdiction,
        },
        "consumer": {
            "ref": consumer.external_ref,
            "first_name": consumer.first_name,
            "last_name": consumer.last_name,
            "language": consumer.language,
            "country": consumer.country,
            "state": consumer.state,
            "postal_code": consumer.postal_code,
            "city": consumer.city,
            "address": consumer.address_line,
            "phones": [
                {"number": p.e164, "type": p.phone_type, "consent": p.consent, "status": p.status}
                for p in phones
            ],
        },
        "flags": [
            {"flag": f.flag, "learned_at": f.learned_at.isoformat(), "source": f.source}
            for f in flags
        ],
        "history": [
            {
                "at": a.attempted_at.isoformat(),
                "channel": a.channel,
                "direction": a.direction,
                "mode": a.mode,
                "number": a.to_number if a.direction == "outbound" else a.from_number,
                "outcome": a.outcome,
                "about_this_debt": a.debt_id == debt.id,
            }
            for a in attempts
        ],
        "dispositions": [
            {"at": d.created_at.isoformat(), "code": d.code, "notes": d.notes} for d in dispositions
        ],
        "promises": [
            {
                "amount": str(p.amount),
                "currency": p.currency,
                "due_date": p.due_date.isoformat(),
                "status": p.status,
            }
            for p in promises
        ],
    }


def _write_csv(path: Path, cases: list[dict[str, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for case in cases:
            debt, consumer = case["debt"], case["consumer"]
            history = case["history"]
            writer.writerow(
                (
                    debt["ref"], consumer["ref"], _safe(consumer["first_name"]),
                    _safe(consumer["last_name"]), debt["client"] or "", _safe(debt["creditor"]),
                    debt["balance"], debt["currency"], debt["days_past_due"],
                    consumer["state"] or "", consumer["postal_code"] or "",
                    ";".join(p["number"] for p in consumer["phones"]),
                    ";".join(f["flag"] for f in case["flags"]), len(history),
                    history[-1]["at"] if history else "",
                    sum(1 for p in case["promises"] if p["status"] == "open"),
                )
            )  # fmt: skip


def _safe(text: str) -> str:
    """A value typed by a person, never read as a formula by a spreadsheet."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
