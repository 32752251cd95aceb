"""The scheduler process, its leader lock and the dispatch worker loop."""

from __future__ import annotations
