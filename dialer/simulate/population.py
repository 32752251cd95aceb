"""The simulated portfolio: the synthetic cases CSV read into the engine's plain facts.

The portfolio comes from `dialer.demo.portfolio.write_portfolio` (the same generator the demo
imports) and is validated row by row with the importer's own `validate_case_row`; nothing goes
through a database. Each simulation process reads only its own share of the consumers (every
n-th by position in the file), so the validation of 100,000 cases is split across the CPUs.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
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
from dialer.simulate.follow import follow_rows
from dialer.vocabulary import CONTACTABLE_STAGES, Channel, DebtStage, Direction

SIM_DEBT = "D1"  # the engine's name for a consumer's first debt (then D2, D3, ...)
Keep = Callable[[int], bool]  # which consumers (by position in the file) to read


@dataclass(slots=True)
class SimCase:
    """One consumer and their debts, as the planner and the engine see them: one plan per
    person (the first debt's), each contact about every contactable debt (`debts`, the
    engine's names), counted against each, as dispatch covers them."""

    key: str
    facts: ConsumerFacts
    debt_ref: str = ""
    stage: str = DebtStage.NEW.value
    history: list[HistoryEntry] = field(default_factory=list)
    position: int = 0  # the consumer's position in the portfolio (seeds its outcome draws)
    debts: tuple[str, ...] = (SIM_DEBT,)

    def fresh(self) -> SimCase:
        """A copy to simulate on (a run changes facts, stage and history)."""
        return SimCase(
            self.key,
            self.facts,
            self.debt_ref,
            self.stage,
            list(self.history),
            self.position,
            self.debts,
        )


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


@dataclass(frozen=True)
class PortfolioFiles:
    """A generated portfolio on disk: the cases CSV and its prior-contact history CSV."""

    cases: Path
    history: Path
    consumers: int


def portfolio_files(folder: Path, *, consumers: int) -> PortfolioFiles:
    return PortfolioFiles(folder / "cases.csv", folder / "history.csv", consumers)


def write_synthetic(files: PortfolioFiles, *, seed: int, start: datetime) -> None:
    """The synthetic portfolio (with history ending at `start`) written to `files`."""
    from dialer.demo.portfolio import write_portfolio

    write_portfolio(
        files.cases,
        consumers=files.consumers,
        seed=seed,
        history_path=files.history,
        history_start=start,
    )


def sample_positions(*, consumers: int, sample: int | None, seed: int) -> frozenset[int] | None:
    """A seeded uniform sample of consumer positions (None: every consumer)."""
    if sample is None or sample >= consumers:
        return None
    return frozenset(random.Random(seed).sample(range(consumers), sample))  # noqa: S311


def read_population(
    files: PortfolioFiles, *, keep: Keep | None = None, finished: Callable[[], bool] | None = None
) -> list[SimCase]:
    """The valid cases among the consumers `keep` selects, with their prior contacts.

    With `finished`, the files are still being written: they are read as they grow until
    `finished()` says the writer is done.
    """
    cases, owners = _read(files.cases, keep=keep, finished=finished)
    if finished is not None or files.history.exists():
        attach_history(cases, files.history, owners=owners, finished=finished)
    return cases


def read_cases(path: Path) -> list[SimCase]:
    """Valid rows of a cases CSV, one SimCase per consumer (invalid rows are skipped)."""
    cases, _owners = _read(path, keep=None)
    return cases


def _rows(path: Path, finished: Callable[[], bool] | None) -> Iterator[tuple[int, dict[str, str]]]:
    if finished is not None:
        return follow_rows(path, finished)
    source = CsvSource(
        path, required=REQUIRED_COLUMNS, optional=CASE_COLUMNS, ignored=REJECT_COLUMNS
    )
    return ((raw.line, raw.cells) for raw in source.rows())


def _read(
    path: Path, *, keep: Keep | None, finished: Callable[[], bool] | None = None
) -> tuple[list[SimCase], dict[str, tuple[str, str]]]:
    """Cases (only the consumers `keep` selects, when given) and their debts' owners."""
    cases: dict[str, SimCase] = {}
    owners: dict[str, tuple[str, str]] = {}  # debt_ref -> (consumer_ref, debt name for engine)
    seen: dict[str, int] = {}
    named: dict[str, int] = {}  # debts named so far per consumer (D1, D2, ...)
    for line, cells in _rows(path, finished):
        ref = cells.get("consumer_ref", "").strip()
        position = seen.setdefault(ref, len(seen))
        if keep is not None and not keep(position):
            continue  # another process (or the sample) has this consumer: not validated here
        row = validate_case_row(line, cells).row
        if row is None:
            continue
        if row.consumer_ref in cases:
            case = cases[row.consumer_ref]
            named[row.consumer_ref] += 1
            name = f"D{named[row.consumer_ref]}"
            owners[row.debt_ref] = (row.consumer_ref, name)
            if (row.stage or DebtStage.NEW) in CONTACTABLE_STAGES:
                case.debts = (*case.debts, name)
            continue
        if not row.phones:
            continue
        stage = (row.stage or DebtStage.NEW).value
        cases[row.consumer_ref] = SimCase(
            row.consumer_ref, facts_from_row(row), row.debt_ref, stage, position=position
        )
        owners[row.debt_ref] = (row.consumer_ref, SIM_DEBT)
        named[row.consumer_ref] = 1
    return list(cases.values()), owners


def synthetic_cases(
    *, consumers: int, seed: int, start: datetime, sample: int | None = None
) -> Population:
    """The synthetic portfolio (with its prior contact history) as simulated cases, in memory.

    With `sample` smaller than `consumers`, a seeded uniform sample of that many consumers is
    kept (the same sample for the same seed, so two limit variants see the same people).
    """
    import tempfile

    keep = sample_positions(consumers=consumers, sample=sample, seed=seed)
    with tempfile.TemporaryDirectory(prefix="dialer-sim-") as folder:
        files = portfolio_files(Path(folder), consumers=consumers)
        write_synthetic(files, seed=seed, start=start)
        cases = read_population(files, keep=None if keep is None else keep.__contains__)
    return Population(cases, consumers if keep is not None else len(cases))


def attach_history(
    cases: list[SimCase],
    path: Path,
    *,
    owners: dict[str, tuple[str, str]],
    finished: Callable[[], bool] | None = None,
) -> None:
    """Prior contacts (made before this system) from a history CSV, onto their consumers."""
    from dialer.simulate.history import read_history

    by_key = {case.key: case for case in cases}
    for consumer_ref, entry in read_history(path, owners=owners, finished=finished):
        case = by_key.get(consumer_ref)
        if case is not None:
            case.history.append(entry)
    for case in cases:
        case.history.sort(key=lambda entry: entry.at)
        case.facts = _with_replies(case.facts, case.history)


def _with_replies(facts: ConsumerFacts, history: list[HistoryEntry]) -> ConsumerFacts:
    """Opt-outs texted in the past, applied to the phones as the history importer does.

    The live dispatcher reads only the last `HISTORY_DAYS` of history; the opt-out itself is a
    fact of the phone that outlives the message. A later opt-in (START) revokes the texted
    SMS opt-outs before it (not those from the cases file, which are recorded at import).
    """
    from dialer.compliance import SmsIntent, read_inbound_sms

    texted: dict[str, set[Channel]] = {}
    for entry in history:
        if entry.direction is Direction.INBOUND and entry.body and entry.from_:
            reading = read_inbound_sms(entry.body)
            if reading.intent is SmsIntent.OPT_OUT:
                texted.setdefault(entry.from_, set()).update(reading.channels)
            elif reading.intent is SmsIntent.OPT_IN:
                texted.get(entry.from_, set()).discard(Channel.SMS)
    if not texted:
        return facts
    return replace(
        facts,
        phones=tuple(
            replace(
                p,
                sms_opted_out=p.sms_opted_out or Channel.SMS in texted.get(p.number, ()),
                call_opted_out=p.call_opted_out or Channel.CALL in texted.get(p.number, ()),
            )
            for p in facts.phones
        ),
    )
