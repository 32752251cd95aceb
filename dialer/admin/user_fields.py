"""A user's fields as an admin types them: role, console language, spoken languages, phone;
each refused with what is allowed."""

from __future__ import annotations

import re
from collections.abc import Sequence

from dialer.errors import InputError
from dialer.vocabulary import Language, Role

_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def checked_role(value: str) -> str:
    """A user's role, or InputError naming the roles."""
    try:
        return Role(value.strip().lower()).value
    except ValueError:
        raise InputError(f"role {value!r} is not one of admin, supervisor, agent") from None


def console_language(value: str) -> str:
    """The console's language for a user, or InputError naming the languages."""
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


def checked_phone(value: str | None) -> str | None:
    """An agent's phone (rung first on their calls) in E.164, or None when blank."""
    if value is None or not value.strip():
        return None
    number = value.strip()
    if not _E164.match(number):
        raise InputError(f"phone {number!r} is not an E.164 number like +16175550100")
    return number
