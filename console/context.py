"""Per-request access to the process's services, the rule packs and a unit of work."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app
from sqlalchemy.orm import Session

from console.throttle import LoginThrottle
from dialer.bootstrap import Services
from dialer.compliance import RulePacks
from dialer.db.engine import transaction
from web.extensions import services

_KEY = "dialer.console"


@dataclass(frozen=True)
class ConsoleState:
    packs: RulePacks
    throttle: LoginThrottle


def init_state(app: Flask, state: ConsoleState) -> None:
    app.extensions[_KEY] = state


def state() -> ConsoleState:
    found = current_app.extensions[_KEY]
    assert isinstance(found, ConsoleState)
    return found


def packs() -> RulePacks:
    return state().packs


def now() -> datetime:
    return services().clock.now()


def app_services() -> Services:
    return services()


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """One transaction for the request's change: commits at the end of the block."""
    with transaction(services().sessions) as session:
        yield session
