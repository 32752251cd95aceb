"""Hard blocks that no waiting lifts: flags, bad numbers, opt-outs and missing consent."""

from __future__ import annotations

from dataclasses import dataclass

from dialer.compliance.context import Block, Moment, fixed
from dialer.compliance.decision import Reason, ReasonCode
from dialer.compliance.facts import HistoryEntry
from dialer.compliance.keywords import OptOutScope, SmsIntent, read_inbound_sms
from dialer.compliance.rules import ConsentRule, FlagRule, InvalidNumberRule, OptOutRule
from dialer.vocabulary import (
    Channel,
    ConsumerFlag,
    ContactMode,
    Direction,
    Outcome,
    PhoneStatus,
    PhoneType,
)

_OUTBOUND, _INBOUND = Direction.OUTBOUND, Direction.INBOUND
_SMS = Channel.SMS
_WRONG_PARTY = Outcome.WRONG_PARTY
_WRONG_OR_CONVERSATION = frozenset({Outcome.WRONG_PARTY, Outcome.CONVERSATION})


def _hard(reason: Reason) -> Block:
    """A block that no waiting lifts."""
    return Block(None, fixed(reason))


def check_flags(moment: Moment, rules: tuple[FlagRule, ...]) -> list[Block]:
    """Whole-consumer flags, and flags on any one of the debts the contact is about."""
    consumer = moment.consumer
    if not consumer.flags and not consumer.debt_flags:
        return []
    phone_type = moment.phone.type
    channel = moment.proposed.channel
    blocks: list[Block] = []
    for rule in rules:
        if channel not in rule.channels or (
            rule.phone_types is not None and phone_type not in rule.phone_types
        ):
            continue
        for owner in _flagged(moment, rule.flag):
            message = _flag_message(rule, phone_type, owner)
            blocks.append(_hard(Reason(rule.reason, rule.id, rule.citation, message)))
    return blocks


def _flagged(moment: Moment, flag: ConsumerFlag) -> list[str | None]:
    """None for the whole record, else each proposed debt flagged on its own."""
    consumer = moment.consumer
    if flag in consumer.flags:
        return [None]
    debt_flags = consumer.debt_flags
    return [debt for debt in moment.proposed.debts if (debt, flag) in debt_flags]


def _flag_message(rule: FlagRule, phone_type: PhoneType, debt: str | None) -> str:
    if debt is None:
        message = f"the consumer's record is flagged {rule.flag.value}"
    else:
        message = f"debt {debt} is flagged {rule.flag.value}"
    if rule.phone_types is not None:
        message += f" and {phone_type.value} numbers are covered"
    return message


def check_invalid_number(moment: Moment, rules: tuple[InvalidNumberRule, ...]) -> list[Block]:
    if not rules:
        return []
    number = moment.proposed.to
    status = moment.phone.status
    if status is PhoneStatus.VALID:
        replayed = [  # the latest of these decides: a conversation clears a wrong party
            _WRONG_PARTY if entry.direction is _INBOUND else entry.outcome
            for entry in moment.history
            if (
                entry.to == number
                and entry.direction is _OUTBOUND
                and entry.outcome in _WRONG_OR_CONVERSATION
            )
            or _texted_wrong_number(entry, number)
        ]
        if not replayed or replayed[-1] != _WRONG_PARTY:
            return []
        status = PhoneStatus.WRONG_PARTY
    message = f"{number} is marked {status.value}"
    blocks = [_hard(Reason(ReasonCode.INVALID_NUMBER, r.id, r.citation, message)) for r in rules]
    if status is PhoneStatus.WRONG_PARTY:  # not the consumer's: a third party on every channel
        wrong = f"{number} was reported as not the consumer's number (wrong number)"
        blocks += [
            _hard(Reason(ReasonCode.WRONG_NUMBER, f"{r.id}.wrong_number", r.citation, wrong))
            for r in rules
        ]
    return blocks


def _texted_wrong_number(entry: HistoryEntry, number: str) -> bool:
    """A text from the number saying it is not the consumer's ("wrong number", "打错了")."""
    return (
        entry.direction is _INBOUND
        and entry.from_ == number
        and read_inbound_sms(entry.body or "").wrong_number
    )


