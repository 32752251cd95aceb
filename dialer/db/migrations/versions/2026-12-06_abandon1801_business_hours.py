"""The company's business hours for inbound calls

business_hours: one row per version (zone, days, start, end, holidays as JSON, who, when,
why); the newest is in force for inbound calls about a campaign that sets none.

Revision ID: abandon1801
Revises: recording1701
Create Date: 2026-12-06 03:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dialer.db.base import JSONType, UTCDateTime

revision = "abandon1801"
down_revision = "recording1701"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "business_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("hours", JSONType, nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_hours")),
        sa.UniqueConstraint("version", name="uq_business_hours_version"),
    )


def downgrade() -> None:
    op.drop_table("business_hours")
