"""Running a simulation: load the portfolio once, split it into shards, merge the figures.

Cases never interact except through the account's capacity (calls and SMS per second,
agents), so each shard gets an equal share of the capacity and runs in its own process
(forked, so the portfolio is not copied through pipes). One shard per CPU, up to four.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dialer.campaigns import CampaignDefinition, load_definition
from dialer.compliance import AdminLimits, RulePacks, load_rule_packs
from dialer.limits import limits_from_dict, strictest
from dialer.simulate.audit import reaudit
from dialer.simulate.figures import Figures
from dialer.simulate.loop import Capacity, Shard
from dialer.simulate.model import OutcomeModel
from dialer.simulate.population import Population, SimCase, synthetic_cases

DEFAULT_CAMPAIGN = Path(__file__).with_name("campaign.yaml")
DEFAULT_START = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)  # a Monday, midnight on the US east coast
PARALLEL_FROM = 5000  # cases; smaller runs stay in one process
AUDIT_SAMPLE = 10000  # contacts re-audited per shard at most (a seeded sample beyond that)
SAMPLE_CASES = 10000  # larger portfolios: a seeded sample of this many cases, scaled up


@dataclass(frozen=True)
class SimulationConfig:
    days: int = 30
    seed: int = 1
    limits: AdminLimits = field(default_factory=AdminLimits)
    campaign: Path = DEFAULT_CAMPAIGN
    start: datetime = DEFAULT_START
    model: OutcomeModel = field(default_factory=OutcomeModel)
    capacity: Capacity = field(default_factory=Capacity)
    workers: int | None = None  # None: one per CPU (up to 4) for large runs
    audit_sample: int | None = AUDIT_SAMPLE
    sample_cases: int | None = SAMPLE_CASES  # None: simulate every case exactly


@dataclass
class SimulationResult:
    config: SimulationConfig
    figures: Figures
    seconds: float
    shards: int
    simulated_cases: int = 0  # fewer than figures.cases when a sample was scaled up

    @property
    def case_days_per_second(self) -> float:
        return self.figures.cases * self.config.days / max(self.seconds, 1e-9)

    @property
    def sampled(self) -> bool:
        return self.simulated_cases < self.figures.cases

    def to_dict(self) -> dict[str, Any]:
        return {
            "days": self.config.days,
            "seed": self.config.seed,
            "seconds": self.seconds,
            "shards": self.shards,
            "figures": self.figures.to_dict(),
        }


@dataclass
class Comparison:
    """The same portfolio and seed under the current and the proposed limits."""

    current: SimulationResult
    proposed: SimulationResult
    rows: list[tuple[str, int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        left, right = self.current.figures.headline(), self.proposed.figures.headline()
        labels = list(left) + [label for label in right if label not in left]
        self.rows = [(label, left.get(label, 0), right.get(label, 0)) for label in labels]

    def to_dict(self) -> dict[str, Any]:
        return {
            "current": self.current.to_dict(),
            "proposed": self.proposed.to_dict(),
            "rows": [
                {"figure": label, "current": a, "proposed": b, "change": b - a}
                for label, a, b in self.rows
            ],
        }


def campaign_limits(definition: CampaignDefinition) -> AdminLimits:
    """The campaign's own hours, as limits (they can only narrow the law)."""
    data: dict[str, Any] = {}
    if definition.hours.call is not None:
        data["call_hours"] = definition.hours.call.model_dump()
    if definition.hours.sms is not None:
        data["sms_hours"] = definition.hours.sms.model_dump()
    return limits_from_dict(data, where=f"campaign {definition.name} hours")


# Set before forking so the shard processes inherit the portfolio without pickling it.
_SHARED: dict[str, Any] = {}


def _run_shard(shard: int) -> Figures:
    cases: list[SimCase] = _SHARED["cases"]
    config: SimulationConfig = _SHARED["config"]
    shards: int = _SHARED["shards"]
    share: float = _SHARED["share"]
    packs: RulePacks = _SHARED["packs"]
    definition: CampaignDefinition = _SHARED["definition"]
    mine = [
        SimCase(c.key, c.facts, c.debt_ref, c.stage, list(c.history))
        for i, c in enumerate(cases)
        if i % shards == shard
    ]
    limits = strictest(config.limits, campaign_limits(definition))
    runner = Shard(
        cases=mine,
        definition=definition,
        limits=limits,
        packs=packs,
        model=config.model,
        capacity=config.capacity,
        share=share / shards,
        seed=config.seed,
        offset=shard * 10_000_000,
    )
    result = runner.run(start=config.start, days=config.days)
    reaudit(
        cases=mine,
        states=runner.states,
        records=result.attempts,
        limits=limits,
        packs=packs,
        figures=result.figures,
        sample=config.audit_sample,
        seed=config.seed + shard,
    )
    return result.figures


def run_simulation(
    config: SimulationConfig,
    *,
    population: Population | None = None,
    consumers: int = 1000,
    packs: RulePacks | None = None,
) -> SimulationResult:
    """Simulate `config.days` of the campaign over `population` (or a fresh synthetic one).

    A population that is a sample of a larger portfolio gets the same share of the capacity,
    and its counts are scaled back up to the portfolio (see `population.synthetic_cases`).
    """
    started = time.monotonic()
    population = population or load_population(config, consumers=consumers)
    cases = population.cases
    shards = config.workers or (min(os.cpu_count() or 1, 4) if len(cases) >= PARALLEL_FROM else 1)
    _SHARED.update(
        cases=cases,
        config=config,
        shards=shards,
        share=1 / population.scale,
        packs=packs or load_rule_packs(),
        definition=load_definition(config.campaign),
    )
    try:
        if shards == 1:
            parts = [_run_shard(0)]
        else:
            with multiprocessing.get_context("fork").Pool(shards) as pool:
                parts = pool.map(_run_shard, range(shards))
    finally:
        _SHARED.clear()
    figures = Figures()
    for part in parts:
        figures.add(part)
    if population.scale > 1:
        figures = figures.scaled(population.scale, cases=population.total)
    return SimulationResult(config, figures, time.monotonic() - started, shards, len(cases))


def load_population(config: SimulationConfig, *, consumers: int) -> Population:
    """The synthetic portfolio with prior history ending at the simulated start."""
    return synthetic_cases(
        consumers=consumers, seed=config.seed, start=config.start, sample=config.sample_cases
    )


def compare(current: SimulationConfig, proposed: SimulationConfig, *, consumers: int) -> Comparison:
    """Both runs on the same portfolio (loaded once) and the same seed."""
    population = load_population(current, consumers=consumers)
    packs = load_rule_packs()
    return Comparison(
        run_simulation(current, population=population, packs=packs),
        run_simulation(proposed, population=population, packs=packs),
    )


def preview_limits(
    current: AdminLimits, proposed: AdminLimits, *, cases: int, days: int, seed: int
) -> Comparison:
    """What a limit change would do, for the admin console's preview: same cases, same seed."""
    base = SimulationConfig(days=days, seed=seed, limits=current)
    return compare(base, SimulationConfig(days=days, seed=seed, limits=proposed), consumers=cases)
