"""The web console (agents, supervisors, admins) and the JSON API under /api/v1."""

from __future__ import annotations

from console.setup import init_app

__all__ = ["init_app"]
