"""A campaign that records must name only places the rule packs cover; refusals name them."""

from __future__ import annotations

from datetime import date

import pytest

from dialer.campaigns import parse_definition
from dialer.campaigns.definition import CampaignDefinition
from dialer.compliance import load_rule_packs
from dialer.compliance.recording import RecordingConsent
from dialer.errors import InputError
from dialer.recordings.campaign_check import check_recording_coverage
from dialer.recordings.consent import basis_for
from dialer.vocabulary import RecordingBasis

DAY = date(2026, 3, 17)
PACKS = load_rule_packs()


def _campaign(**audience: object) -> dict[str, object]:
    return {
        "name": "recorded",
        "audience": audience,
        "steps": [{"kind": "agent", "script": "agent_bridge"}],
        "caller_ids": {"numbers": ["+16175550199"]},
        "recording": {"enabled": True, "all_party_consent": "announce"},
    }


def _definition(**audience: object) -> CampaignDefinition:
    return parse_definition(_campaign(**audience), source="test")


def test_recording_is_off_unless_asked() -> None:
    data = _campaign(countries=["US"])
    del data["recording"]
    assert parse_definition(data, source="test").recording.enabled is False


def test_a_us_campaign_in_covered_states_may_record() -> None:
    check_recording_coverage(
        _definition(countries=["US"], states=["MA", "NY"]), packs=PACKS, day=DAY
    )


def test_a_state_no_rule_covers_is_refused_by_name() -> None:
    with pytest.raises(InputError, match=r"recording in state PR; add a recording_consent rule"):
        check_recording_coverage(
            _definition(countries=["US"], states=["MA", "PR"]), packs=PACKS, day=DAY
        )


def test_a_country_without_recording_rules_is_refused_by_name() -> None:
    with pytest.raises(InputError, match=r"whose consent recording a call needs in CN"):
        check_recording_coverage(_definition(countries=["CN"]), packs=PACKS, day=DAY)
    with pytest.raises(InputError, match=r"in CN"):
        check_recording_coverage(_definition(), packs=PACKS, day=DAY)  # every country


def test_a_campaign_that_does_not_record_is_not_checked() -> None:
    data = _campaign(countries=["CN"])
    data["recording"] = {"enabled": False}
    check_recording_coverage(parse_definition(data, source="test"), packs=PACKS, day=DAY)


def test_an_unknown_recording_choice_is_refused() -> None:
    data = _campaign(countries=["US"])
    data["recording"] = {"enabled": True, "all_party_consent": "maybe"}
    with pytest.raises(InputError, match="all_party_consent"):
        parse_definition(data, source="test")


ALL = RecordingConsent("all", "us-ma.recording-consent", "x")
ONE = RecordingConsent("one", "us.recording-consent-one-party", "y")


def test_how_a_call_may_be_recorded() -> None:
    record = _definition(countries=["US"]).recording
    skip = record.model_copy(update={"all_party_consent": "skip"})
    off = record.model_copy(update={"enabled": False})
    assert basis_for(record, ONE) is RecordingBasis.ONE_PARTY
    assert basis_for(record, ALL) is RecordingBasis.ANNOUNCED
    assert basis_for(skip, ALL) is None
    assert basis_for(skip, ONE) is RecordingBasis.ONE_PARTY
    assert basis_for(record, None) is None  # a state no rule covers: never recorded
    assert basis_for(off, ONE) is None
