"""one contact plan per person: attempt_debts (every debt a contact covers), the consented
callback on attempts, and a debt's pending callback time

Revision ID: p1301
Revises: a1701
Create Date: 2026-12-05 21:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import dialer.db.base

revision = "p1301"
down_revision = "a1701"  # re-chained after main's head (was c2workplace01)
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attempt_debts",
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("debt_id", sa.Integer(), nullable=False),
        sa.Column("step_index", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["contact_attempts.id"],
            name=op.f("fk_attempt_debts_attempt_id_contact_attempts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["debt_id"], ["debts.id"], name=op.f("fk_attempt_debts_debt_id_debts")
        ),
        sa.PrimaryKeyConstraint("attempt_id", "debt_id", name=op.f("pk_attempt_debts")),
    )
    with op.batch_alter_table("attempt_debts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attempt_debts_debt_id"), ["debt_id"], unique=False)
    with op.batch_alter_table("contact_attempts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("callback_at", dialer.db.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("callback", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("debts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("callback_at", dialer.db.base.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("debts", schema=None) as batch_op:
        batch_op.drop_column("callback_at")
    with op.batch_alter_table("contact_attempts", schema=None) as batch_op:
        batch_op.drop_column("callback")
        batch_op.drop_column("callback_at")
    with op.batch_alter_table("attempt_debts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attempt_debts_debt_id"))
    op.drop_table("attempt_debts")
