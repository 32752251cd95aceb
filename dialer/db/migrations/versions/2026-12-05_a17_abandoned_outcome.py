"""contact attempts: outcome `abandoned` (a person asked for an agent and got none)

Revision ID: a1701
Revises: t1401
Create Date: 2026-12-05 21:00:00
"""

from __future__ import annotations

from alembic import op

revision = "a1701"
down_revision = "t1401"
branch_labels = None
depends_on = None

_CALLS = ("conversation", "wrong_party", "voicemail", "no_answer", "busy", "failed", "canceled")
_SMS = ("sent", "delivered", "undelivered", "received")
_BEFORE = (*_CALLS, *_SMS)
_AFTER = (*_CALLS, "abandoned", *_SMS)


def _condition(outcomes: tuple[str, ...]) -> str:
    allowed = ", ".join(f"'{outcome}'" for outcome in outcomes)
    return f"outcome IS NULL OR outcome IN ({allowed})"


def _replace_check(outcomes: tuple[str, ...]) -> None:
    name = op.f("ck_contact_attempts_outcome_valid")
    with op.batch_alter_table("contact_attempts") as batch:  # SQLite: a copy; PostgreSQL: ALTER
        batch.drop_constraint(name, type_="check")
        batch.create_check_constraint(name, _condition(outcomes))


def upgrade() -> None:
    _replace_check(_AFTER)


def downgrade() -> None:
    op.execute("UPDATE contact_attempts SET outcome = 'no_answer' WHERE outcome = 'abandoned'")
    _replace_check(_BEFORE)
