"""Campaigns in the database: create from a definition, list, pause/resume, enrol debts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from dialer.admin.contact_limits import campaign_hours, limits_from_dict
from dialer.admin.limit_changes import check_limits
from dialer.agents.pool import agents_who_can_take_calls
from dialer.campaigns.definition import Audience, CampaignDefinition, StepKind
from dialer.campaigns.sms_policy import check_sms_policy
from dialer.cases.record import add_audit_entry
from dialer.compliance.packs import RulePacks
from dialer.db.models import Campaign, Client, Consumer, Debt
from dialer.errors import InputError, NotFoundError
from dialer.recordings.campaign_check import check_recording_coverage
from dialer.vocabulary import CampaignStatus, CollectorType

ENROL_BATCH = 5_000


def validate_campaign_hours(definition: CampaignDefinition, *, packs: RulePacks) -> None:
    """The campaign's own hours may only narrow the legal ones (rule packs)."""
    hours = definition.model_dump(mode="json")["hours"]
    limits = limits_from_dict(
        {"call_hours": hours.get("call"), "sms_hours": hours.get("sms")}, where="hours"
    )
    try:
        countries = tuple(definition.audience.countries) or ("US", "CN")
        check_limits(limits, packs=packs, countries=countries)
    except InputError as exc:
        raise InputError(f"campaign {definition.name}: hours: {exc}") from exc


def create_campaign(
    session: Session,
    definition: CampaignDefinition,
    *,
    packs: RulePacks,
    now: datetime,
    collector: CollectorType,
    actor: str = "cli",
    status: CampaignStatus = CampaignStatus.DRAFT,
) -> Campaign:
    """Store a new campaign, or a new version of an existing one (its status is kept).

    `collector` is the deployment's DIALER_COLLECTOR_TYPE: a third-party collector's US SMS
    steps need an approved sender (Twilio's policy, see sms_policy.py)."""
    validate_campaign_hours(definition, packs=packs)
    check_recording_coverage(definition, packs=packs, day=now.date())
    check_sms_policy(definition, collector)
    _known_clients(session, definition.audience.clients)
    data = definition.model_dump(mode="json")
    campaign = session.scalar(select(Campaign).where(Campaign.name == definition.name))
    before = None
    if campaign is None:
        campaign = Campaign(
            name=definition.name,
            status=status.value,
            definition=data,
            version=1,
            created_at=now,
            updated_at=now,
        )
        session.add(campaign)
    else:
        if campaign.status == CampaignStatus.FINISHED.value:
            raise InputError(f"campaign {definition.name} is finished and cannot change")
        before = {"version": campaign.version, "definition": campaign.definition}
        campaign.definition, campaign.version, campaign.updated_at = data, campaign.version + 1, now
    session.flush()
    _audit(session, campaign, now=now, actor=actor, action="campaign.save", before=before)
    return campaign


def _known_clients(session: Session, codes: tuple[str, ...]) -> None:
    known = set(session.scalars(select(Client.code).where(Client.code.in_(codes))))
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise InputError(f"audience.clients: no client with code {', '.join(unknown)}")


def find_campaign(session: Session, name: str) -> Campaign | None:
    return session.scalar(select(Campaign).where(Campaign.name == name))


def get_campaign(session: Session, name: str) -> Campaign:
    campaign = find_campaign(session, name)
    if campaign is None:
        raise NotFoundError(f"no campaign named {name!r}")
    return campaign


def list_campaigns(session: Session) -> list[Campaign]:
    return list(session.scalars(select(Campaign).order_by(Campaign.name)))


_MOVES = {
    CampaignStatus.ACTIVE: {CampaignStatus.DRAFT, CampaignStatus.PAUSED},
    CampaignStatus.PAUSED: {CampaignStatus.ACTIVE},
    CampaignStatus.FINISHED: {CampaignStatus.DRAFT, CampaignStatus.ACTIVE, CampaignStatus.PAUSED},
}


