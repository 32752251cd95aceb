"""The case record's tables."""

from __future__ import annotations

from dialer.db.models.attempts import AttemptDebt, ContactAttempt, ProviderEvent
from dialer.db.models.campaigns import BusinessHoursVersion, Campaign, ContactLimitVersion
from dialer.db.models.cases import Debt, Disposition, PromiseToPay
from dialer.db.models.clients import Client, UserClient
from dialer.db.models.operations import PacingGrant, WorkerHeartbeat
from dialer.db.models.people import (
    Consumer,
    ConsumerFlagRecord,
    InconvenientTimeRecord,
    OptOut,
    Phone,
)
from dialer.db.models.record import AuditEntry, CaseEvent
from dialer.db.models.texts import InboxMessage, SuppressedNumber
from dialer.db.models.users import User

__all__ = [
    "AttemptDebt",
    "AuditEntry",
    "BusinessHoursVersion",
    "Campaign",
    "CaseEvent",
    "Client",
    "Consumer",
    "ConsumerFlagRecord",
    "ContactAttempt",
    "ContactLimitVersion",
    "Debt",
    "Disposition",
    "InboxMessage",
    "InconvenientTimeRecord",
    "OptOut",
    "PacingGrant",
    "Phone",
    "PromiseToPay",
    "ProviderEvent",
    "SuppressedNumber",
    "User",
    "UserClient",
    "WorkerHeartbeat",
]
