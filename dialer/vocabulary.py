"""The domain's words, shared by the case record, the compliance engine and the webhooks.

Pure: no database, no Twilio, no Flask.
"""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    CALL = "call"
    SMS = "sms"


class Direction(StrEnum):
    OUTBOUND = "outbound"
    INBOUND = "inbound"


class ContactMode(StrEnum):
    AUTOMATED = "automated"  # dialer-placed call or campaign SMS (TCPA consent applies to mobiles)
    AGENT = "agent"  # a person dialing by hand from the console


class Language(StrEnum):
    EN = "en"
    ES = "es"
    ZH = "zh"


class RecordingBasis(StrEnum):
    """How a call recording was made lawful where it was made."""

    ONE_PARTY = "one_party"  # one-party-consent state: the agent's (our) consent suffices
    ANNOUNCED = "announced"  # all-party-consent state: announced before recording started


class PhoneType(StrEnum):
    MOBILE = "mobile"
    LANDLINE = "landline"
    WORK = "work"
    VOIP = "voip"
    UNKNOWN = "unknown"


class PhoneStatus(StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    WRONG_PARTY = "wrong_party"


class PhoneRelationship(StrEnum):
    """Whose phone a number is, relative to the debtor."""

    SELF = "self"
    FAMILY = "family"
    EMERGENCY_CONTACT = "emergency_contact"
    COLLEAGUE = "colleague"


class ConsumerFlag(StrEnum):
    CEASE_COMMUNICATION = "cease_communication"
    ATTORNEY_REPRESENTED = "attorney_represented"
    DISPUTE_PENDING = "dispute_pending"
    BANKRUPTCY = "bankruptcy"
    DECEASED = "deceased"
    # The consumer's employer prohibits communications at work: no calls or texts to work
    # numbers (15 U.S.C. 1692c(a)(3)).
    WORKPLACE_PROHIBITED = "workplace_prohibited"


class DebtStage(StrEnum):
    NEW = "new"
    REMINDER = "reminder"
    FOLLOW_UP = "follow_up"
    AGENT = "agent"
    ESCALATED_AGENCY = "escalated_agency"
    ESCALATED_LEGAL = "escalated_legal"
    RESOLVED = "resolved"
    CLOSED = "closed"


# Stages in which automated contact may still happen.
CONTACTABLE_STAGES = frozenset(
    {DebtStage.NEW, DebtStage.REMINDER, DebtStage.FOLLOW_UP, DebtStage.AGENT}
)


class Outcome(StrEnum):
    """What an attempt came to, in the words of the compliance scenario format."""

    # calls
    CONVERSATION = "conversation"
    WRONG_PARTY = "wrong_party"
    VOICEMAIL = "voicemail"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    FAILED = "failed"
    CANCELED = "canceled"
    # a person answered and asked for an agent, and none was free (or the agent did not pick
    # up): a placed call, never a conversation (no lockout, no right-party contact)
    ABANDONED = "abandoned"
    # sms
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    # inbound sms
    RECEIVED = "received"


CALL_OUTCOMES = frozenset(
    {
        Outcome.CONVERSATION,
        Outcome.WRONG_PARTY,
        Outcome.VOICEMAIL,
        Outcome.NO_ANSWER,
        Outcome.BUSY,
        Outcome.FAILED,
        Outcome.CANCELED,
        Outcome.ABANDONED,
    }
)
SMS_OUTCOMES = frozenset({Outcome.SENT, Outcome.DELIVERED, Outcome.UNDELIVERED, Outcome.FAILED})


class AttemptStatus(StrEnum):
    """Where an attempt is in its life. Terminal states are final."""

    RESERVED = "reserved"  # compliance passed, row written, Twilio not yet asked
    DIALING = "dialing"  # the create request is in flight (ambiguous if we crash here)
    QUEUED = "queued"
    INITIATED = "initiated"
    RINGING = "ringing"
    IN_PROGRESS = "in_progress"
    SENDING = "sending"
    SENT = "sent"
    COMPLETED = "completed"
    BUSY = "busy"
    NO_ANSWER = "no_answer"
    FAILED = "failed"
    CANCELED = "canceled"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    RECEIVED = "received"
    NOT_PLACED = "not_placed"  # Twilio refused the create (invalid number, opt-out): nothing placed


TERMINAL_STATUSES = frozenset(
    {
        AttemptStatus.COMPLETED,
        AttemptStatus.BUSY,
        AttemptStatus.NO_ANSWER,
        AttemptStatus.FAILED,
        AttemptStatus.CANCELED,
        AttemptStatus.DELIVERED,
        AttemptStatus.UNDELIVERED,
        AttemptStatus.RECEIVED,
        AttemptStatus.NOT_PLACED,
    }
)


class AttemptOrigin(StrEnum):
    DIALER = "dialer"  # placed by a campaign step
    AGENT = "agent"  # placed by hand from the console
    HISTORY = "history"  # imported: made before this system took over
    CONSUMER = "consumer"  # consumer-initiated (inbound SMS or call)


class Role(StrEnum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    AGENT = "agent"


class AgentAvailability(StrEnum):
    AVAILABLE = "available"
    ON_CALL = "on_call"
    WRAP_UP = "wrap_up"
    AWAY = "away"
    OFFLINE = "offline"


class LineState(StrEnum):
    """An agent's line: the call that keeps their phone in their own conference room."""

    NONE = ""
    CALLING = "calling"  # placed, not answered yet
    CONNECTED = "connected"  # the agent is in their room: consumers are bridged in at once


class CampaignStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    PAUSED = "paused"
    FINISHED = "finished"


class CollectorType(StrEnum):
    """Whose debts this deployment collects (DIALER_COLLECTOR_TYPE)."""

    FIRST_PARTY = "first_party"  # its own customers' debts (the original creditor)
    THIRD_PARTY = "third_party"  # debts owed to others (an agency or debt buyer)


class SuppressionKind(StrEnum):
    """Why a number is on the suppression list (it follows the number, whoever's file it is on)."""

    OPT_OUT = "opt_out"  # the person at the number asked for no more contact (STOP, IVR, ...)
    WRONG_NUMBER = "wrong_number"  # the number was reported as not the consumer's
    DO_NOT_CONTACT = "do_not_contact"  # an admin's entry (a complaint, a litigator, a list)


class SuppressionScope(StrEnum):
    SMS = "sms"
    CALL = "call"
    ALL = "all"


def values(enum: type[StrEnum]) -> list[str]:
    """The stored values of an enum, for CHECK constraints and validation messages."""
    return [member.value for member in enum]
