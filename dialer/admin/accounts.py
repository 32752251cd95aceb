"""Console users: roles and what each may do, argon2 password hashes, API tokens.

Every change to a user lands in the audit log with who, when, before, after and why.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from dialer.cases.record import add_audit_entry
from dialer.db.models import User
from dialer.errors import InputError, NotFoundError
from dialer.vocabulary import AgentAvailability, Language, Role

_HASHER = PasswordHasher()
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
TOKEN_PREFIX = "dlr_"  # noqa: S105 - the visible prefix of API tokens, not a secret
MIN_PASSWORD_LENGTH = 10
# A hash to verify against when the user does not exist, so timing does not reveal usernames.
_DUMMY_HASH = _HASHER.hash("not-a-real-password-but-takes-as-long")


class Permission(StrEnum):
    DESK = "desk"  # own desk: availability, the live case, dispositions
    WORK_CASES = "work_cases"  # cases the user worked: view, dispositions, manual calls
    ALL_CASES = "all_cases"  # search and open any case, the opt-out list
    DASHBOARD = "dashboard"
    RUN_CAMPAIGNS = "run_campaigns"  # list, pause, resume
    EDIT_CAMPAIGNS = "edit_campaigns"  # edit the definition
    LIMITS = "limits"  # view and change contact limits
    USERS = "users"  # create users, change roles, issue tokens
    AUDIT = "audit"  # read the audit log (who changed what, when and why)
    SUPPRESSION = "suppression"  # add, upload and remove numbers on the suppression list


_AGENT = frozenset({Permission.DESK, Permission.WORK_CASES})
_SUPERVISOR = _AGENT | {
    Permission.ALL_CASES,
    Permission.DASHBOARD,
    Permission.RUN_CAMPAIGNS,
    Permission.AUDIT,
}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.AGENT: _AGENT,
    Role.SUPERVISOR: frozenset(_SUPERVISOR),
    Role.ADMIN: frozenset(Permission),
}


def can(role: str, permission: Permission) -> bool:
    """Whether a role holds a permission (unknown roles hold none)."""
    try:
        return permission in ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return False


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if password_hash is None:
        _safe_verify(_DUMMY_HASH, password)
        return False
    return _safe_verify(password_hash, password)


def _safe_verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def token_digest(token: str) -> str:
    """API tokens are 256-bit random strings, so a plain SHA-256 is a sound stored form."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def user_snapshot(user: User) -> dict[str, Any]:
    """What the audit log keeps of a user (never the hashes)."""
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "phone_e164": user.phone_e164,
        "language": user.language,
        "languages": user.languages or "",
        "is_active": user.is_active,
        "has_password": user.password_hash is not None,
        "has_api_token": user.api_token_hash is not None,
    }


def find_user(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username.strip().lower())).first()


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"no user with id {user_id}")
    return user


def create_user(
    session: Session,
    *,
    username: str,
    role: str,
    now: datetime,
    actor: str,
    display_name: str | None = None,
    phone_e164: str | None = None,
    password: str | None = None,
    language: str = Language.EN,
    reason: str | None = None,
    languages: Sequence[str] = (),
) -> User:
    """Add a user; refuses a duplicate or malformed username, role, phone or language.
    `languages`: the languages the agent speaks to consumers (routing prefers a match)."""
    name = username.strip().lower()
    if not _USERNAME.match(name):
        raise InputError(f"username {username!r}: use 2-64 lower-case letters, digits, . _ -")
    if find_user(session, name) is not None:
        raise InputError(f"username {name!r} is taken")
    user = User(
        username=name,
        display_name=(display_name or name).strip(),
        role=_role(role),
        phone_e164=_phone(phone_e164),
        language=_language(language),
        languages=spoken_languages(languages),
        password_hash=hash_password(password) if password is not None else None,
        availability=AgentAvailability.OFFLINE,
        is_active=True,
        created_at=now,
    )
    session.add(user)
    session.flush()
    add_audit_entry(
        session,
        at=now,
        actor=actor,
        action="user.create",
        entity="user",
        entity_id=str(user.id),
        before=None,
        after=user_snapshot(user),
        reason=reason,
    )
    return user


