"""Contact attempts (calls and SMS, both directions) and the raw webhook ledger."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from dialer.db.base import Base, JSONType, UTCDateTime
from dialer.db.models._checks import one_of
from dialer.vocabulary import (
    AttemptOrigin,
    AttemptStatus,
    Channel,
    ContactMode,
    Direction,
    Outcome,
    RecordingBasis,
)

_RECORDING_KEPT = text("recording_sid IS NOT NULL AND recording_deleted_at IS NULL")
_LIVE_ANSWERED = text("outcome IN ('conversation', 'wrong_party', 'abandoned')")
_CALLBACK_REQUESTS = text("callback_requested")


class ContactAttempt(Base):
    """One call or SMS. Written as `reserved` before Twilio is asked, so nothing is ever lost."""

    __tablename__ = "contact_attempts"
    __table_args__ = (
        one_of("channel", Channel),
        one_of("direction", Direction),
        one_of("status", AttemptStatus),
        one_of("outcome", Outcome, nullable=True),
        one_of("origin", AttemptOrigin),
        one_of("mode", ContactMode),
        Index("ix_contact_attempts_consumer_at", "consumer_id", "attempted_at"),
        Index("ix_contact_attempts_status_reserved", "status", "reserved_at"),
        one_of("recording_basis", RecordingBasis, nullable=True),
        Index(
            "ix_contact_attempts_recordings_kept",
            "ended_at",
            postgresql_where=_RECORDING_KEPT,
            sqlite_where=_RECORDING_KEPT,
        ),
        Index(
            "ix_contact_attempts_live_answered",
            "attempted_at",
            "outcome",
            "channel",
            "direction",
            postgresql_where=_LIVE_ANSWERED,
            sqlite_where=_LIVE_ANSWERED,
        ),
        Index(
            "ix_contact_attempts_callback_requests",
            "callback_at",
            postgresql_where=_CALLBACK_REQUESTS,
            sqlite_where=_CALLBACK_REQUESTS,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consumer_id: Mapped[int] = mapped_column(ForeignKey("consumers.id"))
    debt_id: Mapped[int | None] = mapped_column(ForeignKey("debts.id"), index=True)
    phone_id: Mapped[int | None] = mapped_column(ForeignKey("phones.id"))
    channel: Mapped[str] = mapped_column(String(8))
    direction: Mapped[str] = mapped_column(String(10), default=Direction.OUTBOUND)
    mode: Mapped[str] = mapped_column(String(10), default=ContactMode.AUTOMATED)
    origin: Mapped[str] = mapped_column(String(10), default=AttemptOrigin.DIALER)
    from_number: Mapped[str | None] = mapped_column(String(16))
    to_number: Mapped[str | None] = mapped_column(String(16))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    step_index: Mapped[int | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(12))
    provider_sid: Mapped[str | None] = mapped_column(String(34), unique=True)
    external_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    # The moment the attempt counts for the compliance engine (placed, sent or received).
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reserved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    placed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(String(12))
    answered_by: Mapped[str | None] = mapped_column(String(24))
    identity_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    callback_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    duration_seconds: Mapped[int | None] = mapped_column()
    sip_response_code: Mapped[int | None] = mapped_column()
    error_code: Mapped[int | None] = mapped_column()
    error_message: Mapped[str | None] = mapped_column(Text)
    last_sequence: Mapped[int | None] = mapped_column()
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    disposition: Mapped[str | None] = mapped_column(String(32))
    body: Mapped[str | None] = mapped_column(Text)  # SMS text (inbound and outbound)
    recording_sid: Mapped[str | None] = mapped_column(String(34))
    recording_url: Mapped[str | None] = mapped_column(String(500))
    recording_duration: Mapped[int | None] = mapped_column()
    # How the recording was made lawful (one_party, announced); None: not recorded.
    recording_basis: Mapped[str | None] = mapped_column(String(12))
    # The retention job deleted the recording at the provider (the row keeps its SID).
    recording_deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The compliance decision that allowed the attempt (engine output, verbatim).
    decision: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    # When the consumer asked to be called back (IVR choice, agent disposition, history file).
    callback_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # This call is the callback the consumer asked for (the consented call, 12 CFR
    # 1006.14(b)(3)(i)): left out of the 7-in-7 count and the post-conversation lockout.
    callback: Mapped[bool] = mapped_column(Boolean, default=False)


class AttemptDebt(Base):
    """Every debt one contact was about: a call or text covering several debts counts against
    each (its caps, its history) and its outcome moves each on. `step_index` is the debt's own
    campaign step when the contact was made (debts of one person may be on different steps)."""

    __tablename__ = "attempt_debts"

    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("contact_attempts.id", ondelete="CASCADE"), primary_key=True
    )
    debt_id: Mapped[int] = mapped_column(ForeignKey("debts.id"), primary_key=True, index=True)
    step_index: Mapped[int | None] = mapped_column()


class ProviderEvent(Base):
    """Every accepted webhook, stored verbatim before it is applied (the event ledger)."""

    __tablename__ = "provider_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(24))
    provider_sid: Mapped[str | None] = mapped_column(String(34), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error: Mapped[str | None] = mapped_column(Text)
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("contact_attempts.id"))
    response: Mapped[str | None] = mapped_column(Text)  # TwiML answered; a duplicate gets it again
