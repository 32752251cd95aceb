"""The gunicorn target: `gunicorn webhooks.wsgi:app` (the only import-time app object)."""

from __future__ import annotations

from webhooks.app import create_app

app = create_app()
