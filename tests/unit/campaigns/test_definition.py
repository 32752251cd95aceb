"""Campaign files: validation with clear errors (file, field, reason)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from dialer.campaigns.definition import parse_duration
from dialer.campaigns.loader import load_definition, parse_definition
from dialer.errors import InputError

EXAMPLES = Path(__file__).resolve().parents[3] / "config" / "campaigns"

BASE = {
    "name": "c1",
    "caller_ids": {"numbers": ["+16175550100"]},
    "steps": [{"kind": "sms", "template": "reminder_friendly"}],
}


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_examples_are_valid(path):
    definition = load_definition(path)
    assert definition.steps[-1].kind == "escalate"


def test_error_names_the_file_the_field_and_the_reason(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: c1\ncaller_ids: {numbers: ['617-555']}\n"
        "steps:\n  - {kind: sms}\n  - {kind: ivr, script: reminder_ivr, retry: {busy: soon}}\n"
    )
    with pytest.raises(InputError) as caught:
        load_definition(bad)
    message = str(caught.value)
    assert f"{bad}: caller_ids.numbers: '617-555' is not an E.164 number" in message
    assert f"{bad}: steps.0: an sms step needs a template" in message
    assert "steps.1.retry: 'soon' is not a duration" in message


def test_escalation_must_be_last_and_name_its_target():
    steps = [{"kind": "escalate", "escalate_to": "legal"}, BASE["steps"][0]]
    with pytest.raises(InputError, match="must be the last step"):
        parse_definition({**BASE, "steps": steps}, source="x")
    with pytest.raises(InputError, match="escalate_to"):
        parse_definition({**BASE, "steps": [{"kind": "escalate"}]}, source="x")


def test_unknown_keys_and_bad_hours_are_refused():
    with pytest.raises(InputError, match="x: colour: Extra inputs are not permitted"):
        parse_definition({**BASE, "colour": "red"}, source="x")
    with pytest.raises(InputError, match=r"hours\.call\.start"):
        parse_definition({**BASE, "hours": {"call": {"start": "9am", "end": "20:00"}}}, source="x")


def test_durations():
    assert parse_duration("30m") == timedelta(minutes=30)
    assert parse_duration("2d") == timedelta(days=2)
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration("1 week")


def test_the_voicemail_fields_the_templates_read_are_accepted_and_checked():
    definition = parse_definition(
        {
            **BASE,
            "caller_name": "Jordan Lee",
            "voicemail_business": "JL Services",
            "callback_number": "+18005550199",
            "voicemail_audio_url": "https://example.com/vm.mp3",
        },
        source="c1.yaml",
    )
    assert (definition.voicemail_business, definition.callback_number) == (
        "JL Services",
        "+18005550199",
    )
    with pytest.raises(InputError) as caught:
        parse_definition(
            {**BASE, "callback_number": "555-0199", "voicemail_audio_url": "ftp://x/vm.mp3"},
            source="c1.yaml",
        )
    message = str(caught.value)
    assert "c1.yaml: callback_number: '555-0199' is not an E.164 number" in message
    assert "c1.yaml: voicemail_audio_url:" in message


def test_audience_states_read_full_us_state_names_as_codes():
    definition = parse_definition(
        {**BASE, "audience": {"states": ["Massachusetts", "new york", "ma", "zj"]}}, source="x"
    )
    assert definition.audience.states == ("MA", "NY", "MA", "ZJ")


PREDICTIVE = {"kind": "agent", "script": "agent_bridge", "dialing": "predictive"}


def test_a_predictive_agent_step_is_accepted_with_its_options():
    steps = [{**PREDICTIVE, "predictive": {"max_ratio": 2.5, "abandonment_limit": 0.02}}]
    step = parse_definition({**BASE, "steps": steps}, source="x").steps[0]
    assert step.pacing is not None
    assert (step.pacing.max_ratio, float(step.pacing.abandonment_limit)) == (2.5, 0.02)
    default = parse_definition({**BASE, "steps": [PREDICTIVE]}, source="x").steps[0]
    assert default.pacing is not None
    assert (default.pacing.max_ratio, float(default.pacing.abandonment_limit)) == (2.0, 0.03)
    progressive = {"kind": "agent", "script": "agent_bridge"}
    assert parse_definition({**BASE, "steps": [progressive]}, source="x").steps[0].pacing is None


def test_predictive_options_beyond_the_legal_cap_or_out_of_place_are_refused():
    over = [{**PREDICTIVE, "predictive": {"abandonment_limit": 0.05}}]
    with pytest.raises(InputError, match=r"steps\.0\.predictive\.abandonment_limit: .*3 %"):
        parse_definition({**BASE, "steps": over}, source="x")
    with pytest.raises(InputError, match=r"max_ratio"):
        parse_definition(
            {**BASE, "steps": [{**PREDICTIVE, "predictive": {"max_ratio": 0.5}}]}, source="x"
        )
    ivr = {"kind": "ivr", "script": "reminder_ivr", "dialing": "predictive"}
    with pytest.raises(InputError, match="dialing: predictive is for agent steps only"):
        parse_definition({**BASE, "steps": [ivr]}, source="x")
    options_only = {"kind": "agent", "script": "agent_bridge", "predictive": {"max_ratio": 2}}
    with pytest.raises(InputError, match="predictive options need dialing: predictive"):
        parse_definition({**BASE, "steps": [options_only]}, source="x")


def test_business_hours_are_read_in_the_company_zone_on_its_days():
    from datetime import UTC, datetime

    hours = parse_definition(
        {**BASE, "business_hours": {"zone": "America/Chicago", "start": "08:00", "end": "18:00"}},
        source="x",
    ).business_hours
    assert hours is not None
    assert hours.is_open(datetime(2026, 3, 17, 13, 0, tzinfo=UTC))  # Tue 08:00 CDT
    assert not hours.is_open(datetime(2026, 3, 17, 12, 59, tzinfo=UTC))  # Tue 07:59 CDT
    assert not hours.is_open(datetime(2026, 3, 17, 23, 0, tzinfo=UTC))  # Tue 18:00 CDT
    assert hours.is_open(datetime(2026, 3, 6, 14, 0, tzinfo=UTC))  # Fri 08:00 CST (before DST)
    assert not hours.is_open(datetime(2026, 3, 21, 15, 0, tzinfo=UTC))  # Saturday
    weekend = parse_definition(
        {**BASE, "business_hours": {"zone": "Asia/Shanghai", "days": ["sat"]}}, source="x"
    ).business_hours
    assert weekend is not None
    assert weekend.is_open(datetime(2026, 3, 21, 2, 0, tzinfo=UTC))  # Sat 10:00 in Shanghai


def test_bad_business_hours_are_refused_with_the_field_and_the_reason():
    with pytest.raises(InputError, match=r"business_hours\.zone: 'Mars/Base' is not a time zone"):
        parse_definition({**BASE, "business_hours": {"zone": "Mars/Base"}}, source="x")
    with pytest.raises(InputError, match="start 18:00 is not before end 08:00"):
        parse_definition(
            {**BASE, "business_hours": {"zone": "UTC", "start": "18:00", "end": "08:00"}},
            source="x",
        )
    with pytest.raises(InputError, match=r"business_hours\.days"):
        parse_definition(
            {**BASE, "business_hours": {"zone": "UTC", "days": ["funday"]}}, source="x"
        )
