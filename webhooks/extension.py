"""Typed access to the process's Services from inside a request."""

from __future__ import annotations

from flask import Flask, current_app

from dialer.bootstrap import Services

_KEY = "dialer"


def init_services(app: Flask, services: Services) -> None:
    app.extensions[_KEY] = services


def services() -> Services:
    return services_of(current_app)


def services_of(app: Flask) -> Services:
    """The Services of `app`, outside a request."""
    found = app.extensions[_KEY]
    assert isinstance(found, Services)
    return found
