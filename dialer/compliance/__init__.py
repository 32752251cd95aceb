"""The compliance engine: pure functions from plain facts to a decision with reasons.

No database, no clock, no Twilio: time always comes in as an argument. Rules live as data
in config/rules/*.yaml (see `load_rule_packs`).
"""

from __future__ import annotations

from dialer.compliance.decision import CandidateZone, Count, Decision, Reason, ReasonCode
from dialer.compliance.engine import evaluate, evaluate_through
from dialer.compliance.facts import (
    AdminLimits,
    ConsumerFacts,
    HistoryEntry,
    InconvenientTime,
    PhoneFacts,
    ProposedContact,
    TimeRange,
)
from dialer.compliance.keywords import (
    OptOutScope,
    SmsIntent,
    SmsReading,
    interpret_inbound_sms,
    read_inbound_sms,
)
from dialer.compliance.limit_check import validate_limits
from dialer.compliance.packs import RulePack, RulePacks, default_rules_dir, load_rule_packs
from dialer.compliance.plain_language import render_decision

__all__ = [
    "AdminLimits",
    "CandidateZone",
    "ConsumerFacts",
    "Count",
    "Decision",
    "HistoryEntry",
    "InconvenientTime",
    "OptOutScope",
    "PhoneFacts",
    "ProposedContact",
    "Reason",
    "ReasonCode",
    "RulePack",
    "RulePacks",
    "SmsIntent",
    "SmsReading",
    "TimeRange",
    "default_rules_dir",
    "evaluate",
    "evaluate_through",
    "interpret_inbound_sms",
    "load_rule_packs",
    "read_inbound_sms",
    "render_decision",
    "validate_limits",
]
