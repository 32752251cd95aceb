"""What consumers write and what follows a number: the suppression list and the agents' inbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from dialer.db.base import Base, UTCDateTime
from dialer.db.models._checks import one_of
from dialer.vocabulary import SuppressionKind, SuppressionScope

_ACTIVE = text("removed_at IS NULL")


class SuppressedNumber(Base):
    """A number (E.164) not to contact on `scope`, on anyone's file; removal keeps the row."""

    __tablename__ = "suppressed_numbers"
    __table_args__ = (
        one_of("kind", SuppressionKind),
        one_of("scope", SuppressionScope),
        Index(
            "uq_suppressed_numbers_active",
            "e164",
            "kind",
            "scope",
            unique=True,
            sqlite_where=_ACTIVE,
            postgresql_where=_ACTIVE,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    e164: Mapped[str] = mapped_column(String(16), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    scope: Mapped[str] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(String(100))  # sms, ivr, carrier, admin, csv upload
    reason: Mapped[str] = mapped_column(Text)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())
    added_by: Mapped[str] = mapped_column(String(100))
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    removed_by: Mapped[str | None] = mapped_column(String(100))
    removal_reason: Mapped[str | None] = mapped_column(Text)


class InboxMessage(Base):
    """An inbound text an agent should read: anything the dialer did not fully handle itself."""

    __tablename__ = "inbox_messages"
    __table_args__ = (Index("ix_inbox_messages_open", "resolved_at", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    external_key: Mapped[str] = mapped_column(String(200), unique=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    from_number: Mapped[str] = mapped_column(String(16))
    to_number: Mapped[str | None] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text)
    intent: Mapped[str] = mapped_column(String(16))
    handled: Mapped[str] = mapped_column(Text)  # what the dialer already did about it
    consumer_id: Mapped[int | None] = mapped_column(
        ForeignKey("consumers.id", ondelete="SET NULL"), index=True
    )
    attempt_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_attempts.id", ondelete="SET NULL")
    )
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by: Mapped[str | None] = mapped_column(String(100))
    resolution_note: Mapped[str | None] = mapped_column(Text)
