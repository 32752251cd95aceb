"""Running a simulation: write the portfolio once, split it across processes, merge the figures.

Cases never interact except through the account's capacity (calls and SMS per second,
agents), so each shard gets an equal share of the capacity and runs in its own process
(forked; each process reads and validates only its own consumers from the portfolio files,
so nothing large is copied or pickled). One shard per CPU, up to four. Every case of the
portfolio is simulated unless a seeded sample is asked for (`sample_cases`); the re-audit
checks every contact, or a seeded sample of `audit_sample` contacts (the report says which).
"""

from __future__ import annotations

import gc
import math
import multiprocessing
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any

from dialer.admin.contact_limits import DEFAULT_LIMITS, limits_from_dict, strictest
from dialer.campaigns import CampaignDefinition, load_definition
from dialer.compliance import AdminLimits, RulePacks, load_rule_packs
from dialer.simulate.audit import reaudit
from dialer.simulate.figures import Figures
from dialer.simulate.loop import Shard
from dialer.simulate.population import (
    Population,
    PortfolioFiles,
    SimCase,
    portfolio_files,
    read_population,
    sample_positions,
    synthetic_cases,
    write_synthetic,
)
from dialer.simulate.results import (
    PARALLEL_FROM,
    Comparison,
    SimulationConfig,
    SimulationResult,
)


def campaign_limits(definition: CampaignDefinition) -> AdminLimits:
    """The campaign's own hours, as limits (they can only narrow the law)."""
    data: dict[str, Any] = {}
    if definition.hours.call is not None:
        data["call_hours"] = definition.hours.call.model_dump()
    if definition.hours.sms is not None:
        data["sms_hours"] = definition.hours.sms.model_dump()
    return limits_from_dict(data, where=f"campaign {definition.name} hours")


@dataclass
class _Job:
    """What every shard process needs; set before forking, so it is inherited, not pickled."""

    configs: list[SimulationConfig]
    shards: int
    share: float  # of the account's capacity, for all the shards together
    packs: RulePacks
    cases: list[SimCase] | None = None  # an in-memory population, or
    files: PortfolioFiles | None = None  # the portfolio files each shard reads its part of
    sample: frozenset[int] | None = None  # with files: only these consumer positions
    written: Callable[[], bool] | None = None  # with files: has the parent finished them?


@dataclass
class _ShardRun:
    figures: list[Figures]  # one per config
    seconds: list[float]
    loaded_at: float  # time.monotonic() (one clock for all processes) when its cases were read
    cases: int


_JOB: list[_Job] = []


def _shard_cases(job: _Job, shard: int) -> list[SimCase]:
    if job.cases is not None:
        return [case for case in job.cases if case.position % job.shards == shard]
    assert job.files is not None
    sample = job.sample
    return read_population(
        job.files,
        keep=lambda p: p % job.shards == shard and (sample is None or p in sample),
        finished=job.written,
    )


def _run_shard(shard: int) -> _ShardRun:
    job = _JOB[0]
    cases = _shard_cases(job, shard)
    loaded = time.monotonic()
    gc.freeze()  # the portfolio lives to the end: no collector passes over it
    try:
        runs = [_run_variant(job, config, cases, shard) for config in job.configs]
    finally:
        gc.unfreeze()
    return _ShardRun([figures for figures, _ in runs], [s for _, s in runs], loaded, len(cases))


def _run_variant(
    job: _Job, config: SimulationConfig, cases: list[SimCase], shard: int
) -> tuple[Figures, float]:
    started = time.monotonic()
    mine = [case.fresh() for case in cases]
    definition = load_definition(config.campaign)
    # the deployment's defaults under the given limits, as the live dialer has them
    limits = strictest(strictest(DEFAULT_LIMITS, config.limits), campaign_limits(definition))
    runner = Shard(
        cases=mine,
        definition=definition,
        limits=limits,
        packs=job.packs,
        model=config.model,
        capacity=config.capacity,
        share=job.share / job.shards,
        seed=config.seed,
    )
    result = runner.run(start=config.start, days=config.days)
    sample = config.audit_sample
    reaudit(
        cases=mine,
        states=runner.states,
        records=result.attempts,
        limits=limits,
        packs=job.packs,
        figures=result.figures,
        sample=None if sample is None else math.ceil(sample / job.shards),
        seed=config.seed + shard,
    )
    return result.figures, time.monotonic() - started


def _shard_count(config: SimulationConfig, cases: int) -> int:
    if config.workers:
        return config.workers
    return min(os.cpu_count() or 1, 4) if cases >= PARALLEL_FROM else 1


