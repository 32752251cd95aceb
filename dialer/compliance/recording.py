"""Recording a call: whose consent it needs where the consumer lives, and how long it is kept.

Pure: reads the rule packs' recording_consent and recording_retention rules (config/rules/).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from dialer.compliance.packs import RulePacks
from dialer.compliance.rules import RecordingConsentRule, RecordingRetentionRule

Parties = Literal["all", "one"]


@dataclass(frozen=True, slots=True)
class RecordingConsent:
    """`all`: every party must consent (announce before recording); `one`: ours suffices."""

    parties: Parties
    rule_id: str
    citation: str


def consent_rules(packs: RulePacks, *, country: str, day: date) -> list[RecordingConsentRule]:
    return [
        rule
        for rule in packs.all_rules(country.upper())
        if isinstance(rule, RecordingConsentRule) and rule.in_force(day)
    ]


def recording_consent(
    packs: RulePacks, *, country: str, state: str | None, day: date
) -> RecordingConsent | None:
    """The consent recording needs for a consumer in `state`; None when no rule covers it
    (the state is unknown or no pack says): such a call is never recorded. A state named by
    several rules takes the strictest (all parties)."""
    if not state:
        return None
    wanted = state.upper()
    found = [
        r for r in consent_rules(packs, country=country, day=day) if r.states and wanted in r.states
    ]
    if not found:
        return None
    strictest = min(found, key=lambda rule: 0 if rule.parties == "all" else 1)
    parties: Parties = "all" if strictest.parties == "all" else "one"
    return RecordingConsent(parties=parties, rule_id=strictest.id, citation=strictest.citation)


def recording_consent_in(
    packs: RulePacks, *, country: str, states: frozenset[str], day: date
) -> RecordingConsent | None:
    """The consent recording needs for a consumer who may be in any of `states` (the stated
    state and the postal code's, as the engine reads them): the strictest; None when any of
    them is not covered or none is known."""
    found = [recording_consent(packs, country=country, state=s, day=day) for s in sorted(states)]
    if not found or any(consent is None for consent in found):
        return None
    known = [consent for consent in found if consent is not None]
    return min(known, key=lambda consent: 0 if consent.parties == "all" else 1)


def covered_states(packs: RulePacks, *, country: str, day: date) -> frozenset[str]:
    return frozenset(
        state
        for rule in consent_rules(packs, country=country, day=day)
        for state in rule.states or ()
    )


def retention(packs: RulePacks, *, country: str, day: date) -> RecordingRetentionRule | None:
    """The longest retention any pack in force sets for `country` (None: none set)."""
    rules = [
        rule
        for rule in packs.all_rules(country.upper())
        if isinstance(rule, RecordingRetentionRule) and rule.in_force(day)
    ]
    return max(rules, key=lambda rule: rule.days, default=None)
