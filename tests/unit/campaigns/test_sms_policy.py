"""US SMS steps for a third-party collector: refused unless an approved sender is recorded."""

from __future__ import annotations

from typing import Any

import pytest

from config.errors import ConfigurationError
from config.settings import load_settings
from dialer.campaigns.loader import parse_definition
from dialer.campaigns.sms_policy import check_sms_policy
from dialer.errors import InputError
from dialer.vocabulary import CollectorType

CALL = {"kind": "ivr", "script": "reminder_ivr"}
SMS = {"kind": "sms", "template": "reminder_friendly"}


def campaign(**changes: Any):
    data: dict[str, Any] = {
        "name": "c1",
        "caller_ids": {"numbers": ["+16175550100"]},
        "steps": [CALL, SMS, {"kind": "escalate", "escalate_to": "agency"}],
    }
    return parse_definition({**data, **changes}, source="test")


def test_a_third_party_collector_is_refused_us_sms_naming_the_policy_and_the_step() -> None:
    with pytest.raises(InputError) as caught:
        check_sms_policy(campaign(), CollectorType.THIRD_PARTY)
    message = str(caught.value)
    assert message.startswith("campaign c1: steps.1: SMS to US consumers is refused")
    assert "third-party debt collection" in message
    assert "error 30943" in message
    assert "error 30863" in message
    assert "sms_sender" in message
    assert "DIALER_COLLECTOR_TYPE=first_party" in message


def test_every_sms_step_is_named() -> None:
    with pytest.raises(InputError, match=r"steps\.0, steps\.2:"):
        check_sms_policy(
            campaign(steps=[SMS, CALL, SMS], audience={"countries": ["US"]}),
            CollectorType.THIRD_PARTY,
        )


@pytest.mark.parametrize(
    ("collector", "changes"),
    [
        (CollectorType.FIRST_PARTY, {}),
        (CollectorType.THIRD_PARTY, {"steps": [CALL]}),
        (CollectorType.THIRD_PARTY, {"audience": {"countries": ["CN"]}}),
        (
            CollectorType.THIRD_PARTY,
            {"sms_sender": {"kind": "a2p_10dlc", "id": "QE2c6890da8086d771620e9b13fadeba0b"}},
        ),
        (
            CollectorType.THIRD_PARTY,
            {"sms_sender": {"kind": "toll_free_verified", "id": "+18885550100"}},
        ),
        (CollectorType.THIRD_PARTY, {"sms_sender": {"kind": "short_code", "id": "55501"}}),
    ],
)
def test_allowed_when_first_party_no_us_sms_or_an_approved_sender(
    collector: CollectorType, changes: dict[str, Any]
) -> None:
    check_sms_policy(campaign(**changes), collector)


def test_an_audience_with_us_among_other_countries_is_still_refused() -> None:
    with pytest.raises(InputError, match="SMS to US consumers is refused"):
        check_sms_policy(campaign(audience={"countries": ["CN", "US"]}), CollectorType.THIRD_PARTY)


@pytest.mark.parametrize(
    ("sender", "reason"),
    [
        ({"kind": "toll_free_verified", "id": "+16175550100"}, "is not a US toll-free number"),
        ({"kind": "short_code", "id": "12"}, "is not a 5- or 6-digit short code"),
        ({"kind": "a2p_10dlc", "id": "x"}, "is not a 10DLC campaign id"),
        ({"kind": "carrier_pigeon", "id": "x"}, "sms_sender.kind"),
    ],
)
def test_an_approved_sender_must_be_well_formed(sender: dict[str, str], reason: str) -> None:
    with pytest.raises(InputError, match=reason):
        campaign(sms_sender=sender)


def test_the_setting_defaults_to_third_party_and_reads_first_party(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DIALER_COLLECTOR_TYPE", raising=False)
    assert load_settings().collector_type == CollectorType.THIRD_PARTY
    monkeypatch.setenv("DIALER_COLLECTOR_TYPE", "first_party")
    assert load_settings().collector_type == CollectorType.FIRST_PARTY
    monkeypatch.setenv("DIALER_COLLECTOR_TYPE", "agency")
    with pytest.raises(ConfigurationError, match="DIALER_COLLECTOR_TYPE"):
        load_settings()
