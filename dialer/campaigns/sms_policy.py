"""Twilio's messaging policy for debt collection, checked when a campaign is created or saved.

Twilio and the US carriers do not allow SMS for third-party debt collection: an A2P 10DLC
campaign for it is rejected (error 30943, "Campaign rejected: Third-party debt collection
content detected", not eligible for resubmission) and sender verification is refused (error
30863, "Verification rejection - Disallowed: Third Party Debt Collection"; toll-free: 30460).
A deployment that collects for others (DIALER_COLLECTOR_TYPE=third_party) may not plan SMS to
US consumers unless the admin records the sender that was approved for it (`sms_sender`).
"""

from __future__ import annotations

from dialer.campaigns.definition import CampaignDefinition, StepKind
from dialer.errors import InputError
from dialer.vocabulary import CollectorType

POLICY = (
    "Twilio does not allow US text messages for third-party debt collection "
    "(A2P 10DLC campaigns are rejected with error 30943, sender verification with error 30863)"
)
_ALL_COUNTRIES = ("US", "CN")


def check_sms_policy(definition: CampaignDefinition, collector: CollectorType) -> None:
    """Refuse US SMS steps for a third-party collector without an approved sender."""
    if collector is CollectorType.FIRST_PARTY or definition.sms_sender is not None:
        return
    if "US" not in (definition.audience.countries or _ALL_COUNTRIES):
        return
    steps = [str(i) for i, step in enumerate(definition.steps) if step.kind is StepKind.SMS]
    if not steps:
        return
    where = ", ".join(f"steps.{i}" for i in steps)
    raise InputError(
        f"campaign {definition.name}: {where}: SMS to US consumers is refused for a third-party "
        f"collector (DIALER_COLLECTOR_TYPE=third_party): {POLICY}. Remove the SMS steps, limit "
        "audience.countries to CN, or record the sender approved for this traffic in "
        "sms_sender (kind: a2p_10dlc, toll_free_verified or short_code, and its id); a creditor "
        "collecting its own debts sets DIALER_COLLECTOR_TYPE=first_party."
    )
