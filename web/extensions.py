"""Typed access to the process's Services (and the webhook app's batches) inside a request."""

from __future__ import annotations

import threading
import time

from flask import Flask, current_app

from dialer.bootstrap import Services
from dialer.callbacks.status_batch import Applied, StatusCallback
from dialer.compliance import RulePacks
from dialer.db.group_commit import GroupCommit
from dialer.ledger import WebhookSpool, drain_spool
from dialer.observability.logging import get_logger
from dialer.telephony import Telephony

log = get_logger(__name__)

_KEY = "dialer"
_BATCHES = "dialer.call_status_batches"
_SPOOL = "dialer.webhook_spool"
_TELEPHONY = "dialer.telephony"
DRAIN_SECONDS = 2.0

CallStatusBatches = GroupCommit[StatusCallback, Applied]


def init_services(app: Flask, services: Services) -> None:
    app.extensions[_KEY] = services


def services() -> Services:
    return services_of(current_app)


def services_of(app: Flask) -> Services:
    """The Services of `app`, outside a request."""
    found = app.extensions[_KEY]
    assert isinstance(found, Services)
    return found


def init_call_status_batches(app: Flask, services: Services) -> None:
    """Call status callbacks that arrive together are written together (PostgreSQL only), on
    a connection the batches keep (they are written one at a time)."""
    batches = services.call_status_batches  # built by dialer.bootstrap
    if batches is not None:
        app.extensions[_BATCHES] = batches


def call_status_batches() -> CallStatusBatches | None:
    found = current_app.extensions.get(_BATCHES)
    assert found is None or isinstance(found, GroupCommit)
    return found


def init_spool(app: Flask, services: Services) -> None:
    """The local spool for callbacks the database cannot take."""
    app.extensions[_SPOOL] = WebhookSpool(services.settings.webhook_spool_dir)


def start_spool_drainer(services: Services, *, every: float = DRAIN_SECONDS) -> None:
    """A daemon thread of the web process: drains the spool into the ledger every `every`
    seconds once the database is back (each web worker runs one; the file lock serializes)."""
    spool = WebhookSpool(services.settings.webhook_spool_dir)
    threading.Thread(
        target=_drain_forever, args=(services, spool, every), name="spool-drain", daemon=True
    ).start()


def webhook_spool() -> WebhookSpool | None:
    found = current_app.extensions.get(_SPOOL)
    assert found is None or isinstance(found, WebhookSpool)
    return found


def _drain_forever(services: Services, spool: WebhookSpool, every: float) -> None:
    from dialer.callbacks import APPLIERS

    while True:
        time.sleep(every)
        try:
            report = drain_spool(services.sessions, spool, appliers=APPLIERS)
        except Exception:
            log.exception("spool_drain_failed")
            continue
        if report.stored:
            log.info("spool_drained", stored=report.stored, kept=report.kept)


def telephony() -> Telephony:
    """The process's telephony gateway (dialer.bootstrap: the official twilio client); tests put
    their own (a FakeTelephony) in app.extensions["dialer.telephony"]."""
    found: Telephony | None = current_app.extensions.get(_TELEPHONY)
    if found is None:
        found = current_app.extensions[_TELEPHONY] = services().telephony
    return found


def rule_packs() -> RulePacks:
    """The rule packs (DIALER_RULES_DIR), read once per process on first use (dialer.bootstrap)."""
    return services().packs
