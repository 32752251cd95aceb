"""What a simulation is asked (`SimulationConfig`) and what it answers (results, comparisons)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dialer.compliance import AdminLimits
from dialer.simulate.figures import Figures
from dialer.simulate.model import OutcomeModel
from dialer.simulate.shard_state import Capacity

DEFAULT_CAMPAIGN = Path(__file__).with_name("campaign.yaml")
DEFAULT_START = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)  # a Monday, midnight on the US east coast
PARALLEL_FROM = 5000  # cases; smaller runs stay in one process
AUDIT_SAMPLE = 20_000  # contacts re-audited per run by default (a seeded sample beyond that)


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
    audit_sample: int | None = AUDIT_SAMPLE  # None: re-audit every contact
    sample_cases: int | None = None  # opt-in: simulate a seeded sample and scale the counts up


@dataclass
class SimulationResult:
    config: SimulationConfig
    figures: Figures
    seconds: float  # wall clock: the portfolio, the simulation and the re-audit
    shards: int
    simulated_cases: int = 0  # fewer than figures.cases when a sample was scaled up
    portfolio_seconds: float = 0.0  # of `seconds`: writing and validating the portfolio
    simulated_attempts: int = 0  # contacts actually simulated (before any scaling up)

    @property
    def case_days_per_second(self) -> float:
        return self.figures.cases * self.config.days / max(self.seconds, 1e-9)

    @property
    def sampled(self) -> bool:
        return self.simulated_cases < self.figures.cases

    @property
    def audit_sampled(self) -> bool:
        return self.figures.audited < self.simulated_attempts

    def to_dict(self) -> dict[str, Any]:
        return {
            "days": self.config.days,
            "seed": self.config.seed,
            "seconds": self.seconds,
            "portfolio_seconds": self.portfolio_seconds,
            "shards": self.shards,
            "simulated_cases": self.simulated_cases,
            "simulated_attempts": self.simulated_attempts,
            "sampled_cases": self.sampled,
            "sampled_audit": self.audit_sampled,
            "figures": self.figures.to_dict(),
        }


@dataclass
class Comparison:
    """The same portfolio and seed under the current and the proposed limits."""

    current: SimulationResult
    proposed: SimulationResult
    rows: list[tuple[str, int, int]] = field(default_factory=list)
    seconds: float = 0.0  # wall clock of both runs together

    def __post_init__(self) -> None:
        left, right = self.current.figures.headline(), self.proposed.figures.headline()
        labels = list(left) + [label for label in right if label not in left]
        self.rows = [(label, left.get(label, 0), right.get(label, 0)) for label in labels]
        self.seconds = self.seconds or self.current.seconds + self.proposed.seconds

    def to_dict(self) -> dict[str, Any]:
        return {
            "seconds": self.seconds,
            "current": self.current.to_dict(),
            "proposed": self.proposed.to_dict(),
            "rows": [
                {"figure": label, "current": a, "proposed": b, "change": b - a}
                for label, a, b in self.rows
            ],
        }
