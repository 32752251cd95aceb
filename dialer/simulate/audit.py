"""The simulator's re-audit: its contacts (all, or a seeded sample) evaluated again.

For each attempt the consumer's facts are taken as they stood at that instant (the versions
kept when an opt-out, dispute or wrong party changed them) and the history is cut to what
happened strictly before it (within the window the live re-audit reads). Any contact the
engine would block is a violation.
"""

from __future__ import annotations

import bisect
import random
from datetime import datetime

from dialer.compliance import AdminLimits, ConsumerFacts, HistoryEntry, RulePacks, evaluate
from dialer.simulate.figures import Figures
from dialer.simulate.population import SimCase
from dialer.simulate.shard_state import AttemptRecord, CaseState, recent_history

MAX_VIOLATIONS_KEPT = 20


def facts_at(case: SimCase, state: CaseState, at: datetime) -> ConsumerFacts:
    if not state.versions:
        return case.facts
    moments = [moment for moment, _ in state.versions]
    return state.versions[max(bisect.bisect_right(moments, at) - 1, 0)][1]


def before(history: list[HistoryEntry], at: datetime) -> list[HistoryEntry]:
    """What the record held just before `at`: the live window, strictly earlier entries."""
    return [entry for entry in recent_history(history, at) if entry.at < at]


def reaudit(
    *,
    cases: list[SimCase],
    states: list[CaseState],
    records: list[AttemptRecord],
    limits: AdminLimits,
    packs: RulePacks,
    figures: Figures,
    sample: int | None,
    seed: int,
) -> None:
    """Re-evaluate `records` (all, or a seeded sample of `sample`) into `figures`."""
    chosen = records
    if sample is not None and len(records) > sample:
        chosen = random.Random(seed).sample(records, sample)  # noqa: S311
    for record in chosen:
        case, state = cases[record.case], states[record.case]
        history = before(case.history, record.at)
        decision = evaluate(
            facts_at(case, state, record.at), history, record.proposed, limits=limits, packs=packs
        )
        figures.audited += 1
        if decision.allowed:
            continue
        figures.violation_count += 1
        if len(figures.violations) < MAX_VIOLATIONS_KEPT:
            figures.violations.append(
                {
                    "case": case.key,
                    "at": record.at.isoformat(),
                    "channel": record.proposed.channel.value,
                    "reasons": list(decision.reason_codes),
                }
            )
