"""`dialer simulate` on small portfolios: figures add up, tighter limits never add contacts."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dialer.compliance import AdminLimits
from dialer.simulate import SimulationConfig, compare, run_simulation
from dialer.simulate.runner import load_population


@pytest.fixture(scope="module")
def population():
    return load_population(SimulationConfig(days=3, seed=3), consumers=300)


def test_figures_add_up_and_the_reaudit_is_clean(population) -> None:
    result = run_simulation(SimulationConfig(days=3, seed=3), population=population)
    f = result.figures
    assert f.cases == len(population.cases) > 250
    assert f.total_attempts == sum(f.outcomes.values()) > 0
    assert f.attempts["call"] == sum(
        f.outcomes[o]
        for o in ("conversation", "wrong_party", "voicemail", "no_answer", "busy", "failed")
    )
    assert f.attempts["sms"] == f.outcomes["delivered"] + f.outcomes["undelivered"]
    assert f.right_party_contacts == f.outcomes["conversation"]
    assert f.promises <= f.right_party_contacts
    assert sum(f.contacts_by_local_hour) == f.total_attempts
    assert all(8 <= hour < 21 for hour, n in enumerate(f.contacts_by_local_hour) if n)
    assert f.blocks  # the portfolio has opt-outs, disputes, attorneys and night-time zones
    assert f.audited == f.total_attempts
    assert f.violation_count == 0


def test_same_seed_gives_the_same_figures(population) -> None:
    config = SimulationConfig(days=2, seed=5)
    first = run_simulation(config, population=population).figures.to_dict()
    second = run_simulation(config, population=population).figures.to_dict()
    assert first == second


def test_a_tighter_limit_gives_no_more_calls(population) -> None:
    base = SimulationConfig(days=3, seed=3)
    tight = replace(base, limits=AdminLimits(max_calls_per_day=1, max_calls_per_week=2))
    comparison = compare(base, tight, consumers=300)
    rows = {label: (current, proposed) for label, current, proposed in comparison.rows}
    assert rows["calls placed"][1] <= rows["calls placed"][0]
    assert rows["re-audit violations"] == (0, 0)
