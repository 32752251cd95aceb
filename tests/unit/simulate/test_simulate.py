"""`dialer simulate` on small portfolios: figures add up, tighter limits never add contacts."""

from __future__ import annotations

from dataclasses import replace

import pytest
from click.testing import CliRunner

from dialer.cli.simulate import simulate
from dialer.compliance import AdminLimits
from dialer.simulate import SimulationConfig, compare, run_simulation
from dialer.simulate.runner import load_population
from dialer.simulate.text import render_result


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


def test_every_case_is_simulated_by_default_and_the_audit_sample_is_labelled() -> None:
    config = SimulationConfig(days=2, seed=4, audit_sample=40)
    result = run_simulation(config, consumers=200)
    f = result.figures
    assert config.sample_cases is None
    assert not result.sampled
    assert result.simulated_cases == f.cases > 150
    assert f.audited == 40 < f.total_attempts
    text = render_result(result)
    assert "ESTIMATE" not in text
    assert f"a seeded sample of 40 of the {f.total_attempts:,} simulated contacts" in text


def test_a_case_sample_is_opt_in_scaled_up_and_says_so() -> None:
    result = run_simulation(SimulationConfig(days=2, seed=4, sample_cases=100), consumers=400)
    assert result.sampled
    assert result.simulated_cases <= 100
    assert result.figures.cases == 400
    assert result.figures.audited == result.simulated_attempts  # every simulated contact
    assert result.figures.total_attempts > result.simulated_attempts  # scaled up
    text = render_result(result)
    assert "ESTIMATE from a seeded sample of" in text
    assert f"every one of the {result.simulated_attempts:,} simulated contacts" in text


def test_processes_reading_their_own_consumers_see_the_same_portfolio(population) -> None:
    """Two processes reading their halves of the files == the portfolio loaded in memory."""
    config = SimulationConfig(days=2, seed=3, workers=2)
    from_files = run_simulation(config, consumers=300)
    in_memory = run_simulation(config, population=population)
    assert from_files.shards == in_memory.shards == 2
    assert from_files.figures.to_dict() == in_memory.figures.to_dict()


def test_the_command_simulates_every_case_unless_asked_to_sample() -> None:
    runner = CliRunner()
    exact = runner.invoke(simulate, ["--cases", "150", "--days", "1", "--audit-all"])
    assert exact.exit_code == 0, exact.output
    assert "Simulated 1" in exact.output
    assert "ESTIMATE" not in exact.output
    assert "re-audit: every one of the" in exact.output
    sampled = runner.invoke(simulate, ["--cases", "300", "--days", "1", "--sample", "100"])
    assert sampled.exit_code == 0, sampled.output
    assert "ESTIMATE from a seeded sample of" in sampled.output


def test_a_stop_texted_before_the_run_opts_the_phone_out_for_good(population) -> None:
    """The dispatcher reads 35 days of history; the opt-out must outlive the message."""
    stops = [
        (case, entry.from_)
        for case in population.cases
        for entry in case.history
        if entry.body and entry.direction == "inbound"
    ]
    assert stops
    for case, number in stops:
        phone = case.facts.phone(number or "")
        assert phone is not None
        assert phone.sms_opted_out
