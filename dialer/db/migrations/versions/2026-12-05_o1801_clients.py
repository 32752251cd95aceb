"""clients: creditors as records; debts.client_id; users limited to clients; hand-offs

Revision ID: o1801
Revises: c2workplace01
Create Date: 2026-12-05 21:40:00
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import dialer.db.base
from dialer.clients.codes import client_code

revision = "o1801"
down_revision = "c2workplace01"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", dialer.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clients")),
        sa.UniqueConstraint("code", name=op.f("uq_clients_code")),
    )
    op.create_table(
        "user_clients",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_user_clients_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_clients_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", "client_id", name=op.f("pk_user_clients")),
    )
    with op.batch_alter_table("debts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("placed_with", sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column("placed_with_at", dialer.db.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_debts_client_id"), ["client_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_debts_client_id_clients"), "clients", ["client_id"], ["id"]
        )
    _backfill()


def _backfill() -> None:
    """Every existing creditor becomes a client; its debts point at it."""
    bind = op.get_bind()
    clients = sa.table(
        "clients",
        sa.column("id", sa.Integer()),
        sa.column("code", sa.String()),
        sa.column("name", sa.String()),
        sa.column("created_at", dialer.db.base.UTCDateTime(timezone=True)),
    )
    debts = sa.table("debts", sa.column("creditor", sa.String()), sa.column("client_id"))
    now = datetime.now(UTC)  # noqa: TID251 - a migration runs once, outside any clock
    names = sorted(bind.execute(sa.select(debts.c.creditor).distinct()).scalars())
    codes: dict[str, str] = {}
    for name in names:
        code = client_code(name) or "CLIENT"
        if code not in codes.values():
            bind.execute(sa.insert(clients).values(code=code, name=name, created_at=now))
        codes[name] = code
    ids = dict(bind.execute(sa.select(clients.c.code, clients.c.id)).all())
    for name, code in codes.items():
        bind.execute(sa.update(debts).where(debts.c.creditor == name).values(client_id=ids[code]))


def downgrade() -> None:
    with op.batch_alter_table("debts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_debts_client_id_clients"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_debts_client_id"))
        batch_op.drop_column("client_id")
        batch_op.drop_column("placed_with_at")
        batch_op.drop_column("placed_with")
    op.drop_table("user_clients")
    op.drop_table("clients")
