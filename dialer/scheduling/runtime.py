"""The composition root of the scheduler and worker processes: settings -> a Dispatcher."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from config.settings import Settings
from dialer.bootstrap import Services, build_services
from dialer.clock import Clock
from dialer.compliance import load_rule_packs
from dialer.compliance.packs import RulePacks
from dialer.dispatch import Dispatcher
from dialer.pacing import Pacer, PacingConfig
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


def pacing_config(settings: Settings) -> PacingConfig:
    """The account's call rate, the per-sender SMS rate and the concurrent-call cap.

    These are what the Twilio account allows; an admin may lower the call rate and the cap
    (global contact limits), which `Dispatcher.tick` applies to the pacer at each tick."""
    return PacingConfig(
        calls_per_second=settings.calls_per_second,
        sms_per_second=settings.sms_per_second,
        max_concurrent_calls=settings.max_concurrent_calls,
        storage_url=settings.redis_url,
        namespace=settings.pacing_namespace,
        transit_margin=settings.pacing_margin_seconds,
    )


def build_runtime(
    settings: Settings,
    *,
    clock: Clock | None = None,
    telephony: Telephony | None = None,
    batch_size: int | None = None,
) -> Runtime:
    from dialer.telephony.twilio_gateway import TwilioTelephony

    services = build_services(settings, clock=clock)
    gateway: Telephony = telephony or TwilioTelephony.create(
        settings.twilio_account_sid,
        settings.twilio_auth_token.get_secret_value(),
        settings.twilio_api_base,
        settings.twilio_timeout_seconds,
    )
    packs = load_rule_packs(settings.rules_dir)
    # Without Redis the pacing window lives in the database, shared by every process.
    pacer = Pacer(
        pacing_config(settings),
        account=settings.twilio_account_sid,
        database=services.engine,
    )
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
