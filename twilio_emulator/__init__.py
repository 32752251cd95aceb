"""A local stand-in for Twilio's REST API (Calls and Messages), for development and tests.

Not used in production. Start it with `dialer twilio-emulator --port N`, `python -m
twilio_emulator --port N`, or from tests with `twilio_emulator.testing.running_emulator()`.
"""

from __future__ import annotations

from twilio_emulator.config import EmulatorConfig, Faults, Mix, NumberScript

__all__ = ["EmulatorConfig", "Faults", "Mix", "NumberScript"]
