"""The agent line: a persistent call to the agent's phone for the whole session

users.line_state ('' none, 'calling' placed and not yet answered, 'connected' the agent is in
their conference room), users.line_call_sid (that call), users.line_since (when it was placed
or answered), users.line_note (why the last line ended, shown on the desk).

Revision ID: nailed1801
Revises: abandon1801
Create Date: 2026-12-06 03:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dialer.db.base import UTCDateTime

revision = "nailed1801"
down_revision = "abandon1801"
branch_labels = None
depends_on = None

_STATE = "line_state IN ('', 'calling', 'connected')"


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("line_state", sa.String(length=10), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("line_call_sid", sa.String(length=34), nullable=True))
        batch.add_column(sa.Column("line_since", UTCDateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("line_note", sa.String(length=200), nullable=False, server_default="")
        )
        batch.create_check_constraint(op.f("ck_users_line_state_valid"), _STATE)


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("ck_users_line_state_valid"), type_="check")
        batch.drop_column("line_note")
        batch.drop_column("line_since")
        batch.drop_column("line_call_sid")
        batch.drop_column("line_state")
