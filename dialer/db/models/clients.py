"""Clients: the creditors whose debts are collected (campaigns target them, users may be
limited to them, reports are cut by them)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from dialer.db.base import Base, UTCDateTime


class Client(Base):
    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)  # "ACME-BANK"
    name: Mapped[str] = mapped_column(String(200))  # as first seen on a debt's creditor
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class UserClient(Base):
    """A user limited to some clients sees only their cases (no rows: every client)."""

    __tablename__ = "user_clients"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), primary_key=True)
