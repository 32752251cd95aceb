"""Debts (the cases), dispositions and promises to pay."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialer.db.base import Base, UTCDateTime
from dialer.db.models._checks import one_of
from dialer.vocabulary import DebtStage

if TYPE_CHECKING:
    from dialer.db.models.people import Consumer


class Debt(Base):
    __tablename__ = "debts"
    __table_args__ = (
        one_of("stage", DebtStage),
        CheckConstraint("balance >= 0", name="balance_not_negative"),
        CheckConstraint("days_past_due >= 0", name="days_past_due_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_ref: Mapped[str] = mapped_column(String(64), unique=True)
    consumer_id: Mapped[int] = mapped_column(ForeignKey("consumers.id"), index=True)
    creditor: Mapped[str] = mapped_column(String(200))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"), index=True)
    # Handed over to an agency or the legal team (dialer handoff export): who and when.
    placed_with: Mapped[str | None] = mapped_column(String(20))
    placed_with_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    balance: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3))
    days_past_due: Mapped[int] = mapped_column(default=0)
    stage: Mapped[str] = mapped_column(String(20), default=DebtStage.NEW)
    jurisdiction: Mapped[str] = mapped_column(String(8))  # "US-MA", "CN-ZJ", "US", "CN"
    # Scheduling: the next moment the dialer should consider this debt (NULL: nothing due).
    next_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    step_index: Mapped[int] = mapped_column(default=0)
    step_attempts: Mapped[int] = mapped_column(default=0)
    last_decision: Mapped[str | None] = mapped_column(Text)  # short "why not now" for lists
    # A callback the consumer asked for and not yet placed: the planner schedules exactly this
    # call at this time (through an agent when the campaign has an agent step).
    callback_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The dispatching process that holds the claim (its heartbeat keeps the claim alive).
    claimed_by: Mapped[str | None] = mapped_column(String(64))

    consumer: Mapped[Consumer] = relationship(back_populates="debts")


class Disposition(Base):
    """What an agent recorded at the end of a conversation."""

    __tablename__ = "dispositions"

    id: Mapped[int] = mapped_column(primary_key=True)
    debt_id: Mapped[int] = mapped_column(ForeignKey("debts.id"), index=True)
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("contact_attempts.id"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    code: Mapped[str] = mapped_column(String(32))
    notes: Mapped[str | None] = mapped_column(Text)
    callback_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PromiseToPay(Base):
    __tablename__ = "promises_to_pay"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    debt_id: Mapped[int] = mapped_column(ForeignKey("debts.id"), index=True)
    disposition_id: Mapped[int | None] = mapped_column(ForeignKey("dispositions.id"))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3))
    due_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
