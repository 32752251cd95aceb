"""The rule packs say whose consent recording a call needs, state by state, with a citation,
and how long a recording is kept (Reg F: three years)."""

from __future__ import annotations

from datetime import date

import pytest

from dialer.compliance import load_rule_packs
from dialer.compliance.packs import RulePacks, parse_pack
from dialer.compliance.recording import covered_states, recording_consent, retention
from dialer.errors import InputError

DAY = date(2026, 3, 17)
ALL_PARTY = ("CA", "DE", "FL", "IL", "MD", "MA", "MT", "NV", "NH", "PA", "WA")


@pytest.fixture(scope="module")
def packs() -> RulePacks:
    return load_rule_packs()


@pytest.mark.parametrize("state", ALL_PARTY)
def test_each_all_party_consent_state_needs_every_partys_consent(
    packs: RulePacks, state: str
) -> None:
    consent = recording_consent(packs, country="US", state=state, day=DAY)
    assert consent is not None
    assert consent.parties == "all"
    assert consent.citation  # every state names its statute


def test_a_one_party_state_needs_only_ours(packs: RulePacks) -> None:
    consent = recording_consent(packs, country="US", state="TX", day=DAY)
    assert consent is not None
    assert (consent.parties, consent.rule_id) == ("one", "us.recording-consent-one-party")
    assert "2511(2)(d)" in consent.citation


def test_every_state_and_dc_is_covered_but_not_the_territories(packs: RulePacks) -> None:
    covered = covered_states(packs, country="US", day=DAY)
    assert len(covered) == 51
    assert "PR" not in covered
    assert recording_consent(packs, country="US", state="PR", day=DAY) is None
    assert recording_consent(packs, country="US", state=None, day=DAY) is None
    assert covered_states(packs, country="CN", day=DAY) == frozenset()


def test_recordings_are_kept_three_years_in_the_us_and_no_rule_is_set_for_china(
    packs: RulePacks,
) -> None:
    rule = retention(packs, country="US", day=DAY)
    assert rule is not None
    assert rule.days == 1095
    assert "1006.100(b)" in rule.citation
    assert retention(packs, country="CN", day=DAY) is None


def test_recording_rules_leave_contact_decisions_alone(packs: RulePacks) -> None:
    texas = packs.ruleset("US", frozenset({"TX"}), DAY)
    assert all(pack != "us-states" for pack, _ in texas.pack_versions)


def _pack(rule: dict[str, object]) -> dict[str, object]:
    return {"id": "p", "version": "1", "country": "US", "rules": [rule]}


def test_the_strictest_rule_wins_where_two_disagree() -> None:
    base = {"kind": "recording_consent", "citation": "x"}
    pack = parse_pack(
        {
            "id": "p",
            "version": "1",
            "country": "US",
            "rules": [
                {**base, "id": "one", "states": ["DE"], "parties": "one"},
                {**base, "id": "all", "states": ["DE"], "parties": "all"},
            ],
        },
        "test.yaml",
    )
    consent = recording_consent(RulePacks((pack,)), country="US", state="DE", day=DAY)
    assert consent is not None
    assert (consent.parties, consent.rule_id) == ("all", "all")


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            {"id": "r", "kind": "recording_consent", "citation": "x", "parties": "all"},
            "names its states",
        ),
        (
            {
                "id": "r",
                "kind": "recording_consent",
                "citation": "x",
                "states": ["MA"],
                "parties": "some",
            },
            "parties 'some' is not one of all, one",
        ),
        ({"id": "r", "kind": "recording_retention", "citation": "x", "days": 0}, "days"),
    ],
)
def test_a_malformed_recording_rule_is_refused_with_the_reason(
    rule: dict[str, object], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        parse_pack(_pack(rule), "test.yaml")
