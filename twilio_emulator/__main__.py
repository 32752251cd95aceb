"""`python -m twilio_emulator --port N`: the same command as `dialer twilio-emulator`."""

from __future__ import annotations

from twilio_emulator.cli import twilio_emulator

if __name__ == "__main__":
    twilio_emulator(prog_name="python -m twilio_emulator")
