"""`dialer demo`: the main job end to end on loopback (see runner.py)."""

from __future__ import annotations

from dialer.demo.runner import DemoOptions, run_demo

__all__ = ["DemoOptions", "run_demo"]
