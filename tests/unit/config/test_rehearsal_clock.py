"""DIALER_CLOCK_START / DIALER_CLOCK_EPOCH: a rehearsal clock every process reads the same way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from config.errors import ConfigurationError
from config.settings import load_settings
from dialer.bootstrap import clock_from_settings
from dialer.cli.main import cli
from dialer.clock import FakeClock, OffsetClock, SystemClock

START = datetime(2027, 3, 14, 7, 55, tzinfo=UTC)
REAL = datetime(2026, 12, 5, 21, 0, tzinfo=UTC)
CLOCK_VARIABLES = ("DIALER_CLOCK_START", "DIALER_CLOCK_EPOCH", "DIALER_ENV")


@pytest.fixture(autouse=True)
def _no_clock_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in CLOCK_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_the_offset_clock_reads_start_at_the_epoch_and_runs_at_normal_speed() -> None:
    real = FakeClock(REAL)
    clock = OffsetClock(START, epoch=REAL, real=real)
    assert clock.now() == START
    real.advance(timedelta(minutes=5, seconds=3))
    assert clock.now() == START + timedelta(minutes=5, seconds=3)


def test_processes_started_at_different_moments_on_one_epoch_agree() -> None:
    real = FakeClock(REAL + timedelta(seconds=40))  # this process started 40 s after the epoch
    late = OffsetClock(START, epoch=REAL, real=real)
    assert late.now() == START + timedelta(seconds=40)


def test_without_an_epoch_the_clock_starts_when_it_is_built() -> None:
    real = FakeClock(REAL)
    clock = OffsetClock(START, real=real)
    real.advance(timedelta(seconds=2))
    assert clock.now() == START + timedelta(seconds=2)


def test_a_naive_start_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        OffsetClock(datetime(2027, 3, 14, 7, 55))


def test_the_setting_builds_a_clock_at_that_instant_in_any_offset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DIALER_CLOCK_START", "2027-03-14T08:00:00-04:00")
    monkeypatch.setenv("DIALER_CLOCK_EPOCH", SystemClock().now().isoformat())
    now = clock_from_settings(load_settings()).now()
    assert now.tzinfo is not None
    assert abs(now - datetime(2027, 3, 14, 12, 0, tzinfo=UTC)) < timedelta(seconds=30)


def test_no_setting_means_the_real_clock() -> None:
    assert isinstance(clock_from_settings(load_settings()), SystemClock)


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("tomorrow morning", "'tomorrow morning' is not an ISO 8601 time"),
        ("2027-03-14T07:55:00", "has no UTC offset"),
        ("2027-02-30T07:55:00Z", "is not an ISO 8601 time"),
    ],
)
def test_a_malformed_start_names_the_variable_and_the_reason(
    monkeypatch: pytest.MonkeyPatch, value: str, why: str
) -> None:
    monkeypatch.setenv("DIALER_CLOCK_START", value)
    with pytest.raises(ConfigurationError) as raised:
        load_settings()
    assert "DIALER_CLOCK_START" in str(raised.value)
    assert why in str(raised.value)


def test_an_epoch_without_a_start_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIALER_CLOCK_EPOCH", "2026-12-05T21:00:00Z")
    with pytest.raises(ConfigurationError, match="DIALER_CLOCK_EPOCH needs DIALER_CLOCK_START"):
        load_settings()


def test_production_refuses_the_rehearsal_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIALER_ENV", "production")
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "1" * 32)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "a-real-token")
    monkeypatch.setenv("SECRET_KEY", "a-real-secret")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://dialer.example.com")
    assert load_settings().clock_start is None  # production itself is fine
    monkeypatch.setenv("DIALER_CLOCK_START", "2027-03-14T07:55:00-04:00")
    with pytest.raises(ConfigurationError, match="development and demos only"):
        load_settings()


def test_every_command_refuses_it_in_production_with_one_clear_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env = {
        "DIALER_ENV": "production",
        "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
        "TWILIO_AUTH_TOKEN": "a-real-token",
        "SECRET_KEY": "a-real-secret",
        "PUBLIC_BASE_URL": "https://dialer.example.com",
        "DIALER_CLOCK_START": "2027-03-14T07:55:00-04:00",
    }
    for args in (["worker", "--once"], ["scheduler"], ["compliance", "explain", "D1"]):
        result = CliRunner().invoke(cli, args, env=env)
        assert result.exit_code == 2, (args, result.output)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1
        assert "DIALER_CLOCK_START is for development and demos only" in lines[0]
