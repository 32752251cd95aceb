"""The web app built from settings lives on the rehearsal clock DIALER_CLOCK_START asks for."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from config.settings import Settings, load_settings
from dialer.bootstrap import Services, build_services
from tests.integration.console.test_api import token_for

# 07:59:50 in New York on the morning daylight saving time starts (EDT).
START = datetime(2027, 3, 14, 11, 59, 50, tzinfo=UTC)


@pytest.fixture
def settings(db_url: str) -> Settings:
    return load_settings(
        DATABASE_URL=db_url, DIALER_ENV="test", DIALER_CLOCK_START=START.isoformat()
    )


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    built = build_services(settings, web=True)  # the clock as the web process builds it
    yield built
    built.close()


def test_the_console_explains_at_the_simulated_time(app, services, seeded) -> None:  # type: ignore[no-untyped-def]
    headers = token_for(services, seeded.supervisor_id)
    explained = app.test_client().get("/api/v1/cases/D-1001/explanation", headers=headers).json
    at = datetime.fromisoformat(explained["at"])
    assert START <= at < START + timedelta(minutes=2)
