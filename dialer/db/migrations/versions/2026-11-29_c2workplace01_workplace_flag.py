"""consumer flags: workplace_prohibited (the employer prohibits communications at work)

Revision ID: c2workplace01
Revises: b1webhooks001
Create Date: 2026-11-29 18:00:00
"""

from __future__ import annotations

from alembic import op

revision = "c2workplace01"
down_revision = "b1webhooks001"
branch_labels = None
depends_on = None

_BEFORE = (
    "cease_communication",
    "attorney_represented",
    "dispute_pending",
    "bankruptcy",
    "deceased",
)
_AFTER = (*_BEFORE, "workplace_prohibited")


def _condition(flags: tuple[str, ...]) -> str:
    return "flag IN ({})".format(", ".join(f"'{flag}'" for flag in flags))


def _replace_check(flags: tuple[str, ...]) -> None:
    name = op.f("ck_consumer_flags_flag_valid")
    with op.batch_alter_table("consumer_flags") as batch:  # SQLite: a copy; PostgreSQL: ALTER
        batch.drop_constraint(name, type_="check")
        batch.create_check_constraint(name, _condition(flags))


def upgrade() -> None:
    _replace_check(_AFTER)


def downgrade() -> None:
    op.execute("DELETE FROM consumer_flags WHERE flag = 'workplace_prohibited'")
    _replace_check(_BEFORE)
