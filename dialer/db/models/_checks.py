"""CHECK constraints built from the vocabulary's enums."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import CheckConstraint

from dialer.vocabulary import values


def one_of(column: str, enum: type[StrEnum], *, nullable: bool = False) -> CheckConstraint:
    allowed = ", ".join(f"'{value}'" for value in values(enum))
    condition = f"{column} IN ({allowed})"
    if nullable:
        condition = f"{column} IS NULL OR {condition}"
    return CheckConstraint(condition, name=f"{column}_valid")
