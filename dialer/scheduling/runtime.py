"""The scheduler and worker processes: settings -> services (dialer.bootstrap) -> a Dispatcher."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from config.settings import Settings
from dialer.bootstrap import Services, build_services
from dialer.clock import Clock
from dialer.compliance.packs import RulePacks
from dialer.dispatch import Dispatcher
from dialer.pacing import Pacer
from dialer.scheduling.heartbeat import new_worker_id
from dialer.telephony import Telephony


@dataclass
class Runtime:
    services: Services
    telephony: Telephony
    pacer: Pacer
    packs: RulePacks
    dispatcher: Dispatcher

    def close(self) -> None:
        self.services.close()


def build_runtime(
    settings: Settings,
    *,
    clock: Clock | None = None,
    telephony: Telephony | None = None,
    batch_size: int | None = None,
) -> Runtime:
    """The dispatcher of a scheduler or worker process, from the services of `dialer.bootstrap`
    (tests pass their own telephony)."""
    services = build_services(settings, clock=clock)
    gateway = telephony or services.telephony
    packs = services.packs
    pacer = services.pacer
    dispatcher = Dispatcher(
        sessions=services.sessions,
        telephony=gateway,
        pacer=pacer,
        packs=packs,
        clock=services.clock,
        base_url=settings.public_base_url,
        batch_size=batch_size or settings.batch_size,
        lease=timedelta(seconds=settings.claim_lease_seconds),
        worker=new_worker_id(),
        dead_after=timedelta(seconds=settings.worker_dead_after_seconds),
    )
    return Runtime(services, gateway, pacer, packs, dispatcher)
