"""Users limited to clients: which clients a user may see (None: every client)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from dialer.cases.record import add_audit_entry
from dialer.clients.codes import client_code
from dialer.db.models import Client, User, UserClient
from dialer.errors import InputError, NotFoundError


def allowed_clients(session: Session, user_id: int) -> frozenset[int] | None:
    """The ids of the clients the user is limited to; None when the user is not limited."""
    ids = frozenset(
        session.scalars(select(UserClient.client_id).where(UserClient.user_id == user_id))
    )
    return ids or None


def limit_user_to_clients(
    session: Session, *, username: str, codes: list[str], actor: str, now: datetime
) -> list[str]:
    """Replace the user's clients (an empty list: every client again); audited."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFoundError(f"no user named {username!r}")
    wanted = sorted({client_code(code) for code in codes})
    found = dict(
        session.execute(select(Client.code, Client.id).where(Client.code.in_(wanted))).all()
    )
    unknown = [code for code in wanted if code not in found]
    if unknown:
        raise InputError(f"no client with code {', '.join(unknown)}")
    before = sorted(
        session.scalars(
            select(Client.code)
            .join(UserClient, UserClient.client_id == Client.id)
            .where(UserClient.user_id == user.id)
        )
    )
    session.execute(delete(UserClient).where(UserClient.user_id == user.id))
    session.add_all(UserClient(user_id=user.id, client_id=found[code]) for code in wanted)
    add_audit_entry(
        session,
        at=now,
        actor=actor,
        action="user.clients",
        entity="user",
        entity_id=username,
        before={"clients": before},
        after={"clients": wanted},
        reason=None,
    )
    return wanted
