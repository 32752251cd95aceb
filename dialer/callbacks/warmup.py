"""Do at a web worker's start what the first callbacks would otherwise pay for.

Configuring the ORM mappers and compiling the batched call status statements takes a few hundred
milliseconds of CPU; done lazily, the first callbacks a new worker takes wait for it.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import configure_mappers

from dialer.callbacks import status_batch


def warm_up_webhooks(engine: Engine) -> int:
    """Configure the mappers and, on PostgreSQL, compile the batch statements; how many."""
    configure_mappers()
    if engine.dialect.name != "postgresql":
        return 0
    return status_batch.compile_all(engine.dialect)


def compiled_statements() -> int:
    """How many batch statements this process has compiled so far."""
    return status_batch.compiled_count()
