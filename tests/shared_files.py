"""Files from the team's shared notes: `../shared` beside the repository when it is there,
else the snapshot kept in `tests/data/shared` (a clone on its own still runs every test)."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = REPO_ROOT / "tests" / "data" / "shared"


def shared_file(relative: str) -> Path:
    live = REPO_ROOT.parent / "shared" / relative
    return live if live.is_file() else SNAPSHOT / relative
