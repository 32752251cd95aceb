from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta

import pytest

from dialer.compliance import (
    AdminLimits,
    ConsumerFacts,
    Decision,
    HistoryEntry,
    PhoneFacts,
    ProposedContact,
    RulePacks,
    TimeRange,
    evaluate,
    render_decision,
    validate_limits,
)
from dialer.compliance.packs import parse_pack
from dialer.errors import InputError, LimitTooLooseError
from dialer.vocabulary import Channel, Outcome, PhoneType

NY = ConsumerFacts(
    country="US",
    state="NY",
    postal_code="10016",
    phones=(PhoneFacts("+19175550101", PhoneType.MOBILE, True),),
)


def _call(at: datetime) -> ProposedContact:
    return ProposedContact(at=at, channel=Channel.CALL, to="+19175550101")


def test_decision_round_trips_through_json_when_blocked(packs: RulePacks) -> None:
    decision = evaluate(NY, [], _call(datetime(2026, 1, 14, 12, 59, tzinfo=UTC)), packs=packs)
    data = json.loads(json.dumps(decision.to_dict()))
    assert Decision.from_dict(data) == decision
    assert data["decision"] == "block"
    assert data["reasons"][0]["rule_id"] == "us-fed.hours"
    assert data["pack_versions"]["us-federal"]


def test_next_allowed_is_eight_local_when_too_early(packs: RulePacks) -> None:
    decision = evaluate(NY, [], _call(datetime(2026, 1, 14, 12, 59, tzinfo=UTC)), packs=packs)
    assert decision.next_allowed_at == datetime(2026, 1, 14, 13, 0, tzinfo=UTC)


def test_counts_report_used_and_limit_when_calls_in_history(packs: RulePacks) -> None:
    start = datetime(2026, 2, 10, 16, tzinfo=UTC)
    history = [
        HistoryEntry(
            at=start + timedelta(days=i),
            channel=Channel.CALL,
            to="+19175550101",
            outcome=Outcome.NO_ANSWER,
        )
        for i in range(6)
    ]
    decision = evaluate(NY, history, _call(datetime(2026, 2, 16, 17, tzinfo=UTC)), packs=packs)
    count = next(c for c in decision.counts if c.rule_id == "us-fed.seven-in-seven")
    assert (count.used, count.limit) == (6, 7)
    assert "debt D1" in count.description
    assert "2026-02-16" in count.description


def test_render_explains_reason_rule_and_when(packs: RulePacks) -> None:
    decision = evaluate(NY, [], _call(datetime(2026, 1, 14, 12, 59, tzinfo=UTC)), packs=packs)
    text = render_decision(decision)
    assert "BLOCK" in text
    assert "outside_hours" in text
    assert "1006.6(b)(1)(i)" in text
    assert "2026-01-14 13:00:00Z" in text


def test_permanent_block_has_no_next_time_when_consumer_deceased(packs: RulePacks) -> None:
    consumer = ConsumerFacts(
        country="US",
        state="NY",
        postal_code="10016",
        phones=NY.phones,
        flags=frozenset({"deceased"}),
    )  # type: ignore[arg-type]
    decision = evaluate(consumer, [], _call(datetime(2026, 1, 14, 15, tzinfo=UTC)), packs=packs)
    assert decision.next_allowed_at is None
    assert "not until the facts change" in render_decision(decision)


def test_validate_limits_names_rule_when_call_hours_end_too_late(packs: RulePacks) -> None:
    limits = AdminLimits(call_hours=TimeRange(time(9), time(21, 30)))
    with pytest.raises(
        LimitTooLooseError,
        match=r"call_hours end 21:30 is later than 21:00 "
        r"required by .*1006\.6\(b\)\(1\)\(i\)",
    ):
        validate_limits(limits, country="US", packs=packs)


def test_validate_limits_rejects_cap_above_law_when_global(packs: RulePacks) -> None:
    with pytest.raises(LimitTooLooseError, match="max_calls_per_week 8"):
        validate_limits(AdminLimits(max_calls_per_week=8), country="US", packs=packs)


def test_validate_limits_accepts_tighter_limits(packs: RulePacks) -> None:
    limits = AdminLimits(call_hours=TimeRange(time(9), time(20)), max_calls_per_day=2)
    validate_limits(limits, country="US", state="NY", packs=packs)
    validate_limits(
        AdminLimits(call_hours=TimeRange(time(8), time(21, 30))), country="CN", packs=packs
    )


def test_validate_limits_rejects_reversed_hours(packs: RulePacks) -> None:
    with pytest.raises(InputError, match="must be before"):
        validate_limits(
            AdminLimits(sms_hours=TimeRange(time(20), time(9))), country="US", packs=packs
        )


def test_naive_time_is_rejected(packs: RulePacks) -> None:
    with pytest.raises(InputError):
        evaluate(NY, [], _call(datetime(2026, 1, 14, 12, 59)), packs=packs)


def test_validate_limits_rejects_a_person_gap_below_one_minute(packs: RulePacks) -> None:
    with pytest.raises(InputError, match="min_minutes_between_contacts"):
        validate_limits(AdminLimits(min_minutes_between_contacts=0), country="US", packs=packs)
    validate_limits(
        AdminLimits(min_minutes_between_contacts=120, person_lockout_after_conversation=True),
        country="US",
        packs=packs,
    )


def test_a_rule_pack_with_a_bad_third_party_rule_names_the_rule_and_field() -> None:
    pack = {
        "id": "cn-test",
        "version": "1",
        "country": "CN",
        "rules": [
            {
                "id": "cn.third",
                "kind": "third_party",
                "citation": "test",
                "unreachable": {"attempts": 0, "within_days": 30, "outcomes": ["no_answer"]},
            }
        ],
    }
    with pytest.raises(InputError, match=r"cn\.third.*unreachable\.attempts"):
        parse_pack(pack, "cn-test.yaml")
