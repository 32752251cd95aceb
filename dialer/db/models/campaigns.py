"""Campaigns and versioned contact limits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dialer.db.base import Base, JSONType, UTCDateTime
from dialer.db.models._checks import one_of
from dialer.vocabulary import CampaignStatus


class Campaign(Base):
    __tablename__ = "campaigns"
    __table_args__ = (one_of("status", CampaignStatus),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    status: Mapped[str] = mapped_column(String(10), default=CampaignStatus.DRAFT)
    # The validated campaign definition (audience, steps, hours, caller IDs, templates).
    definition: Mapped[dict[str, Any]] = mapped_column(JSONType)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ContactLimitVersion(Base):
    """Admin contact limits for a scope; every change adds a version, the newest is in force."""

    __tablename__ = "contact_limits"
    __table_args__ = (
        UniqueConstraint("scope", "scope_key", "version", name="uq_contact_limits_scope_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(10))  # global, campaign, state
    scope_key: Mapped[str] = mapped_column(String(64), default="")
    version: Mapped[int] = mapped_column()
    limits: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)


class BusinessHoursVersion(Base):
    """The company's business hours for inbound calls (used when a campaign sets none); every
    change adds a version, the newest is in force (none stored: the default in
    dialer.admin.business_hours)."""

    __tablename__ = "business_hours"
    __table_args__ = (UniqueConstraint("version", name="uq_business_hours_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column()
    # zone, days, start, end, holidays (as BusinessHours in dialer.campaigns.options reads them)
    hours: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)
