"""Settings are validated at start-up with messages that name the bad variable."""

from __future__ import annotations

import pytest

from config.errors import ConfigurationError
from config.settings import load_settings


def test_development_defaults_need_no_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "DIALER_ENV"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.is_sqlite
    assert settings.calls_per_second == 1.0


def test_a_bad_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIALER_CALLS_PER_SECOND", "-3")
    with pytest.raises(ConfigurationError, match="DIALER_CALLS_PER_SECOND"):
        load_settings()


def test_a_malformed_account_sid_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC123")
    with pytest.raises(ConfigurationError, match="TWILIO_ACCOUNT_SID"):
        load_settings()


def test_production_refuses_development_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DIALER_ENV", "production")
    with pytest.raises(ConfigurationError) as raised:
        load_settings()
    message = str(raised.value)
    assert "TWILIO_AUTH_TOKEN must be set in production" in message
    assert "SECRET_KEY must be set in production" in message


def test_production_starts_with_real_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIALER_ENV", "production")
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "ab" * 16)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "a-real-token")
    monkeypatch.setenv("SECRET_KEY", "a-real-secret")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/dialer")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://dialer.example.com")
    settings = load_settings()
    assert settings.database_url == "postgresql+psycopg://u@db/dialer"


@pytest.mark.parametrize(
    "address",
    [
        "http://127.0.0.1:5000",
        "http://localhost:5000",
        "http://[::1]:5000",
        "http://0.0.0.0:5000",
        "http://10.0.0.7",
        "http://192.168.1.20:8000",
        "http://127.1:5000",  # the resolver's shorthand for 127.0.0.1
        "http://2130706433/",  # 127.0.0.1 as one number
        "http://0x7f.1/",
    ],
)
def test_production_refuses_a_public_base_url_twilio_cannot_reach(
    monkeypatch: pytest.MonkeyPatch, address: str
) -> None:
    monkeypatch.setenv("DIALER_ENV", "production")
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "ab" * 16)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "a-real-token")
    monkeypatch.setenv("SECRET_KEY", "a-real-secret")
    if address == "http://127.0.0.1:5000":
        monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)  # the default
    else:
        monkeypatch.setenv("PUBLIC_BASE_URL", address)
    with pytest.raises(ConfigurationError, match="PUBLIC_BASE_URL must be the public address"):
        load_settings()


def test_postgres_scheme_and_unsupported_databases(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://u@db/dialer")
    with pytest.raises(ConfigurationError, match="DATABASE_URL"):
        load_settings()
