"""Who is asking, and may they? Session users for pages, Bearer tokens for the JSON API."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort, g, jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import AnonymousUserMixin, LoginManager, UserMixin, current_user

from console.context import unit_of_work
from dialer.admin.accounts import Permission, can, session_id, user_for_session, user_for_token
from dialer.db.models import User

F = TypeVar("F", bound=Callable[..., ResponseReturnValue])

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.session_protection = "basic"


class ConsoleUser(UserMixin):
    """A detached, read-only copy of the signed-in user (no ORM object outlives a request)."""

    def __init__(self, user: User) -> None:
        self.id = user.id
        self.username = user.username
        self.display_name = user.display_name
        self.role = user.role
        self.language = user.language
        self.session_id = session_id(user)

    def get_id(self) -> str:
        """Stored in the session: the id with the user's session epoch (see end_sessions)."""
        return self.session_id

    def can(self, permission: Permission | str) -> bool:
        return can(self.role, Permission(permission))


class Anonymous(AnonymousUserMixin):
    role = ""
    language = "en"
    username = ""
    display_name = ""

    def can(self, permission: Permission | str) -> bool:
        return False


login_manager.anonymous_user = Anonymous


@login_manager.user_loader
def _load_user(remembered: str) -> ConsoleUser | None:
    with unit_of_work() as session:
        user = user_for_session(session, remembered)
        return None if user is None else ConsoleUser(user)


def signed_in() -> ConsoleUser:
    """The page's user (only call behind @requires)."""
    return cast(ConsoleUser, current_user._get_current_object())


def requires(permission: Permission) -> Callable[[F], F]:
    """A page: anonymous -> redirect to the login page; lacking the permission -> 403."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:  # noqa: ANN401
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not signed_in().can(permission):
                abort(403)
            return view(*args, **kwargs)

        return cast(F, wrapper)

    return decorate


def signed_in_page(view: F) -> F:
    """A page any signed-in user may open."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:  # noqa: ANN401
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return cast(F, wrapper)


def api_user() -> ConsoleUser:
    found = g.get("api_user")
    assert isinstance(found, ConsoleUser)
    return found


def api_requires(permission: Permission | None) -> Callable[[F], F]:
    """An API route: no valid Bearer token -> 401; lacking the permission -> 403 (JSON)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:  # noqa: ANN401
            user = _token_user()
            if user is None:
                response = jsonify(
                    error="unauthorized", message="send Authorization: Bearer <API token>"
                )
                response.headers["WWW-Authenticate"] = 'Bearer realm="dialer"'
                return response, 401
            if permission is not None and not user.can(permission):
                return jsonify(error="forbidden", message=f"role {user.role} may not do this"), 403
            g.api_user = user
            return view(*args, **kwargs)

        return cast(F, wrapper)

    return decorate


def _token_user() -> ConsoleUser | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    with unit_of_work() as session:
        user = user_for_token(session, token.strip())
        return None if user is None else ConsoleUser(user)
