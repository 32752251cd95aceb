"""The simulated portfolio: the synthetic cases CSV read into the engine's plain facts.

The portfolio comes from `dialer.portfolio.write_portfolio` (the same generator the demo
imports) and is validated row by row with the importer's own `validate_case_row`; nothing goes
through a database, so 100,000 cases load in seconds.
"""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path

from dialer.compliance import ConsumerFacts, HistoryEntry, InconvenientTime, PhoneFacts
from dialer.importing.case_rows import (
    CASE_COLUMNS,
    REJECT_COLUMNS,
    REQUIRED_COLUMNS,
    CaseRow,
    validate_case_row,
)
from dialer.importing.csvio import CsvSource
from dialer.importing.fields import DAY_NAMES, Window
from dialer.vocabulary import Channel, DebtStage

SIM_DEBT = "D1"  # the simulator follows one debt per consumer (the first in the file)


@dataclass(slots=True)
class SimCase:
    """One consumer with one debt, as the planner and the engine see them."""

    key: str
    facts: ConsumerFacts
    debt_ref: str = ""
    stage: str = DebtStage.NEW.value
    history: list[HistoryEntry] = field(default_factory=list)


def facts_from_row(row: CaseRow) -> ConsumerFacts:
    """The engine's facts for one validated CSV row (phones, flags, opt-outs, stated times)."""
    return ConsumerFacts(
        country=row.country,
        state=row.state,
        postal_code=row.postal_code,
        timezone=row.confirmed_timezone,
        flags=row.flags,
        phones=tuple(
            PhoneFacts(
                number=p.e164,
                type=p.phone_type,
                consent=p.consent,
                sms_opted_out=Channel.SMS in p.opt_outs,
                call_opted_out=Channel.CALL in p.opt_outs,
            )
            for p in sorted(row.phones, key=lambda phone: phone.position)
        ),
        inconvenient_times=tuple(_window(w) for w in row.windows),
    )


def _window(window: Window) -> InconvenientTime:
    days = None
    if window.days:
        days = frozenset(DAY_NAMES.index(day) for day in window.days.split(","))
    return InconvenientTime(start=_clock(window.start), end=_clock(window.end), days=days)


def _clock(text: str) -> time:
    hours, minutes = (int(part) for part in text.split(":"))
    return time(23, 59, 59) if hours == 24 else time(hours, minutes)


@dataclass
class Population:
    """The simulated cases and the size of the portfolio they stand for."""

    cases: list[SimCase]
    total: int

    @property
    def scale(self) -> float:
        return self.total / max(len(self.cases), 1)


def read_cases(path: Path) -> list[SimCase]:
    """Valid rows of a cases CSV, one SimCase per consumer (invalid rows are skipped)."""
    cases, _owners = _read(path, keep=None)
    return cases


def _read(path: Path, *, keep: set[int] | None) -> tuple[list[SimCase], dict[str, tuple[str, str]]]:
    """Cases (only the consumers whose position is in `keep`, when given) and debt owners."""
    source = CsvSource(
        path, required=REQUIRED_COLUMNS, optional=CASE_COLUMNS, ignored=REJECT_COLUMNS
    )
    cases: dict[str, SimCase] = {}
    owners: dict[str, tuple[str, str]] = {}  # debt_ref -> (consumer_ref, debt name for engine)
    seen: dict[str, int] = {}
    for raw in source.rows():
        ref = raw.cells.get("consumer_ref", "").strip()
        position = seen.setdefault(ref, len(seen))
        if keep is not None and position not in keep:
            continue  # validating only the sampled consumers keeps 100,000 cases fast
        row = validate_case_row(raw.line, raw.cells).row
        if row is None:
            continue
        if row.consumer_ref in cases:
            owners[row.debt_ref] = (row.consumer_ref, row.debt_ref)
            continue
        if not row.phones:
            continue
        stage = (row.stage or DebtStage.NEW).value
        cases[row.consumer_ref] = SimCase(
            row.consumer_ref, facts_from_row(row), row.debt_ref, stage
        )
        owners[row.debt_ref] = (row.consumer_ref, SIM_DEBT)
    return list(cases.values()), owners


def synthetic_cases(
    *, consumers: int, seed: int, start: datetime, sample: int | None = None
) -> Population:
    """The synthetic portfolio (with its prior contact history) as simulated cases.

    With `sample` smaller than `consumers`, a seeded uniform sample of that many consumers is
    kept (the same sample for the same seed, so two limit variants see the same people).
    """
    keep = None
    if sample is not None and sample < consumers:
        keep = set(random.Random(seed).sample(range(consumers), sample))  # noqa: S311
    from dialer.portfolio import write_portfolio

    with tempfile.TemporaryDirectory(prefix="dialer-sim-") as folder:
        cases_path = Path(folder) / "cases.csv"
        history_path = Path(folder) / "history.csv"
        write_portfolio(
            cases_path,
            consumers=consumers,
            seed=seed,
            history_path=history_path,
            history_start=start,
        )
        cases, owners = _read(cases_path, keep=keep)
        if history_path.exists():
            attach_history(cases, history_path, owners=owners)
    return Population(cases, consumers if keep is not None else len(cases))


def attach_history(cases: list[SimCase], path: Path, *, owners: dict[str, tuple[str, str]]) -> None:
    """Prior contacts (made before this system) from a history CSV, onto their consumers."""
    from dialer.simulate.history import read_history

    by_key = {case.key: case for case in cases}
    for consumer_ref, entry in read_history(path, owners=owners):
        case = by_key.get(consumer_ref)
        if case is not None:
            case.history.append(entry)
    for case in cases:
        case.history.sort(key=lambda entry: entry.at)
