"""Console users: admins, supervisors and agents."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from dialer.db.base import Base, UTCDateTime
from dialer.db.models._checks import one_of
from dialer.vocabulary import AgentAvailability, Language, LineState, Role


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        one_of("role", Role),
        one_of("availability", AgentAvailability),
        one_of("language", Language),
        one_of("line_state", LineState),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(12))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    api_token_hash: Mapped[str | None] = mapped_column(String(200), unique=True)
    phone_e164: Mapped[str | None] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(2), default="en")
    # The languages the agent speaks to consumers, comma-separated ("en,es"); empty: the
    # console language only. Bridged and inbound calls prefer an agent who speaks the consumer's.
    languages: Mapped[str] = mapped_column(String(20), default="", server_default="")
    availability: Mapped[str] = mapped_column(String(10), default=AgentAvailability.OFFLINE)
    availability_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    current_attempt_id: Mapped[int | None] = mapped_column()
    # The agent line (dialer.agents.line): a call to the agent's phone that keeps them in their
    # conference room for the session; `line_note` says why the last one ended.
    line_state: Mapped[str] = mapped_column(String(10), default="", server_default="")
    line_call_sid: Mapped[str | None] = mapped_column(String(34))
    line_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    line_note: Mapped[str] = mapped_column(String(200), default="", server_default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Raised at sign-out: every session cookie issued before then stops working (sessions are
    # signed cookies, so a copied cookie would otherwise outlive the sign-out).
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
