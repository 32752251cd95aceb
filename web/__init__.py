"""The web process: its factory (`web.app.create_app`) and what the console and the webhooks share
(the process's Services, the webhook batch writer, the spool, /healthz and /metrics).

`webhooks/` and `console/` plug into the factory and never import each other; this package
imports nothing at import time, so either may import `web.extensions` without a cycle.
"""
