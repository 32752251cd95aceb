"""Business hours for inbound calls: the hours of the campaign the caller's case is on, else of
the campaign whose caller ID they dialled, else the company's (dialer.admin.business_hours:
what an admin saved, by default Monday to Friday 08:00-20:00)."""

from __future__ import annotations

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from dialer.admin.business_hours import company_hours
from dialer.campaigns.options import BusinessHours
from dialer.db.models import Campaign


def _hours_of(campaign: Campaign | None) -> BusinessHours | None:
    raw = (campaign.definition or {}).get("business_hours") if campaign else None
    if not raw:
        return None
    try:
        return BusinessHours.model_validate(raw)
    except ValidationError:
        return None  # stored definitions were validated; an old shape has no hours


def _dials(campaign: Campaign, number: str) -> bool:
    numbers = ((campaign.definition or {}).get("caller_ids") or {}).get("numbers") or ()
    return number in numbers


def inbound_hours(session: Session, *, campaign_id: int | None, dialled: str) -> BusinessHours:
    """The business hours that apply to an inbound call about this campaign, to this number:
    a campaign's own override the company's."""
    if campaign_id is not None:
        hours = _hours_of(session.get(Campaign, campaign_id))
        if hours is not None:
            return hours
    for campaign in session.scalars(select(Campaign).order_by(Campaign.id)):
        if dialled and _dials(campaign, dialled):
            hours = _hours_of(campaign)
            if hours is not None:
                return hours
    return company_hours(session)
