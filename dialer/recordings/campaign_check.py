"""A campaign that records: every place its audience names must be covered by the rule packs."""

from __future__ import annotations

from datetime import date

from dialer.campaigns.definition import CampaignDefinition
from dialer.compliance.packs import RulePacks
from dialer.compliance.recording import covered_states
from dialer.errors import InputError

COUNTRIES = ("US", "CN")


def check_recording_coverage(
    definition: CampaignDefinition, *, packs: RulePacks, day: date
) -> None:
    """Refuse recording where no rule pack says whose consent it needs, naming the place."""
    if not definition.recording.enabled:
        return
    where = f"campaign {definition.name}: recording"
    covered: set[str] = set()
    for country in definition.audience.countries or COUNTRIES:
        states = covered_states(packs, country=country, day=day)
        if not states:
            raise InputError(
                f"{where}: the rule packs do not say whose consent recording a call needs in "
                f"{country}; restrict audience.countries or turn recording off"
            )
        covered |= states
    missing = [state for state in definition.audience.states if state not in covered]
    if missing:
        raise InputError(
            f"{where}: the rule packs do not cover call recording in state {', '.join(missing)}; "
            "add a recording_consent rule for it (with its citation) or turn recording off"
        )