def update_user(
    session: Session,
    *,
    user_id: int,
    now: datetime,
    actor: str,
    reason: str | None,
    role: str | None = None,
    display_name: str | None = None,
    phone_e164: str | None = None,
    language: str | None = None,
    is_active: bool | None = None,
    password: str | None = None,
    languages: Sequence[str] | None = None,
) -> User:
    """Change a user's profile; only the given fields change; audited."""
    user = get_user(session, user_id)
    before = user_snapshot(user)
    if role is not None:
        user.role = _role(role)
    if display_name is not None and display_name.strip():
        user.display_name = display_name.strip()
    if phone_e164 is not None:
        user.phone_e164 = _phone(phone_e164)
    if language is not None:
        user.language = _language(language)
    if languages is not None:
        user.languages = spoken_languages(languages)
    if is_active is not None:
        user.is_active = is_active
    if password is not None:
        user.password_hash = hash_password(password)
    after = user_snapshot(user)
    if after != before or password is not None:
        add_audit_entry(
            session,
            at=now,
            actor=actor,
            action="user.update",
            entity="user",
            entity_id=str(user.id),
            before=before,
            after=after,
            reason=reason,
        )
    return user


def issue_api_token(session: Session, *, user_id: int, now: datetime, actor: str) -> str:
    """A new API token for the user (shown once); the previous one stops working."""
    user = get_user(session, user_id)
    before = user_snapshot(user)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    user.api_token_hash = token_digest(token)
    add_audit_entry(
        session,
        at=now,
        actor=actor,
        action="user.token",
        entity="user",
        entity_id=str(user.id),
        before=before,
        after=user_snapshot(user),
        reason="API token issued (replaces any previous token)",
    )
    return token


def authenticate(session: Session, *, username: str, password: str) -> User | None:
    """The active user with this username and password, or None (same cost either way)."""
    user = find_user(session, username)
    if user is None or not user.is_active:
        verify_password(None, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if user.password_hash is not None and _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
    return user


def session_id(user: User) -> str:
    """What a console session remembers of its user: the id and the user's session epoch."""
    return f"{user.id}:{user.session_epoch or 0}"


def user_for_session(session: Session, remembered: str) -> User | None:
    """The active user a session belongs to, None when it was ended (a sign-out since)."""
    user_id, _, epoch = remembered.partition(":")
    if not user_id.isdigit() or not epoch.isdigit() or len(user_id) > 10:
        return None
    user = session.get(User, int(user_id))
    if user is None or not user.is_active or str(user.session_epoch or 0) != epoch:
        return None
    return user


def end_sessions(session: Session, *, user_id: int) -> None:
    """Sign out everywhere: every session cookie issued to this user so far stops working."""
    user = get_user(session, user_id)
    user.session_epoch = (user.session_epoch or 0) + 1


def user_for_token(session: Session, token: str) -> User | None:
    if not token.startswith(TOKEN_PREFIX):
        return None
    digest = token_digest(token)
    user = session.scalars(select(User).where(User.api_token_hash == digest)).first()
    if user is None or not user.is_active or user.api_token_hash is None:
        return None
    return user if hmac.compare_digest(user.api_token_hash, digest) else None


def _role(value: str) -> str:
    try:
        return Role(value.strip().lower()).value
    except ValueError:
        raise InputError(f"role {value!r} is not one of admin, supervisor, agent") from None


def _language(value: str) -> str:
    if value not in set(Language):
        raise InputError(f"console language {value!r} is not one of en, zh, es")
    return value


def spoken_languages(values: Sequence[str]) -> str:
    """The languages an agent speaks, stored "en,es" (known codes, each once, in order)."""
    codes: list[str] = []
    for value in values:
        code = value.strip().lower()
        if code not in set(Language):
            raise InputError(f"spoken language {value!r} is not one of en, zh, es")
        if code not in codes:
            codes.append(code)
    return ",".join(codes)


def _phone(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    number = value.strip()
    if not _E164.match(number):
        raise InputError(f"phone {number!r} is not an E.164 number like +16175550100")
    return number
