"""Campaigns: definitions, validation, enrolment and the step/retry planner."""

from __future__ import annotations

from dialer.campaigns.definition import CampaignDefinition, Step, StepKind
from dialer.campaigns.loader import load_definition, parse_definition
from dialer.campaigns.planner import Plan, PlanAction, apply_plan, decide, plan_next_contact
from dialer.campaigns.store import (
    create_campaign,
    enrol,
    find_campaign,
    get_campaign,
    list_campaigns,
    set_status,
)

__all__ = [
    "CampaignDefinition",
    "Plan",
    "PlanAction",
    "Step",
    "StepKind",
    "apply_plan",
    "create_campaign",
    "decide",
    "enrol",
    "find_campaign",
    "get_campaign",
    "list_campaigns",
    "load_definition",
    "parse_definition",
    "plan_next_contact",
    "set_status",
]
