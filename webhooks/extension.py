"""Typed access to the process's Services from inside a request."""

from __future__ import annotations

from flask import Flask, current_app

from dialer.bootstrap import Services

_KEY = "dialer"


def init_services(app: Flask, services: Services) -> None:
    app.extensions[_KEY] = services


def services() -> Services:
    found = current_app.extensions[_KEY]
    assert isinstance(found, Services)
    return found
