from __future__ import annotations

import pytest

from dialer.compliance import RulePacks, load_rule_packs


@pytest.fixture(scope="session")
def packs() -> RulePacks:
    return load_rule_packs()
