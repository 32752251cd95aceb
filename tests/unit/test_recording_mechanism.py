"""How each kind of call is recorded lawfully: never from a moment before the notice."""

from __future__ import annotations

import pytest

from dialer.callbacks.steps import StepKind
from dialer.campaigns.options import Recording
from dialer.compliance.recording import RecordingConsent
from dialer.recordings.consent import Mechanism, basis_for, mechanism
from dialer.vocabulary import RecordingBasis

ONE, ANNOUNCED = RecordingBasis.ONE_PARTY, RecordingBasis.ANNOUNCED


@pytest.mark.parametrize(
    ("kind", "basis", "at_answer", "outbound", "expected"),
    [
        # an automated call: from its first TwiML (after the notice where all must consent)
        (StepKind.ASK, ONE, True, True, Mechanism.START),
        (StepKind.ASK, ANNOUNCED, True, True, Mechanism.START),
        (StepKind.ASK, ANNOUNCED, False, True, None),  # a later menu: never starts there
        (StepKind.ASK, ONE, True, False, None),  # a call the consumer made to us
        # a call bridged to an agent: <Dial record> after the notice on the consumer's call
        (StepKind.DIAL_AGENT, ANNOUNCED, False, True, Mechanism.DIAL),
        (StepKind.DIAL_AGENT, ONE, True, True, Mechanism.DIAL),
        # a manual call or callback: one party from the answer; all parties on their own leg
        (StepKind.DIAL_CONSUMER, ONE, True, True, Mechanism.DIAL),
        (StepKind.DIAL_CONSUMER, ANNOUNCED, True, True, Mechanism.CONSUMER_LEG),
        # a voicemail message or a goodbye: not recorded from there
        (StepKind.SAY_AND_HANG_UP, ONE, True, True, None),
        (StepKind.RECORD, ONE, False, False, None),
    ],
)
def test_the_mechanism_per_kind_of_call(
    kind: StepKind,
    basis: RecordingBasis,
    at_answer: bool,
    outbound: bool,
    expected: Mechanism | None,
) -> None:
    assert mechanism(kind, basis, at_answer=at_answer, outbound=outbound) == expected


ALL_PARTY = RecordingConsent(parties="all", rule_id="us-ma.recording-consent", citation="x")
ONE_PARTY = RecordingConsent(parties="one", rule_id="us-tx.recording-consent", citation="y")


@pytest.mark.parametrize(
    ("option", "consent", "expected"),
    [
        (Recording(enabled=True), ALL_PARTY, ANNOUNCED),
        (Recording(enabled=True, all_party_consent="skip"), ALL_PARTY, None),
        (Recording(enabled=True, all_party_consent="skip"), ONE_PARTY, ONE),
        (Recording(enabled=True), None, None),  # no rule covers the state: never
        (Recording(enabled=False), ONE_PARTY, None),
    ],
)
def test_the_basis_from_the_campaign_and_the_law(
    option: Recording, consent: RecordingConsent | None, expected: RecordingBasis | None
) -> None:
    assert basis_for(option, consent) == expected
