"""The gunicorn target: `gunicorn webhooks.wsgi:app` (the only import-time app object).

Each worker imports this module after the fork, builds its app and warms the webhook paths
up before it takes its first request.
"""

from __future__ import annotations

from config.settings import load_settings
from config.startup import check_web_start
from dialer.callbacks.warmup import warm_up_webhooks
from web.app import create_app
from web.extensions import services_of, start_spool_drainer

settings = load_settings()
check_web_start(settings)  # the secrets; gunicorn's on_starting also checks the address
app = create_app(settings)
warm_up_webhooks(services_of(app).engine)
start_spool_drainer(services_of(app))  # callbacks spooled during a database outage
