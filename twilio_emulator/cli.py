"""`dialer twilio-emulator` and `python -m twilio_emulator`: the local stand-in for Twilio's REST
API. The emulator's own command: `dialer.cli.main` only registers it."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click


@click.command("twilio-emulator")
@click.option("--port", type=int, default=8099, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Listen address.")
@click.option("--cps", type=float, default=1.0, show_default=True, help="Calls per second.")
@click.option(
    "--strict/--queue",
    default=False,
    show_default=True,
    help="strict: 429/20429 above the CPS; queue: hold calls in `queued` like Twilio.",
)
@click.option("--speed", type=float, default=1.0, show_default=True, help="Time scale.")
@click.option("--seed", type=int, default=0, show_default=True, help="Outcome RNG seed.")
@click.option("--inbound-sms-url", default=None, help="Where injected inbound SMS are POSTed.")
@click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="JSON: {config settings..., mix: {...}, faults: {...}, scripts: {number: {...}}}.",
)
def twilio_emulator(
    *,
    port: int,
    host: str,
    cps: float,
    strict: bool,
    speed: float,
    seed: int,
    inbound_sms_url: str | None,
    config_file: Path | None,
) -> None:
    """Run the local Twilio emulator (credentials: TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN)."""
    from config.errors import ConfigurationError
    from config.settings import load_settings
    from dialer.bootstrap import clock_from_settings
    from twilio_emulator.app import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, Emulator
    from twilio_emulator.config import EmulatorConfig, NumberScript
    from twilio_emulator.server import EmulatorServer

    settings: dict[str, Any] = {"cps": cps, "strict": strict, "speed": speed, "seed": seed}
    if inbound_sms_url:
        settings["inbound_sms_url"] = inbound_sms_url
    scripts: dict[str, Any] = {}
    if config_file is not None:
        loaded = json.loads(config_file.read_text(encoding="utf-8"))
        scripts = loaded.pop("scripts", {})
        settings.update(loaded)
    try:
        config = EmulatorConfig().updated(settings)
        parsed = {number: NumberScript.from_json(data) for number, data in scripts.items()}
    except (ValueError, TypeError) as exc:
        raise click.ClickException(f"bad emulator configuration: {exc}") from exc
    try:
        clock = clock_from_settings(load_settings())  # DIALER_CLOCK_START / _EPOCH, if set
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from exc
    emulator = Emulator(
        account_sid=os.environ.get("TWILIO_ACCOUNT_SID") or DEFAULT_ACCOUNT_SID,
        auth_token=os.environ.get("TWILIO_AUTH_TOKEN") or DEFAULT_AUTH_TOKEN,
        config=config,
        clock=clock,
    )
    emulator.store.scripts.update(parsed)
    server = EmulatorServer(emulator, host, port)
    click.echo(
        f"twilio emulator on {server.base_url} (account {emulator.account_sid}, "
        f"clock {clock.now().isoformat(timespec='seconds')})"
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        emulator.close()
