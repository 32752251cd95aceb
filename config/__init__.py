"""Settings, rule packs and logging configuration."""

from __future__ import annotations

from config.settings import Settings, load_settings

__all__ = ["Settings", "load_settings"]
