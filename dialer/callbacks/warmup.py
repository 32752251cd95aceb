"""Do at a web worker's start what the first callbacks would otherwise pay for.

Configuring the ORM mappers and compiling the direct paths' statements takes a few hundred
milliseconds of CPU; done lazily, the first callbacks a new worker takes wait for it.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import configure_mappers

from dialer.callbacks import ending, progress


def warm_up_direct_paths(engine: Engine) -> int:
    """Configure the mappers and, on PostgreSQL, compile the direct paths; statements compiled."""
    configure_mappers()
    if engine.dialect.name != "postgresql":
        return 0
    return progress.compile_all(engine.dialect) + ending.compile_all(engine.dialect)


def compiled_statements() -> int:
    """How many direct-path statements this process has compiled so far."""
    return progress.compiled_count() + ending.compiled_count()
