"""The compose recipe run as local processes takes 40 to 90 s here (a 300-consumer import,
seven CLI runs, a campaign): only with `make compose-local` (DIALER_COMPOSE_LOCAL=1); every
`make test` checks the recipe as data (test_recipe.py)."""

from __future__ import annotations

import os

import pytest

FULL = os.environ.get("DIALER_COMPOSE_LOCAL") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselected (not skipped) unless `make compose-local` asked for it."""
    if FULL:
        return
    kept = [item for item in items if "compose_local" not in item.keywords]
    dropped = [item for item in items if "compose_local" in item.keywords]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
