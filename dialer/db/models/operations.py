"""Operational state shared by the dialer's processes: pacing grants and worker heartbeats."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from dialer.db.base import Base, UTCDateTime


class PacingGrant(Base):
    """One create granted on a pacing lane (the database limiter, when there is no Redis).

    `granted_at` is epoch seconds on the database's clock (PostgreSQL) or the host's (SQLite);
    rows older than the lane's window are deleted as new grants are made."""

    __tablename__ = "pacing_grants"
    __table_args__ = (Index("ix_pacing_grants_lane_at", "lane", "granted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lane: Mapped[str] = mapped_column(String(200))
    granted_at: Mapped[float] = mapped_column(Float)


class WorkerHeartbeat(Base):
    """A dispatching process says it is alive; claims of a worker that stopped beating are
    given back within seconds instead of waiting out the lease."""

    __tablename__ = "worker_heartbeats"

    worker: Mapped[str] = mapped_column(String(64), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
