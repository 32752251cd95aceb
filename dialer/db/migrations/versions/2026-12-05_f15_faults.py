"""faults: a database pacing limiter, worker heartbeats and who holds a debt's claim

Revision ID: f1501
Revises: s1501
Create Date: 2026-12-05 21:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dialer.db.base import UTCDateTime

revision = "f1501"
down_revision = "s1501"  # re-chained after main's head
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pacing_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lane", sa.String(length=200), nullable=False),
        sa.Column("granted_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pacing_grants")),
    )
    op.create_index("ix_pacing_grants_lane_at", "pacing_grants", ["lane", "granted_at"])
    op.create_table(
        "worker_heartbeats",
        sa.Column("worker", sa.String(length=64), nullable=False),
        sa.Column("beat_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("worker", name=op.f("pk_worker_heartbeats")),
    )
    op.create_index(
        op.f("ix_worker_heartbeats_beat_at"), "worker_heartbeats", ["beat_at"], unique=False
    )
    with op.batch_alter_table("debts") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("debts") as batch:
        batch.drop_column("claimed_by")
    op.drop_index(op.f("ix_worker_heartbeats_beat_at"), table_name="worker_heartbeats")
    op.drop_table("worker_heartbeats")
    op.drop_index("ix_pacing_grants_lane_at", table_name="pacing_grants")
    op.drop_table("pacing_grants")
