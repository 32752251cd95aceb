"""The security suite reuses the webhook and console fixtures (signed posts, seeded users)."""

from __future__ import annotations

from tests.integration.console.conftest import client_for, seeded
from tests.integration.webhooks.conftest import app, twilio

__all__ = ["app", "client_for", "seeded", "twilio"]
