"""What the engine returns: a decision, its reasons and the evidence an auditor needs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class ReasonCode(StrEnum):
    OUTSIDE_HOURS = "outside_hours"
    INCONVENIENT_TIME = "inconvenient_time"
    HOLIDAY = "holiday"
    FREQUENCY_CAP = "frequency_cap"
    POST_CONVERSATION = "post_conversation"
    OPTED_OUT = "opted_out"
    CEASE_COMMUNICATION = "cease_communication"
    ATTORNEY_REPRESENTED = "attorney_represented"
    DISPUTE_PENDING = "dispute_pending"
    BANKRUPTCY = "bankruptcy"
    DECEASED = "deceased"
    NO_CONSENT = "no_consent"
    INVALID_NUMBER = "invalid_number"
    WORKPLACE_PROHIBITED = "workplace_prohibited"
    CONTACT_SPACING = "contact_spacing"
    WRONG_NUMBER = "wrong_number"
    THIRD_PARTY = "third_party"
    # Not the engine's: another contact with the person (or to the number) is still in flight
    # (added by the one decision path, `dialer.cases.decisions`, from the case record).
    CONTACT_IN_FLIGHT = "contact_in_flight"


@dataclass(frozen=True, slots=True)
class Reason:
    code: ReasonCode
    rule_id: str
    citation: str
    message: str


@dataclass(frozen=True, slots=True)
class CandidateZone:
    zone: str
    source: str  # confirmed, postal_code, state, phone:+1..., country_default


@dataclass(frozen=True, slots=True)
class Count:
    rule_id: str
    description: str
    used: int
    limit: int


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    reasons: tuple[Reason, ...] = ()
    candidate_zones: tuple[CandidateZone, ...] = ()
    counts: tuple[Count, ...] = ()
    next_allowed_at: datetime | None = None
    pack_versions: dict[str, str] = field(default_factory=dict)
    evaluated_at: datetime | None = None

    @property
    def decision(self) -> str:
        return "allow" if self.allowed else "block"

    @property
    def reason_codes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.code.value for r in self.reasons))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe snapshot, stored with each attempt and shown to auditors."""
        return {
            "decision": self.decision,
            "allowed": self.allowed,
            "evaluated_at": _iso(self.evaluated_at),
            "reasons": [
                {
                    "code": r.code.value,
                    "rule_id": r.rule_id,
                    "citation": r.citation,
                    "message": r.message,
                }
                for r in self.reasons
            ],
            "candidate_zones": [{"zone": z.zone, "source": z.source} for z in self.candidate_zones],
            "counts": [
                {
                    "rule_id": c.rule_id,
                    "description": c.description,
                    "used": c.used,
                    "limit": c.limit,
                }
                for c in self.counts
            ],
            "next_allowed_at": _iso(self.next_allowed_at),
            "pack_versions": dict(self.pack_versions),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Decision:
        return cls(
            allowed=bool(data["allowed"]),
            reasons=tuple(
                Reason(ReasonCode(r["code"]), r["rule_id"], r["citation"], r["message"])
                for r in data.get("reasons", [])
            ),
            candidate_zones=tuple(
                CandidateZone(z["zone"], z["source"]) for z in data.get("candidate_zones", [])
            ),
            counts=tuple(
                Count(c["rule_id"], c["description"], int(c["used"]), int(c["limit"]))
                for c in data.get("counts", [])
            ),
            next_allowed_at=_parse(data.get("next_allowed_at")),
            pack_versions=dict(data.get("pack_versions", {})),
            evaluated_at=_parse(data.get("evaluated_at")),
        )


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")


def _parse(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)