@dataclass(frozen=True, slots=True)
class OptOutState:
    channels: frozenset[Channel]  # media this number is opted out of
    keyword_stop: bool  # a STOP-style reply: also revokes consent for automated calls
    evidence: str


def opt_out_state(moment: Moment) -> OptOutState:
    """Replay the record's flags and the inbound texts, oldest first."""
    number = moment.proposed.to
    phone = moment.phone
    fixed: set[Channel] = set()
    if phone.sms_opted_out:
        fixed.add(Channel.SMS)
    if phone.call_opted_out:
        fixed.add(Channel.CALL)
    replayed: set[Channel] = set()
    keyword_stop = calls_welcome = False
    evidence = "the case record" if fixed else ""
    texts = [e for e in moment.history if e.direction is _INBOUND and e.channel is _SMS]
    for entry in texts:
        reading = read_inbound_sms(entry.body or "")
        mine = entry.from_ == number
        if reading.intent is SmsIntent.OPT_OUT and (mine or not reading.keyword):
            replayed |= reading.channels
            # an SMS opt-out also revokes consent for automated calls, unless the same text
            # asks to be called ("stop texting me, call me instead")
            if mine and reading.scope is OptOutScope.SMS:  # the latest such text decides
                calls_welcome = reading.asks_for_calls
                keyword_stop = not calls_welcome
            evidence = (
                f"inbound text {entry.body!r} from {entry.from_} at {entry.at:%Y-%m-%d %H:%M}Z"
            )
        elif reading.intent is SmsIntent.OPT_IN and mine:
            replayed.discard(Channel.SMS)
            keyword_stop = calls_welcome = False
            evidence = evidence if replayed else ""
    # an SMS opt-out in the record counts as a STOP unless the texts say calls are welcome
    record_stop = Channel.SMS in fixed and not calls_welcome
    return OptOutState(frozenset(fixed | replayed), keyword_stop or record_stop, evidence)


def check_opt_outs(
    moment: Moment, rules: tuple[OptOutRule, ...], consents: tuple[ConsentRule, ...]
) -> list[Block]:
    if not rules:
        return []
    state = opt_out_state(moment)
    proposed = moment.proposed
    blocks: list[Block] = []
    for rule in rules:
        if proposed.channel in state.channels and proposed.channel in rule.channels:
            message = f"{proposed.to} opted out of {proposed.channel.value} ({state.evidence})"
            blocks.append(_hard(Reason(ReasonCode.OPTED_OUT, rule.id, rule.citation, message)))
        elif (
            state.keyword_stop
            and proposed.channel is Channel.CALL
            and rule.automated_revocation_citation
            and _needs_consent(moment, consents)
        ):
            message = (
                f"a STOP reply from {proposed.to} revoked consent for automated calls "
                f"({state.evidence})"
            )
            blocks.append(
                _hard(
                    Reason(
                        ReasonCode.OPTED_OUT,
                        f"{rule.id}.automated",
                        rule.automated_revocation_citation,
                        message,
                    )
                )
            )
    return blocks


def _needs_consent(moment: Moment, rules: tuple[ConsentRule, ...]) -> bool:
    proposed = moment.proposed
    return any(
        proposed.channel in r.channels
        and proposed.mode in r.modes
        and moment.phone.type in r.phone_types
        for r in rules
    )


def check_consent(moment: Moment, rules: tuple[ConsentRule, ...]) -> list[Block]:
    if moment.phone.consent:
        return []
    proposed = moment.proposed
    mode = "an automated" if proposed.mode is ContactMode.AUTOMATED else "an agent"
    return [
        _hard(
            Reason(
                ReasonCode.NO_CONSENT,
                r.id,
                r.citation,
                f"{mode} {proposed.channel.value} to {r.phone_types and moment.phone.type}"
                f" number {proposed.to} needs the consumer's prior express consent",
            )
        )
        for r in rules
        if proposed.channel in r.channels
        and proposed.mode in r.modes
        and moment.phone.type in r.phone_types
    ]
