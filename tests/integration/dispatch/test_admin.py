"""Limits, enrolment, explain and the nightly re-audit on a real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from dialer.admin.contact_limits import current_limits, save_limits
from dialer.audit.nightly import reaudit
from dialer.campaigns import enrol, get_campaign
from dialer.cases.why_not_now import explain_case
from dialer.db.engine import transaction
from dialer.db.models import AuditEntry, CaseEvent, ContactAttempt
from dialer.errors import InputError
from dialer.vocabulary import Channel
from tests.integration.dispatch.conftest import make_campaign
from tests.integration.dispatch.portfolio import insert_portfolio

MA = [("US", "MA", "617")]


def test_limits_are_versioned_audited_and_the_strictest_wins(services, packs, clock):
    with transaction(services.sessions) as session:
        save_limits(
            session,
            scope="global",
            scope_key="",
            actor="ana",
            reason="policy",
            limits={"call_hours": {"start": "09:00", "end": "20:00"}, "max_calls_per_day": 3},
            packs=packs,
            now=clock.now(),
        )
        second = save_limits(
            session,
            scope="global",
            scope_key="",
            actor="ana",
            reason="tighter",
            limits={"call_hours": {"start": "10:00", "end": "20:00"}, "max_calls_per_day": 3},
            packs=packs,
            now=clock.now(),
        )
        save_limits(
            session,
            scope="state",
            scope_key="US-MA",
            actor="bo",
            reason="MA",
            limits={"call_hours": {"start": "09:00", "end": "18:00"}, "max_calls_per_day": 2},
            packs=packs,
            now=clock.now(),
        )
    assert second.version == 2
    with transaction(services.sessions) as session:
        merged = current_limits(session, campaign_id=None, state="US-MA")
        other = current_limits(session, campaign_id=None, state="US-NY")
        audits = session.scalars(sa.select(AuditEntry.reason).order_by(AuditEntry.id)).all()
    assert (merged.call_hours.start.hour, merged.call_hours.end.hour) == (10, 18)
    assert merged.max_calls_per_day == 2
    assert (other.call_hours.start.hour, other.max_calls_per_day) == (10, 3)
    assert audits == ["policy", "tighter", "MA"]


def test_limits_looser_than_the_law_are_refused(services, packs, clock):
    with transaction(services.sessions) as session, pytest.raises(InputError):
        save_limits(
            session,
            scope="global",
            scope_key="",
            actor="ana",
            reason=None,
            limits={"call_hours": {"start": "07:00", "end": "22:00"}},
            packs=packs,
            now=clock.now(),
        )


def test_campaign_hours_looser_than_the_law_are_refused(services, packs):
    with pytest.raises(InputError, match="hours"):
        make_campaign(services, packs, hours={"call": {"start": "06:00", "end": "23:00"}})


def test_enrolment_takes_only_the_audience(services, packs, clock):
    make_campaign(
        services, packs, audience={"stages": ["new"], "countries": ["US"], "states": ["MA"]}
    )
    insert_portfolio(services.engine, count=20, now=clock.now())  # 10 places, 2 in MA
    with transaction(services.sessions) as session:
        assert enrol(session, get_campaign(session, "test-campaign"), now=clock.now()) == 2
        assert enrol(session, get_campaign(session, "test-campaign"), now=clock.now()) == 0


def test_explain_case_says_why_not_now_and_when(services, packs):
    insert_portfolio(services.engine, count=1, now=services.clock.now(), places=MA)
    with transaction(services.sessions) as session:
        night = explain_case(
            session,
            case_ref="D00000000",
            channel=Channel.CALL,
            at=datetime(2026, 3, 18, 3, 0, tzinfo=UTC),
            packs=packs,
        )
        day = explain_case(
            session,
            case_ref="C00000000",
            channel=Channel.CALL,
            at=datetime(2026, 3, 18, 15, 0, tzinfo=UTC),
            packs=packs,
        )
    assert not night.allowed
    assert "outside_hours" in night.reason_codes
    assert night.next_allowed_at == datetime(2026, 3, 18, 12, 0, tzinfo=UTC)  # 08:00 EDT
    assert day.allowed


def test_reaudit_flags_an_unlawful_contact_once(services, packs, clock):
    (person,) = insert_portfolio(services.engine, count=1, now=clock.now(), places=MA)
    day = datetime(2026, 3, 17, tzinfo=UTC)
    with transaction(services.sessions) as session:
        for hour in (14, 23 + 3):  # 10:00 EDT (lawful) and 23:00 EDT (not)
            at = day + timedelta(hours=hour)
            session.add(
                ContactAttempt(
                    consumer_id=person.consumer_id,
                    debt_id=person.debt_id,
                    phone_id=person.consumer_id,
                    channel="call",
                    status="completed",
                    outcome="no_answer",
                    to_number=person.number,
                    from_number="+16175550199",
                    attempted_at=at,
                    reserved_at=at,
                    placed_at=at,
                )
            )
    with transaction(services.sessions) as session:
        report = reaudit(session, since=day, until=day + timedelta(days=2), packs=packs)
    assert report.checked == 2
    assert len(report.violations) == 1
    with transaction(services.sessions) as session:
        again = reaudit(session, since=day, until=day + timedelta(days=2), packs=packs)
        events = session.scalars(sa.select(CaseEvent).where(CaseEvent.kind == "reaudit_violation"))
        (event,) = events.all()
    assert again.violations == []
    assert again.already_reported == 1
    assert "outside_hours" in event.summary
