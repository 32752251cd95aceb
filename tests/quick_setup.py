"""Two costs every test paid again and again, cut for the test session only (measured on the
2-core machine: some 1,000 tests build services, some 400 sign a user in):

- the rule packs: every `build_services` parsed config/rules/*.yaml again (0.1 s a time). A
  pack is parsed once per file name and content, and the parsed, frozen RulePack reused;
  every RulePacks is still new, so no test sees another's memo of rule sets.
  A test that writes its own pack files still has them parsed (and their errors raised).
- argon2: verifying the default parameters takes 0.25 s of CPU per sign-in. Test sessions use
  argon2id with the cheapest cost (0.2 ms); what is tested (which password signs in, the
  sign-in limits, the stored form being an argon2 hash) is the same.

Processes a test starts (gunicorn, `dialer demo`) run the product as shipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from dialer.admin import accounts
from dialer.compliance import packs
from dialer.compliance.packs import RulePack

QUICK_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def _parsed_once(load: Callable[[Path], RulePack]) -> Callable[[Path], RulePack]:
    parsed: dict[tuple[str, bytes], RulePack] = {}

    def load_file(path: Path) -> RulePack:
        key = (path.name, path.read_bytes())  # the name is part of what a pack's errors say
        if key not in parsed:
            parsed[key] = load(path)
        return parsed[key]

    return load_file


@contextmanager
def quick_setup() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(packs, "_load_file", _parsed_once(packs._load_file))
        patch.setattr(accounts, "_HASHER", QUICK_HASHER)
        yield