def _execute(job: _Job, *, write: Callable[[], None] | None = None) -> list[_ShardRun]:
    """Run the shards; `write` (the portfolio) runs in this process while they read it."""
    context = multiprocessing.get_context("fork")
    if job.shards == 1 or write is None:
        if write is not None:
            write()
        return _in_shards(job, context)
    done = context.Event()
    job.written = done.is_set
    _JOB[:] = [job]
    try:
        with context.Pool(job.shards) as pool:
            pending = pool.map_async(_run_shard, range(job.shards))
            try:
                write()
            finally:
                done.set()
            return pending.get()
    finally:
        _JOB.clear()


def _in_shards(job: _Job, context: BaseContext) -> list[_ShardRun]:
    _JOB[:] = [job]
    try:
        if job.shards == 1:
            return [_run_shard(0)]
        with context.Pool(job.shards) as pool:
            return pool.map(_run_shard, range(job.shards))
    finally:
        _JOB.clear()


def _run(
    configs: list[SimulationConfig],
    *,
    population: Population | None,
    consumers: int,
    packs: RulePacks | None,
) -> list[SimulationResult]:
    """Every config over the same portfolio (generated here unless given) and shards."""
    first = configs[0]
    packs = packs or load_rule_packs()
    started = time.monotonic()
    if population is not None:
        job = _Job(
            configs,
            _shard_count(first, len(population.cases)),
            1 / population.scale,
            packs,
            cases=population.cases,
        )
        return _results(configs, job, _execute(job), total=population.total, started=started)
    sample = sample_positions(consumers=consumers, sample=first.sample_cases, seed=first.seed)
    simulated = consumers if sample is None else len(sample)
    with tempfile.TemporaryDirectory(prefix="dialer-sim-") as folder:
        files = portfolio_files(Path(folder), consumers=consumers)
        job = _Job(
            configs,
            _shard_count(first, simulated),
            simulated / consumers,
            packs,
            files=files,
            sample=sample,
        )

        def write() -> None:
            write_synthetic(files, seed=first.seed, start=first.start)

        parts = _execute(job, write=write)
    total = consumers if sample is not None else sum(part.cases for part in parts)
    return _results(configs, job, parts, total=total, started=started)


def _results(
    configs: list[SimulationConfig],
    job: _Job,
    parts: list[_ShardRun],
    *,
    total: int,
    started: float,
) -> list[SimulationResult]:
    simulated = sum(part.cases for part in parts)
    portfolio = max(part.loaded_at for part in parts) - started  # written, then read
    results = []
    for index, config in enumerate(configs):
        figures = Figures()
        for part in parts:
            figures.add(part.figures[index])
        attempts = figures.total_attempts
        if total > simulated:
            figures = figures.scaled(total / max(simulated, 1), cases=total)
        seconds = portfolio + max(part.seconds[index] for part in parts)
        results.append(
            SimulationResult(
                config,
                figures,
                seconds,
                job.shards,
                simulated,
                portfolio,
                simulated_attempts=attempts,
            )
        )
    return results


def run_simulation(
    config: SimulationConfig,
    *,
    population: Population | None = None,
    consumers: int = 1000,
    packs: RulePacks | None = None,
) -> SimulationResult:
    """Simulate `config.days` of the campaign over `population` (or a fresh synthetic one).

    Without a population, the synthetic portfolio of `consumers` is generated and every case
    is simulated (or, with `config.sample_cases`, a seeded sample whose counts are scaled up).
    A population that is a sample of a larger portfolio gets the same share of the capacity,
    and its counts are scaled back up to the portfolio (see `population.synthetic_cases`).
    """
    started = time.monotonic()
    [result] = _run([config], population=population, consumers=consumers, packs=packs)
    result.seconds = time.monotonic() - started
    return result


def load_population(config: SimulationConfig, *, consumers: int) -> Population:
    """The synthetic portfolio with prior history ending at the simulated start, in memory."""
    return synthetic_cases(
        consumers=consumers, seed=config.seed, start=config.start, sample=config.sample_cases
    )


def compare(current: SimulationConfig, proposed: SimulationConfig, *, consumers: int) -> Comparison:
    """Both runs on the same portfolio (written and read once) with the same seed."""
    started = time.monotonic()
    left, right = _run([current, proposed], population=None, consumers=consumers, packs=None)
    return Comparison(left, right, seconds=time.monotonic() - started)


def preview_limits(
    current: AdminLimits, proposed: AdminLimits, *, cases: int, days: int, seed: int
) -> Comparison:
    """What a limit change would do, for the admin console's preview: same cases, same seed."""
    base = SimulationConfig(days=days, seed=seed, limits=current)
    return compare(base, SimulationConfig(days=days, seed=seed, limits=proposed), consumers=cases)
