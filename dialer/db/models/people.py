"""Consumers, their phone numbers, flags, stated inconvenient times and opt-outs."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialer.db.base import Base, JSONType, UTCDateTime
from dialer.db.models._checks import one_of
from dialer.vocabulary import (
    Channel,
    ConsumerFlag,
    Language,
    PhoneRelationship,
    PhoneStatus,
    PhoneType,
)

if TYPE_CHECKING:
    from dialer.db.models.cases import Debt


class Consumer(Base):
    __tablename__ = "consumers"
    __table_args__ = (
        one_of("language", Language),
        CheckConstraint("country IN ('US', 'CN')", name="country_supported"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_ref: Mapped[str] = mapped_column(String(64), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(2), default=Language.EN)
    country: Mapped[str] = mapped_column(String(2))
    state: Mapped[str | None] = mapped_column(String(8))
    postal_code: Mapped[str | None] = mapped_column(String(12))
    city: Mapped[str | None] = mapped_column(String(100))
    address_line: Mapped[str | None] = mapped_column(String(200))
    confirmed_timezone: Mapped[str | None] = mapped_column(String(64))
    confirmed_timezone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    phones: Mapped[list[Phone]] = relationship(
        back_populates="consumer", order_by="Phone.id", cascade="all, delete-orphan"
    )
    flags: Mapped[list[ConsumerFlagRecord]] = relationship(
        back_populates="consumer", order_by="ConsumerFlagRecord.id", cascade="all, delete-orphan"
    )
    inconvenient_times: Mapped[list[InconvenientTimeRecord]] = relationship(
        back_populates="consumer",
        order_by="InconvenientTimeRecord.id",
        cascade="all, delete-orphan",
    )
    debts: Mapped[list[Debt]] = relationship(back_populates="consumer", order_by="Debt.id")


class Phone(Base):
    __tablename__ = "phones"
    __table_args__ = (
        UniqueConstraint("consumer_id", "e164", name="uq_phones_consumer_e164"),
        one_of("phone_type", PhoneType),
        one_of("status", PhoneStatus),
        one_of("relationship", PhoneRelationship),
        CheckConstraint("e164 LIKE '+%'", name="e164_format"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consumer_id: Mapped[int] = mapped_column(ForeignKey("consumers.id", ondelete="CASCADE"))
    e164: Mapped[str] = mapped_column(String(16), index=True)
    phone_type: Mapped[str] = mapped_column(String(10), default=PhoneType.UNKNOWN)
    status: Mapped[str] = mapped_column(String(12), default=PhoneStatus.VALID)
    status_reason: Mapped[str | None] = mapped_column(String(200))
    sms_capable: Mapped[bool] = mapped_column(Boolean, default=True)
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_source: Mapped[str | None] = mapped_column(String(100))
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    position: Mapped[int] = mapped_column(default=0)
    # Whose phone it is: the debtor's own ("self"), or a family member's, an emergency
    # contact's or a colleague's (third parties: never an automated contact; see the packs).
    relationship_to_debtor: Mapped[str] = mapped_column(
        "relationship", String(20), default=PhoneRelationship.SELF, server_default="self"
    )

    consumer: Mapped[Consumer] = relationship(back_populates="phones")
    opt_outs: Mapped[list[OptOut]] = relationship(
        back_populates="phone", order_by="OptOut.id", cascade="all, delete-orphan"
    )


class ConsumerFlagRecord(Base):
    """A flag with when and how it was learned; clearing a flag keeps the row (cleared_at)."""

    __tablename__ = "consumer_flags"
    __table_args__ = (one_of("flag", ConsumerFlag),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consumer_id: Mapped[int] = mapped_column(
        ForeignKey("consumers.id", ondelete="CASCADE"), index=True
    )
    debt_id: Mapped[int | None] = mapped_column(ForeignKey("debts.id", ondelete="CASCADE"))
    flag: Mapped[str] = mapped_column(String(32))
    learned_at: Mapped[datetime] = mapped_column(UTCDateTime())
    source: Mapped[str] = mapped_column(String(100))
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cleared_reason: Mapped[str | None] = mapped_column(Text)

    consumer: Mapped[Consumer] = relationship(back_populates="flags")


class InconvenientTimeRecord(Base):
    """A consumer-stated inconvenient window in their local time ("don't call after 6")."""

    __tablename__ = "inconvenient_times"

    id: Mapped[int] = mapped_column(primary_key=True)
    consumer_id: Mapped[int] = mapped_column(
        ForeignKey("consumers.id", ondelete="CASCADE"), index=True
    )
    start: Mapped[str] = mapped_column(String(5))
    end: Mapped[str] = mapped_column(String(5))
    days: Mapped[str | None] = mapped_column(String(40))  # "mon,tue" or NULL for every day
    source: Mapped[str] = mapped_column(String(100))
    stated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    consumer: Mapped[Consumer] = relationship(back_populates="inconvenient_times")


class OptOut(Base):
    """A per-channel opt-out of one number; an opt-in later sets revoked_at."""

    __tablename__ = "opt_outs"
    __table_args__ = (
        one_of("channel", Channel),
        Index("ix_opt_outs_phone_channel", "phone_id", "channel"),
        # At most one opt-out in force per number and channel
        # (dialer.suppression.numbers.add_opt_out).
        Index(
            "uq_opt_outs_active",
            "phone_id",
            "channel",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    phone_id: Mapped[int] = mapped_column(ForeignKey("phones.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(String(100))
    detail: Mapped[str | None] = mapped_column(Text)
    opted_out_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    phone: Mapped[Phone] = relationship(back_populates="opt_outs")
