"""The Flask application: Twilio webhooks, the console and the JSON API."""

from __future__ import annotations

from webhooks.app import create_app

__all__ = ["create_app"]
