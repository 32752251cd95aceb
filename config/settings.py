"""Typed settings read from the environment once, at start-up, in the composition roots."""

from __future__ import annotations

import ipaddress
import os
import re
import socket
from datetime import datetime
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import limits
from pydantic import (
    AwareDatetime,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from config.errors import ConfigurationError

SID_PATTERN = re.compile(r"AC[0-9a-fA-F]{32}")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
RULES_DIR = Path(__file__).resolve().parent / "rules"

# Development-only credentials: `make demo` runs with no configuration. The web process accepts
# them only with DIALER_ENV=development and on a loopback address (config/startup.py); every
# other start refuses them.
DEV_ACCOUNT_SID = "AC" + "0" * 32
DEV_AUTH_TOKEN = "dev-auth-token-not-secret"  # noqa: S105 - development default, refused in production
DEV_SECRET_KEY = "dev-secret-key-not-secret"  # noqa: S105 - development default, refused in production


def default_database_url() -> str:
    return f"sqlite:///{PROJECT_ROOT / 'var' / 'dialer.sqlite3'}"


class Settings(BaseSettings):
    """Every setting the service reads; names follow DESIGN.md's environment contract."""

    model_config = SettingsConfigDict(
        frozen=True, extra="ignore", case_sensitive=True, populate_by_name=True
    )

    dialer_env: Literal["development", "production", "test"] | None = Field(
        default=None, alias="DIALER_ENV"
    )
    database_url: str = Field(default_factory=default_database_url, alias="DATABASE_URL")
    redis_url: str | None = Field(default=None, alias="REDIS_URL")
    twilio_account_sid: str = Field(default=DEV_ACCOUNT_SID, alias="TWILIO_ACCOUNT_SID")
    twilio_auth_token: SecretStr = Field(
        default=SecretStr(DEV_AUTH_TOKEN), alias="TWILIO_AUTH_TOKEN"
    )
    twilio_api_base: str | None = Field(default=None, alias="TWILIO_API_BASE")
    public_base_url: str = Field(default="http://127.0.0.1:5000", alias="PUBLIC_BASE_URL")
    secret_key: SecretStr = Field(default=SecretStr(DEV_SECRET_KEY), alias="SECRET_KEY")
    port: int = Field(default=5000, alias="PORT", ge=1, le=65535)
    trusted_proxy_count: int = Field(default=0, alias="DIALER_TRUSTED_PROXY_COUNT", ge=0, le=5)
    rules_dir: Path = Field(default=RULES_DIR, alias="DIALER_RULES_DIR")
    log_format: Literal["console", "json"] = Field(default="console", alias="DIALER_LOG_FORMAT")
    log_level: str = Field(default="INFO", alias="DIALER_LOG_LEVEL")
    tick_seconds: float = Field(default=2.0, alias="DIALER_TICK_SECONDS", gt=0)
    calls_per_second: float = Field(default=1.0, alias="DIALER_CALLS_PER_SECOND", gt=0)
    twilio_timeout_seconds: float = Field(default=10.0, alias="DIALER_TWILIO_TIMEOUT", gt=0)
    sms_per_second: float = Field(default=1.0, alias="DIALER_SMS_PER_SECOND", gt=0)
    max_concurrent_calls: int | None = Field(
        default=None, alias="DIALER_MAX_CONCURRENT_CALLS", ge=1
    )
    pacing_namespace: str = Field(default="dialer", alias="DIALER_PACING_NAMESPACE", min_length=1)
    batch_size: int = Field(default=50, alias="DIALER_BATCH_SIZE", ge=1, le=10_000)
    claim_lease_seconds: float = Field(default=300.0, alias="DIALER_CLAIM_LEASE_SECONDS", gt=0)
    metrics_token: SecretStr | None = Field(default=None, alias="DIALER_METRICS_TOKEN")
    login_limit_per_account: str = Field(
        default="5 per 15 minutes", alias="DIALER_LOGIN_LIMIT_PER_ACCOUNT"
    )
    login_limit_per_address: str = Field(
        default="50 per 15 minutes", alias="DIALER_LOGIN_LIMIT_PER_ADDRESS"
    )
    # Where the web process keeps callbacks while the database is down (drained when it is back).
    webhook_spool_dir: Path = Field(
        default=PROJECT_ROOT / "var" / "spool", alias="DIALER_WEBHOOK_SPOOL_DIR"
    )
    # A dispatching process beats this often; one silent for worker_dead_after_seconds is dead
    # and its claims are given back.
    heartbeat_seconds: float = Field(default=2.0, alias="DIALER_HEARTBEAT_SECONDS", gt=0)
    worker_dead_after_seconds: float = Field(
        default=10.0, alias="DIALER_WORKER_DEAD_AFTER_SECONDS", gt=0
    )
    # A rehearsal clock (development, test and demo only): the simulated time starts at
    # DIALER_CLOCK_START and runs at normal speed from the real instant DIALER_CLOCK_EPOCH
    # (default: when the process starts); a parent sets both so its children agree.
    clock_start: AwareDatetime | None = Field(default=None, alias="DIALER_CLOCK_START")
    clock_epoch: AwareDatetime | None = Field(default=None, alias="DIALER_CLOCK_EPOCH")
    # Third party unless told otherwise: Twilio refuses US SMS for third-party debt collection
    # (errors 30943, 30863), so campaigns with US SMS steps need first_party or an approved
    # sender; assuming first_party would let an agency text against that policy.
    # The values of dialer.vocabulary.CollectorType (config does not import the dialer).
    collector_type: Literal["first_party", "third_party"] = Field(
        default="third_party", alias="DIALER_COLLECTOR_TYPE"
    )

    @field_validator("twilio_account_sid")
    @classmethod
    def _sid_shape(cls, value: str) -> str:
        if not SID_PATTERN.fullmatch(value):
            msg = "must look like AC followed by 32 hex characters"
            raise ValueError(msg)
        return value

    @field_validator("clock_start", "clock_epoch", mode="before")
    @classmethod
    def _iso_with_offset(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            msg = f"{value!r} is not an ISO 8601 time (write it like 2027-03-15T07:55:00-04:00)"
            raise ValueError(msg) from None
        if moment.tzinfo is None:
            msg = f"{value!r} has no UTC offset (write it like 2027-03-15T07:55:00-04:00)"
            raise ValueError(msg)
        return moment

    @field_validator("public_base_url", "twilio_api_base")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            msg = "must start with http:// or https://"
            raise ValueError(msg)
        return value.rstrip("/") if value else value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                value = "postgresql+psycopg://" + value.removeprefix(prefix)
        if not value.startswith(("sqlite:///", "postgresql+psycopg://")):
            msg = "only sqlite:/// and postgresql+psycopg:// URLs are supported"
            raise ValueError(msg)
        return value

    @field_validator("login_limit_per_account", "login_limit_per_address")
    @classmethod
    def _rate_rule(cls, value: str) -> str:
        try:
            limits.parse(value)
        except ValueError:
            msg = "must read like '5 per 15 minutes'"
            raise ValueError(msg) from None
        return value

    @field_validator("metrics_token")
    @classmethod
    def _metrics_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None  # unset or empty (compose passes an unset variable as "")
        if len(value.get_secret_value()) < 16:
            msg = "must be at least 16 characters"
            raise ValueError(msg)
        return value or None

    @model_validator(mode="after")
    def _no_dev_secrets_in_production(self) -> Settings:
        if self.dialer_env != "production":
            return self
        problems = []
        if self.twilio_auth_token.get_secret_value() == DEV_AUTH_TOKEN:
            problems.append("TWILIO_AUTH_TOKEN must be set in production")
        if self.twilio_account_sid == DEV_ACCOUNT_SID:
            problems.append("TWILIO_ACCOUNT_SID must be set in production")
        if self.secret_key.get_secret_value() == DEV_SECRET_KEY:
            problems.append("SECRET_KEY must be set in production")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @model_validator(mode="after")
    def _rehearsal_clock_only_outside_production(self) -> Settings:
        if self.clock_start is not None and self.dialer_env == "production":
            msg = (
                "DIALER_CLOCK_START is for development and demos only; "
                "production runs on the real clock (unset it)"
            )
            raise ValueError(msg)
        if self.clock_epoch is not None and self.clock_start is None:
            msg = "DIALER_CLOCK_EPOCH needs DIALER_CLOCK_START (the time the clock read then)"
            raise ValueError(msg)
        return self

    @model_validator(mode="after")
    def _public_address_in_production(self) -> Settings:
        """Twilio cannot call back a loopback or private address: every callback would be lost."""
        if self.dialer_env != "production":
            return self
        host = urlsplit(self.public_base_url).hostname or ""
        if _is_local_host(host):
            msg = (
                f"PUBLIC_BASE_URL must be the public address Twilio calls back in production, "
                f"not {self.public_base_url}"
            )
            raise ValueError(msg)
        return self

    @property
    def is_development(self) -> bool:
        return self.dialer_env == "development"

    def development_secrets(self) -> list[str]:
        """The names of the settings that still hold a public development value."""
        found = []
        if self.secret_key.get_secret_value() == DEV_SECRET_KEY:
            found.append("SECRET_KEY")
        if self.twilio_account_sid == DEV_ACCOUNT_SID:
            found.append("TWILIO_ACCOUNT_SID")
        if self.twilio_auth_token.get_secret_value() == DEV_AUTH_TOKEN:
            found.append("TWILIO_AUTH_TOKEN")
        return found

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def ip_address_of(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a numeric host names, in every form the system resolver accepts: '127.1',
    '2130706433' and '0x7f.1' are all 127.0.0.1 to a client, though not to `ip_address`."""
    name = host.strip().strip("[]")
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(name))
    except OSError:
        return None


def _is_local_host(host: str) -> bool:
    if host == "localhost" or host.endswith((".localhost", ".local")):
        return True
    address = ip_address_of(host)
    if address is None:
        return False
    return address.is_loopback or address.is_private or address.is_unspecified


def load_settings(**overrides: object) -> Settings:
    """Read the environment once; a bad value raises ConfigurationError naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"]) or "settings"
            lines.append(f"{where}: {error['msg'].removeprefix('Value error, ')}")
        # from None: pydantic's own message repeats the input, secrets included.
        raise ConfigurationError("invalid configuration: " + "; ".join(lines)) from None


def environment_snapshot() -> dict[str, str]:
    """The process environment, for composition roots that spawn child processes."""
    return dict(os.environ)
