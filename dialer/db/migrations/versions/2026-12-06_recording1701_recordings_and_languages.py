"""Recording with consent and agents' languages

contact_attempts.recording_basis (how the recording was made lawful: one_party, announced),
contact_attempts.recording_deleted_at (the retention job deleted it at Twilio), an index on the
recordings still kept, partial indexes for the wallboard (live-answered calls by time, callback
requests by time); users.languages (the languages an agent speaks, comma-separated).

Revision ID: recording1701
Revises: r1401
Create Date: 2026-12-06 00:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dialer.db.base import UTCDateTime

revision = "recording1701"
down_revision = "r1401"
branch_labels = None
depends_on = None

_BASIS = "recording_basis IS NULL OR recording_basis IN ('one_party', 'announced')"
_KEPT = sa.text("recording_sid IS NOT NULL AND recording_deleted_at IS NULL")
# The wallboard polls these every 2 s: abandonment (calls a person answered) and callbacks due.
_LIVE = sa.text("outcome IN ('conversation', 'wrong_party', 'abandoned')")
_CALLBACKS = sa.text("callback_requested")


def upgrade() -> None:
    with op.batch_alter_table("contact_attempts") as batch:
        batch.add_column(sa.Column("recording_basis", sa.String(length=12), nullable=True))
        batch.add_column(
            sa.Column("recording_deleted_at", UTCDateTime(timezone=True), nullable=True)
        )
        batch.create_check_constraint(op.f("ck_contact_attempts_recording_basis_valid"), _BASIS)
    op.create_index(
        "ix_contact_attempts_recordings_kept",
        "contact_attempts",
        ["ended_at"],
        postgresql_where=_KEPT,
        sqlite_where=_KEPT,
    )
    op.create_index(
        "ix_contact_attempts_live_answered",
        "contact_attempts",
        ["attempted_at", "outcome", "channel", "direction"],  # counted from the index alone
        postgresql_where=_LIVE,
        sqlite_where=_LIVE,
    )
    op.create_index(
        "ix_contact_attempts_callback_requests",
        "contact_attempts",
        ["callback_at"],
        postgresql_where=_CALLBACKS,
        sqlite_where=_CALLBACKS,
    )
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("languages", sa.String(length=20), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("languages")
    op.drop_index("ix_contact_attempts_callback_requests", table_name="contact_attempts")
    op.drop_index("ix_contact_attempts_live_answered", table_name="contact_attempts")
    op.drop_index("ix_contact_attempts_recordings_kept", table_name="contact_attempts")
    with op.batch_alter_table("contact_attempts") as batch:
        batch.drop_constraint(op.f("ck_contact_attempts_recording_basis_valid"), type_="check")
        batch.drop_column("recording_deleted_at")
        batch.drop_column("recording_basis")
