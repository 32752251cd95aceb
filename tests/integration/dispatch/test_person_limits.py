"""The person-level policy ships on: a gap between any two automated contacts with a person and
the lockout after a conversation are in force with no stored limits, and may only tighten."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dialer.admin.contact_limits import DEFAULT_LIMITS, current_limits, save_limits
from dialer.db.engine import transaction
from dialer.db.models import ContactLimitVersion
from dialer.errors import InputError


def _save(session, packs, clock, limits):
    return save_limits(
        session,
        scope="global",
        scope_key="",
        actor="ana",
        reason="policy",
        limits=limits,
        packs=packs,
        now=clock.now(),
    )


def test_the_person_policy_is_on_with_no_stored_limits(services):
    with transaction(services.sessions) as session:
        limits = current_limits(session, campaign_id=None, state="US-MA")
    assert limits.min_minutes_between_contacts == DEFAULT_LIMITS.min_minutes_between_contacts
    assert limits.min_minutes_between_contacts == 240
    assert limits.person_lockout_after_conversation is True


def test_a_longer_gap_tightens_and_shows_in_the_stored_limits(services, packs, clock):
    with transaction(services.sessions) as session:
        version = _save(session, packs, clock, {"min_minutes_between_contacts": 360})
    with transaction(services.sessions) as session:
        limits = current_limits(session, campaign_id=None, state="US-NY")
    assert version.limits["min_minutes_between_contacts"] == 360
    assert limits.min_minutes_between_contacts == 360
    assert limits.person_lockout_after_conversation is True


@pytest.mark.parametrize(
    ("limits", "says"),
    [
        ({"min_minutes_between_contacts": 30}, "looser than the deployment's default of 240"),
        ({"person_lockout_after_conversation": False}, "person_lockout_after_conversation"),
        ({"min_minutes_between_contacts": "soon"}, "whole number of minutes"),
    ],
)
def test_loosening_the_person_policy_is_refused_and_nothing_saved(
    services, packs, clock, limits, says
):
    with transaction(services.sessions) as session, pytest.raises(InputError, match=says):
        _save(session, packs, clock, limits)
    with transaction(services.sessions) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(ContactLimitVersion)) == 0
