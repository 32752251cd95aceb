"""webhook ledger: the TwiML answered to each event, replayed to duplicates

Revision ID: b1webhooks001
Revises: 4736e9e61b51
Create Date: 2026-11-29 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "b1webhooks001"
down_revision = "4736e9e61b51"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("provider_events") as batch:
        batch.add_column(sa.Column("response", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("provider_events") as batch:
        batch.drop_column("response")
