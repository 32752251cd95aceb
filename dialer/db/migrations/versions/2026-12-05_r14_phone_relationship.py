"""phones.relationship: whose phone a number is (self, family, emergency_contact, colleague)

Revision ID: r1401
Revises: f1501
Create Date: 2026-12-05 22:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r1401"
down_revision = "f1501"
branch_labels = None
depends_on = None

_CHECK = "relationship IN ('self', 'family', 'emergency_contact', 'colleague')"


def upgrade() -> None:
    with op.batch_alter_table("phones") as batch:  # SQLite: a copy; PostgreSQL: ALTER
        batch.add_column(
            sa.Column("relationship", sa.String(length=20), nullable=False, server_default="self")
        )
        batch.create_check_constraint(op.f("ck_phones_relationship_valid"), _CHECK)


def downgrade() -> None:
    with op.batch_alter_table("phones") as batch:
        batch.drop_constraint(op.f("ck_phones_relationship_valid"), type_="check")
        batch.drop_column("relationship")