def set_status(
    session: Session, name: str, status: CampaignStatus, *, now: datetime, actor: str = "cli"
) -> Campaign:
    """Activate, pause, resume or finish; the dispatch tick reads the status every time."""
    campaign = get_campaign(session, name)
    current = CampaignStatus(campaign.status)
    if current is status:
        return campaign
    if current not in _MOVES.get(status, set()):
        raise InputError(f"campaign {name} is {current.value}: cannot become {status.value}")
    if status is CampaignStatus.ACTIVE:
        _refuse_agent_steps_without_agents(session, campaign)
    before = {"status": current.value}
    campaign.status, campaign.updated_at = status.value, now
    _audit(
        session, campaign, now=now, actor=actor, action=f"campaign.{status.value}", before=before
    )
    return campaign


def _refuse_agent_steps_without_agents(session: Session, campaign: Campaign) -> None:
    """An agent step needs someone to bridge to: at least one active agent with a phone."""
    definition = CampaignDefinition.model_validate(campaign.definition)
    steps = [i for i, step in enumerate(definition.steps) if step.kind is StepKind.AGENT]
    if steps and agents_who_can_take_calls(session) == 0:
        raise InputError(
            f"campaign {campaign.name}: step {steps[0]} is an agent step, but there is no "
            "active agent with a phone number to bridge calls to; add an agent (role agent, "
            "with a phone) first"
        )


def enrol(session: Session, campaign: Campaign, *, now: datetime, batch: int = ENROL_BATCH) -> int:
    """Put every matching, unenrolled debt on step 0, due now (batched, indexed updates)."""
    if campaign.status == CampaignStatus.FINISHED.value:
        raise InputError(f"campaign {campaign.name} is finished")
    audience = CampaignDefinition.model_validate(campaign.definition).audience
    query = select(Debt.id).where(Debt.campaign_id.is_(None), Debt.stage.in_(audience.stages))
    query = _ranges(query, audience)
    if audience.clients:
        query = query.where(
            Debt.client_id.in_(select(Client.id).where(Client.code.in_(audience.clients)))
        )
    if audience.countries or audience.states or audience.languages:
        people = select(Consumer.id)
        if audience.countries:
            people = people.where(Consumer.country.in_(audience.countries))
        if audience.states:
            people = people.where(Consumer.state.in_(audience.states))
        if audience.languages:
            people = people.where(
                Consumer.language.in_([lang.value for lang in audience.languages])
            )
        query = query.where(Debt.consumer_id.in_(people))
    total, last = 0, 0
    while True:
        ids = list(session.scalars(query.where(Debt.id > last).order_by(Debt.id).limit(batch)))
        if not ids:
            return total
        session.execute(
            update(Debt)
            .where(Debt.id.in_(ids), Debt.campaign_id.is_(None))
            .values(
                campaign_id=campaign.id,
                step_index=0,
                step_attempts=0,
                next_contact_at=now,
                updated_at=now,
            )
        )
        total, last = total + len(ids), ids[-1]


def _ranges(query: Select[int], audience: Audience) -> Select[int]:
    if audience.days_past_due.min is not None:
        query = query.where(Debt.days_past_due >= audience.days_past_due.min)
    if audience.days_past_due.max is not None:
        query = query.where(Debt.days_past_due <= audience.days_past_due.max)
    if audience.balance.min is not None:
        query = query.where(Debt.balance >= audience.balance.min)
    if audience.balance.max is not None:
        query = query.where(Debt.balance <= audience.balance.max)
    return query


def _audit(
    session: Session,
    campaign: Campaign,
    *,
    now: datetime,
    actor: str,
    action: str,
    before: dict[str, Any] | None,
) -> None:
    add_audit_entry(
        session,
        at=now,
        actor=actor,
        action=action,
        entity="campaign",
        entity_id=str(campaign.id),
        before=before,
        after={"status": campaign.status, "version": campaign.version},
        reason=None,
    )


__all__ = [
    "campaign_hours",
    "create_campaign",
    "enrol",
    "get_campaign",
    "list_campaigns",
    "set_status",
]
