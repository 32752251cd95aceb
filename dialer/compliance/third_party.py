"""Numbers that are not the debtor's own: family, emergency contacts, colleagues.

A rule pack decides what is allowed: never an automated contact (an automated call or text
names the debt), and an agent call only once the debtor is unreachable, where the pack says so.
"""

from __future__ import annotations

from datetime import timedelta

from dialer.compliance.context import Block, Moment, fixed
from dialer.compliance.decision import Reason, ReasonCode
from dialer.compliance.rules import ThirdPartyRule
from dialer.vocabulary import (
    Channel,
    ContactMode,
    Direction,
    Outcome,
    PhoneRelationship,
    PhoneStatus,
)

_SELF = PhoneRelationship.SELF
_OUTBOUND = Direction.OUTBOUND


def check_third_party(moment: Moment, rules: tuple[ThirdPartyRule, ...]) -> list[Block]:
    phone = moment.phone
    if phone.relationship is _SELF or not rules:
        return []
    proposed = moment.proposed
    whose = f"{proposed.to} belongs to the debtor's {phone.relationship.value.replace('_', ' ')}"
    blocks: list[Block] = []
    for rule in rules:
        if proposed.channel not in rule.channels:
            continue
        if proposed.mode is ContactMode.AUTOMATED:
            message = (
                f"{whose}; an automated {proposed.channel.value} names the debt to a third party"
            )
        elif rule.max_conversations is not None and _spoken(moment) >= rule.max_conversations:
            message = (
                f"{whose}; {_spoken(moment)} conversation(s) with this number already, "
                f"at most {rule.max_conversations} with a third party"
            )
        elif rule.unreachable_attempts is not None and not _unreachable(moment, rule):
            message = (
                f"{whose}; third parties only once the debtor is unreachable (every own number "
                f"invalid, or the last {rule.unreachable_attempts} calls to the debtor's own "
                f"numbers within {rule.unreachable_days} days unanswered)"
            )
        else:
            continue
        blocks.append(
            Block(None, fixed(Reason(ReasonCode.THIRD_PARTY, rule.id, rule.citation, message)))
        )
    return blocks


def _spoken(moment: Moment) -> int:
    """Conversations with the proposed number, either direction."""
    number = moment.proposed.to
    return sum(
        1
        for e in moment.history
        if e.channel is Channel.CALL
        and e.outcome == Outcome.CONVERSATION
        and e.consumer_number == number
    )


def _unreachable(moment: Moment, rule: ThirdPartyRule) -> bool:
    """Every own number is invalid, or the debtor's last calls all failed to reach them."""
    own = {
        p.number
        for p in moment.consumer.phones
        if p.relationship is _SELF and p.status is PhoneStatus.VALID
    }
    if not own:
        return True
    attempts = rule.unreachable_attempts or 0
    calls = [
        e
        for e in moment.history
        if e.direction is _OUTBOUND
        and e.channel is Channel.CALL
        and e.to in own
        and e.outcome is not None
    ]
    recent = calls[-attempts:] if attempts else []
    if len(recent) < attempts:
        return False
    since = moment.at - timedelta(days=rule.unreachable_days)
    return all(e.at >= since and e.outcome in rule.unreachable_outcomes for e in recent)
