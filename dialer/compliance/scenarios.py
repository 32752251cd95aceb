"""Scenario files (DESIGN.md "Compliance scenario files"): parse, evaluate, compare."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from dialer.compliance.decision import Decision, ReasonCode
from dialer.compliance.engine import evaluate
from dialer.compliance.facts import (
    DEFAULT_DEBT,
    AdminLimits,
    ConsumerFacts,
    HistoryEntry,
    ProposedContact,
    TimeRange,
)
from dialer.compliance.packs import RulePacks
from dialer.compliance.parsing import (
    check_keys,
    fail,
    parse_bool,
    parse_clock,
    parse_enum,
    parse_instant,
    parse_int,
    parse_list,
    parse_map,
    parse_optional_str,
    parse_str,
)
from dialer.compliance.scenario_consumer import parse_consumer
from dialer.errors import InputError
from dialer.vocabulary import (
    Channel,
    ContactMode,
    Direction,
    Outcome,
)


@dataclass(frozen=True, slots=True)
class Expectation:
    decision: str | None
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Scenario:
    id: str
    description: str
    consumer: ConsumerFacts
    history: tuple[HistoryEntry, ...]
    proposed: ProposedContact
    limits: AdminLimits | None
    expect: Expectation | None


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    scenario: Scenario
    decision: Decision
    matched: bool | None  # None: no expectation
    problems: tuple[str, ...]


def load_scenarios(path: Path) -> list[Scenario]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML: {exc}") from None
    return parse_scenarios(data, str(path))


def parse_scenarios(data: object, where: str) -> list[Scenario]:
    root = parse_map(data, where)
    items = parse_list(root.get("scenarios"), f"{where}: scenarios")
    if "scenarios" not in root:
        raise fail(where, "missing top-level 'scenarios' list")
    scenarios: list[Scenario] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        raw = parse_map(item, f"{where}: scenarios[{index}]")
        sid = parse_str(raw.get("id"), f"{where}: scenarios[{index}].id")
        if sid in seen:
            raise fail(where, f"scenario {sid!r}: id appears twice")
        seen.add(sid)
        scenarios.append(_scenario(raw, sid, f"{where}: scenario {sid!r}"))
    return scenarios


def _scenario(raw: dict[str, Any], sid: str, where: str) -> Scenario:
    check_keys(
        raw, {"id", "description", "consumer", "limits", "history", "proposed", "expect"}, where
    )
    for key in ("consumer", "proposed"):
        if key not in raw:
            raise fail(where, f"missing field {key!r}")
    history = tuple(
        _entry(parse_map(e, f"{where}: history[{i}]"), f"{where}: history[{i}]")
        for i, e in enumerate(parse_list(raw.get("history"), f"{where}: history"))
    )
    return Scenario(
        id=sid,
        description=str(raw.get("description") or ""),
        consumer=parse_consumer(
            parse_map(raw["consumer"], f"{where}: consumer"), f"{where}: consumer"
        ),
        history=history,
        proposed=_proposed(parse_map(raw["proposed"], f"{where}: proposed"), f"{where}: proposed"),
        limits=None
        if raw.get("limits") is None
        else _limits(parse_map(raw["limits"], f"{where}: limits"), f"{where}: limits"),
        expect=None
        if raw.get("expect") is None
        else _expect(parse_map(raw["expect"], f"{where}: expect"), f"{where}: expect"),
    )


def _debts(raw: dict[str, Any], where: str) -> tuple[str, ...]:
    """`debts: [D1, D2]`, or the older `debt: D1`; neither means the default debt."""
    if "debt" in raw and "debts" in raw:
        raise fail(where, "give either 'debt' or 'debts', not both")
    if "debts" not in raw:
        return (parse_str(raw.get("debt", DEFAULT_DEBT), f"{where}.debt"),)
    items = parse_list(raw["debts"], f"{where}.debts")
    if not items:
        raise fail(f"{where}.debts", "expected at least one debt")
    debts = tuple(parse_str(d, f"{where}.debts[{i}]") for i, d in enumerate(items))
    if len(set(debts)) != len(debts):
        raise fail(f"{where}.debts", f"a debt appears twice in {list(debts)}")
    return debts


def _entry(raw: dict[str, Any], where: str) -> HistoryEntry:
    check_keys(
        raw,
        {
            "at",
            "channel",
            "direction",
            "to",
            "from",
            "outcome",
            "debt",
            "debts",
            "callback_requested",
            "callback_at",
            "callback",
            "body",
            "mode",
        },
        where,
    )
    channel = parse_enum(raw.get("channel"), Channel, f"{where}.channel")
    direction = parse_enum(raw.get("direction", "outbound"), Direction, f"{where}.direction")
    outcome = raw.get("outcome")
    if outcome is not None:
        outcome = parse_enum(outcome, Outcome, f"{where}.outcome").value
    if direction is Direction.INBOUND and channel is Channel.SMS and raw.get("from") is None:
        raise fail(f"{where}.from", "an inbound text needs the number it came from")
    requested = parse_bool(raw.get("callback_requested", False), f"{where}.callback_requested")
    callback_at = None
    if raw.get("callback_at") is not None:
        callback_at = parse_instant(raw["callback_at"], f"{where}.callback_at")
        if not requested:
            raise fail(f"{where}.callback_at", "needs callback_requested: true")
    callback = parse_bool(raw.get("callback", False), f"{where}.callback")
    if callback and (channel is not Channel.CALL or direction is not Direction.OUTBOUND):
        raise fail(f"{where}.callback", "only an outbound call can be the callback")
    return HistoryEntry(
        at=parse_instant(raw.get("at"), f"{where}.at"),
        channel=channel,
        direction=direction,
        to=parse_optional_str(raw.get("to"), f"{where}.to"),
        from_=parse_optional_str(raw.get("from"), f"{where}.from"),
        outcome=outcome,
        debts=_debts(raw, where),
        callback_requested=requested,
        body=None if raw.get("body") is None else str(raw["body"]),
        mode=parse_enum(raw.get("mode", "automated"), ContactMode, f"{where}.mode"),
        callback_at=callback_at,
        callback=callback,
    )


def _proposed(raw: dict[str, Any], where: str) -> ProposedContact:
    check_keys(raw, {"at", "channel", "to", "mode", "debt", "debts", "callback"}, where)
    channel = parse_enum(raw.get("channel"), Channel, f"{where}.channel")
    callback = parse_bool(raw.get("callback", False), f"{where}.callback")
    if callback and channel is not Channel.CALL:
        raise fail(f"{where}.callback", "only a call can be the callback the consumer asked for")
    return ProposedContact(
        at=parse_instant(raw.get("at"), f"{where}.at"),
        channel=channel,
        to=parse_str(raw.get("to"), f"{where}.to"),
        mode=parse_enum(raw.get("mode", "automated"), ContactMode, f"{where}.mode"),
        debts=_debts(raw, where),
        callback=callback,
    )


def _hours(value: object, where: str) -> TimeRange | None:
    if value is None:
        return None
    raw = parse_map(value, where)
    check_keys(raw, {"start", "end"}, where)
    return TimeRange(
        parse_clock(raw.get("start"), f"{where}.start"), parse_clock(raw.get("end"), f"{where}.end")
    )


def _limits(raw: dict[str, Any], where: str) -> AdminLimits:
    check_keys(
        raw,
        {
            "call_hours",
            "sms_hours",
            "max_calls_per_day",
            "max_calls_per_week",
            "max_sms_per_day",
            "max_sms_per_week",
            "no_contact_on_holidays",
            "min_minutes_between_contacts",
            "person_lockout_after_conversation",
        },
        where,
    )
    spacing = raw.get("min_minutes_between_contacts")

    def cap(key: str) -> int | None:
        return None if raw.get(key) is None else parse_int(raw[key], f"{where}.{key}")

    return AdminLimits(
        call_hours=_hours(raw.get("call_hours"), f"{where}.call_hours"),
        sms_hours=_hours(raw.get("sms_hours"), f"{where}.sms_hours"),
        max_calls_per_day=cap("max_calls_per_day"),
        max_calls_per_week=cap("max_calls_per_week"),
        max_sms_per_day=cap("max_sms_per_day"),
        max_sms_per_week=cap("max_sms_per_week"),
        no_contact_on_holidays=parse_bool(
            raw.get("no_contact_on_holidays", False), f"{where}.no_contact_on_holidays"
        ),
        min_minutes_between_contacts=None
        if spacing is None
        else parse_int(spacing, f"{where}.min_minutes_between_contacts", minimum=1),
        person_lockout_after_conversation=parse_bool(
            raw.get("person_lockout_after_conversation", False),
            f"{where}.person_lockout_after_conversation",
        ),
    )


def _expect(raw: dict[str, Any], where: str) -> Expectation:
    check_keys(raw, {"decision", "reasons"}, where)
    decision = raw.get("decision")
    if decision is not None and decision not in {"allow", "block"}:
        raise fail(f"{where}.decision", f"{decision!r} is not one of allow, block")
    reasons = tuple(
        parse_enum(r, ReasonCode, f"{where}.reasons").value
        for r in parse_list(raw.get("reasons"), f"{where}.reasons")
    )
    return Expectation(decision, reasons)


def run_scenario(scenario: Scenario, packs: RulePacks) -> ScenarioResult:
    decision = evaluate(
        scenario.consumer, scenario.history, scenario.proposed, limits=scenario.limits, packs=packs
    )
    expect = scenario.expect
    if expect is None:
        return ScenarioResult(scenario, decision, None, ())
    problems: list[str] = []
    if expect.decision is not None and expect.decision != decision.decision:
        problems.append(f"expected {expect.decision}, got {decision.decision}")
    missing = [r for r in expect.reasons if r not in decision.reason_codes]
    if missing:
        problems.append(f"missing reason(s): {', '.join(missing)}")
    return ScenarioResult(scenario, decision, not problems, tuple(problems))
