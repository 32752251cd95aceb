"""Composition: the Emulator (state, engine, flows) and the Flask app that serves it."""

from __future__ import annotations

import random
import threading
from typing import Any

from flask import Flask, Response, jsonify

from twilio_emulator.callbacks import Dispatcher
from twilio_emulator.calls import CallFlow
from twilio_emulator.config import EmulatorConfig
from twilio_emulator.engine import Engine
from twilio_emulator.messages import MessageFlow
from twilio_emulator.pacing import Pacer, max_in_window
from twilio_emulator.scenarios import Scenarios
from twilio_emulator.shapes import error_body
from twilio_emulator.state import Clock, Store

DEFAULT_ACCOUNT_SID = "AC" + "0" * 32
DEFAULT_AUTH_TOKEN = "dev-auth-token-not-secret"  # noqa: S105 - matches config/settings.py dev value


class Emulator:
    """Everything one emulator instance holds; thread-safe."""

    def __init__(
        self,
        *,
        account_sid: str = DEFAULT_ACCOUNT_SID,
        auth_token: str = DEFAULT_AUTH_TOKEN,
        config: EmulatorConfig | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self._config = config or EmulatorConfig()
        self._config_lock = threading.Lock()
        self._lost_lock = threading.Lock()
        self._lost_remaining = self._config.faults.lose_responses
        self._fault_rng = random.Random(self._config.seed + 1)
        self.store = Store(clock)
        self.engine = Engine(speed=self._config.speed)
        self.pacer = Pacer(self._config.cps)
        self.scenarios = Scenarios(self.store, self.config, self._config.seed)
        self.dispatcher = Dispatcher(
            store=self.store,
            submit=lambda fn: self.engine.submit(fn, callback=True),
            after_real=self.engine.after_real,
            auth_token=auth_token,
            config=self.config,
            rng=random.Random(self._config.seed + 2),
        )
        common: dict[str, Any] = {
            "store": self.store,
            "engine": self.engine,
            "dispatcher": self.dispatcher,
            "scenarios": self.scenarios,
            "config": self.config,
        }
        self.calls = CallFlow(pacer=self.pacer, **common)
        self.messages = MessageFlow(**common)

    def config(self) -> EmulatorConfig:
        with self._config_lock:
            return self._config

    def configure(self, data: dict[str, Any]) -> EmulatorConfig:
        with self._config_lock:
            new = self._config.updated(data)
            self._config = new
        self.engine.speed = new.speed
        self.pacer.set_cps(new.cps)
        if "seed" in data:
            self.scenarios.reseed(new.seed)
            self._fault_rng = random.Random(new.seed + 1)
        if "lose_responses" in dict(data.get("faults") or {}):
            with self._lost_lock:
                self._lost_remaining = new.faults.lose_responses
        return new

    def fault_roll(self, rate: float) -> bool:
        if rate <= 0:
            return False
        with self._lost_lock:
            return self._fault_rng.random() < rate

    def take_lost_response(self) -> tuple[str | None, float]:
        faults = self.config().faults
        with self._lost_lock:
            if self._lost_remaining <= 0:
                return None, 0.0
            self._lost_remaining -= 1
        return faults.lose_mode, faults.lose_delay_seconds

    def reset(self) -> None:
        self.engine.clear()
        self.store.reset()
        self.pacer.reset()
        with self._config_lock:
            self._config = EmulatorConfig()
        self.engine.speed = self._config.speed
        self.pacer.set_cps(self._config.cps)
        self.scenarios.reseed(self._config.seed)
        with self._lost_lock:
            self._lost_remaining = 0

    def stats(self) -> dict[str, Any]:
        with self.store.lock:
            calls = list(self.store.call_creates)
            messages = list(self.store.message_creates)
            rejected = self.store.rejected_429
            statuses: dict[str, int] = {}
            for call in self.store.calls.values():
                statuses[call.status] = statuses.get(call.status, 0) + 1
            sms: dict[str, int] = {}
            for msg in self.store.messages.values():
                sms[msg.status] = sms.get(msg.status, 0) + 1
        return {
            "call_creates": calls,
            "message_creates": messages,
            "max_calls_in_any_second": max_in_window(calls),
            "max_messages_in_any_second": max_in_window(messages),
            "rejected_429": rejected,
            "call_statuses": statuses,
            "message_statuses": sms,
            "idle": self.engine.idle(),
        }

    def close(self) -> None:
        self.engine.stop()


def create_app(emulator: Emulator) -> Flask:
    from twilio_emulator import (
        conferences,  # noqa: F401 - adds the Conferences routes to api_bp
        recordings,  # noqa: F401 - adds the Recordings routes to api_bp
    )
    from twilio_emulator.api import bp as api_bp
    from twilio_emulator.control import bp as control_bp

    app = Flask("twilio_emulator")
    app.config["EMULATOR"] = emulator
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.register_blueprint(api_bp)
    app.register_blueprint(control_bp)

    @app.errorhandler(404)
    def not_found(_exc: Exception) -> tuple[Response, int]:
        return jsonify(error_body(20404, 404, uri="")), 404

    @app.errorhandler(405)
    def not_allowed(_exc: Exception) -> tuple[Response, int]:
        return jsonify(error_body(20004, 405)), 405

    return app
