"""What a simulated run reports: counts that add up, and the re-audit's findings."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

# The counters by key, and the plain counts that scale with the portfolio.
_COUNTERS = (
    "attempts",
    "outcomes",
    "blocks",
    "stopped_by_rule",
    "contacts_by_zone",
    "calls_per_hour",
)
_SCALED_COUNTS = (
    "right_party_contacts",
    "promises",
    "disputes",
    "cease_requests",
    "sms_opt_outs",
    "escalations",
    "finished",
    "deferred_for_capacity",
    "evaluations",
    "over_dialled",
    "debts",
    "people_with_several_debts",
    "shared_contacts",
)
# Counts that add up across shards but are never scaled: the re-audit covers the sample only.
_AUDIT_COUNTS = ("audited", "violation_count")
# Peaks per person: the largest across shards, never scaled.
_PEAKS = ("most_contacts_per_person_hour", "most_in_flight_per_person")


@dataclass
class Figures:
    """Additive counters of one run (or one shard of it; shards are merged with `add`)."""

    cases: int = 0
    attempts: Counter[str] = field(default_factory=Counter)  # by channel
    outcomes: Counter[str] = field(default_factory=Counter)  # by outcome
    right_party_contacts: int = 0
    promises: int = 0
    disputes: int = 0
    cease_requests: int = 0
    sms_opt_outs: int = 0
    escalations: int = 0
    finished: int = 0  # strategy ran to its end without escalation
    blocks: Counter[str] = field(default_factory=Counter)  # blocked evaluations, by reason
    stopped_by_rule: Counter[str] = field(default_factory=Counter)  # never lawful again, by reason
    deferred_for_capacity: int = 0
    evaluations: int = 0
    over_dialled: int = 0  # predictive agent-step calls placed beyond the step's agents
    contacts_by_local_hour: list[int] = field(default_factory=lambda: [0] * 24)
    contacts_by_zone: Counter[str] = field(default_factory=Counter)
    calls_per_hour: Counter[int] = field(default_factory=Counter)  # hour index -> calls placed
    audited: int = 0
    violations: list[dict[str, Any]] = field(default_factory=list)
    violation_count: int = 0
    debts: int = 0  # contactable debts of the simulated people
    people_with_several_debts: int = 0
    shared_contacts: int = 0  # contacts about several debts of one person at once
    most_contacts_per_person_hour: int = 0  # with one person, in any 60 minutes
    most_in_flight_per_person: int = 0  # contacts with one person at the same instant

    def add(self, other: Figures) -> None:
        for name in _COUNTERS:
            getattr(self, name).update(getattr(other, name))
        for name in ("cases", *_SCALED_COUNTS, *_AUDIT_COUNTS):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.contacts_by_local_hour = [
            a + b
            for a, b in zip(self.contacts_by_local_hour, other.contacts_by_local_hour, strict=True)
        ]
        self.violations.extend(other.violations[: max(0, 20 - len(self.violations))])
        for name in _PEAKS:
            setattr(self, name, max(getattr(self, name), getattr(other, name)))

    def scaled(self, factor: float, *, cases: int) -> Figures:
        """Counts multiplied by `factor` (a sample standing for the whole portfolio)."""

        def up(counter: Counter[Any]) -> Counter[Any]:
            return Counter({key: round(n * factor) for key, n in counter.items()})

        out = Figures(cases=cases, violations=list(self.violations))
        for name in _COUNTERS:
            setattr(out, name, up(getattr(self, name)))
        for name in _SCALED_COUNTS:
            setattr(out, name, round(getattr(self, name) * factor))
        out.contacts_by_local_hour = [round(n * factor) for n in self.contacts_by_local_hour]
        for name in (*_AUDIT_COUNTS, *_PEAKS):  # never scaled
            setattr(out, name, getattr(self, name))
        return out

    @property
    def total_attempts(self) -> int:
        return sum(self.attempts.values())

    def headline(self) -> dict[str, int]:
        """The figures shown side by side (ordered as printed)."""
        rows = {
            "cases": self.cases,
            "debts": self.debts,
            "people with several debts": self.people_with_several_debts,
            "attempts (all)": self.total_attempts,
            "contacts about several debts": self.shared_contacts,
            "calls placed": self.attempts.get("call", 0),
            "SMS sent": self.attempts.get("sms", 0),
            "answered by a person": self.outcomes.get("conversation", 0)
            + self.outcomes.get("wrong_party", 0)
            + self.outcomes.get("abandoned", 0),
            "  abandoned (no agent free)": self.outcomes.get("abandoned", 0),
            "  agent calls beyond the agents (predictive)": self.over_dialled,
            "answered by a machine": self.outcomes.get("voicemail", 0),
            "right-party contacts": self.right_party_contacts,
            "promises to pay": self.promises,
            "disputes raised": self.disputes,
            "SMS opt-outs (STOP)": self.sms_opt_outs,
            "escalated": self.escalations,
            "blocked checks (all reasons)": sum(self.blocks.values()),
        }
        rows.update({f"  blocked: {code}": n for code, n in sorted(self.blocks.items())})
        rows["waits for pacing capacity"] = self.deferred_for_capacity
        rows["most contacts with one person in an hour"] = self.most_contacts_per_person_hour
        rows["most contacts in flight with one person"] = self.most_in_flight_per_person
        rows["re-audited contacts"] = self.audited
        rows["re-audit violations"] = self.violation_count
        return rows

    def to_dict(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "attempts": dict(self.attempts),
            "outcomes": dict(self.outcomes),
            "right_party_contacts": self.right_party_contacts,
            "promises": self.promises,
            "disputes": self.disputes,
            "cease_requests": self.cease_requests,
            "sms_opt_outs": self.sms_opt_outs,
            "escalations": self.escalations,
            "finished": self.finished,
            "blocks": dict(self.blocks),
            "stopped_by_rule": dict(self.stopped_by_rule),
            "deferred_for_capacity": self.deferred_for_capacity,
            "evaluations": self.evaluations,
            "over_dialled": self.over_dialled,
            "contacts_by_local_hour": list(self.contacts_by_local_hour),
            "contacts_by_zone": dict(self.contacts_by_zone),
            "audited": self.audited,
            "violation_count": self.violation_count,
            "violations": list(self.violations),
            "debts": self.debts,
            "people_with_several_debts": self.people_with_several_debts,
            "shared_contacts": self.shared_contacts,
            "most_contacts_per_person_hour": self.most_contacts_per_person_hour,
            "most_in_flight_per_person": self.most_in_flight_per_person,
        }
