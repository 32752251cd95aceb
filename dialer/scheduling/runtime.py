"""The composition root of the scheduler and worker processes: settings -> a Dispatcher."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta

from config.settings import Settings
from dialer.bootstrap import Services, build_services
from dialer.clock import Clock
from dialer.compliance import load_rule_packs
from dialer.compliance.packs import RulePacks
from dialer.dispatch import Dispatcher
from dialer.pacing import Pacer, PacingConfig
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
    """CPS from settings; SMS rate and concurrency from DIALER_SMS_PER_SECOND and
    DIALER_MAX_CONCURRENT_CALLS (read here, in the composition root)."""
    concurrent = os.environ.get("DIALER_MAX_CONCURRENT_CALLS")
    return PacingConfig(
        calls_per_second=settings.calls_per_second,
        sms_per_second=float(os.environ.get("DIALER_SMS_PER_SECOND", "1")),
        max_concurrent_calls=int(concurrent) if concurrent else None,
        storage_url=settings.redis_url,
        namespace=os.environ.get("DIALER_PACING_NAMESPACE", "dialer"),
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
    pacer = Pacer(pacing_config(settings), account=settings.twilio_account_sid)
    dispatcher = Dispatcher(
        sessions=services.sessions,
        telephony=gateway,
        pacer=pacer,
        packs=packs,
        clock=services.clock,
        base_url=settings.public_base_url,
        batch_size=batch_size or int(os.environ.get("DIALER_BATCH_SIZE", "50")),
        lease=timedelta(seconds=float(os.environ.get("DIALER_CLAIM_LEASE_SECONDS", "300"))),
    )
    return Runtime(services, gateway, pacer, packs, dispatcher)
