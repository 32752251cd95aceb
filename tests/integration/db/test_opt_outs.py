"""One opt-out in force per number and channel: `add_opt_out` is the one writer, and the
partial unique index `uq_opt_outs_active` (migration t1401) holds it even under a race."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from dialer.bootstrap import Services
from dialer.db.engine import transaction
from dialer.db.models import OptOut, Phone
from dialer.suppression.numbers import add_opt_out
from dialer.vocabulary import Channel
from tests.integration.dispatch.portfolio import insert_portfolio


def _phone_id(services: Services) -> int:
    (person,) = insert_portfolio(services.engine, count=1, now=services.clock.now())
    with transaction(services.sessions) as session:
        phone_id = session.scalar(sa.select(Phone.id).where(Phone.e164 == person.number))
    assert phone_id is not None
    return phone_id


def _stop(services: Services, phone_id: int) -> bool:
    with transaction(services.sessions) as session:
        return add_opt_out(
            session, phone_id=phone_id, channel=Channel.SMS, source="inbound STOP",
            detail="STOP", now=services.clock.now(),
        )  # fmt: skip


def _in_force(services: Services) -> int:
    with transaction(services.sessions) as session:
        return (
            session.scalar(
                sa.select(sa.func.count()).select_from(OptOut).where(OptOut.revoked_at.is_(None))
            )
            or 0
        )


def test_a_second_stop_adds_no_second_opt_out(services: Services) -> None:
    phone_id = _phone_id(services)

    assert _stop(services, phone_id) is True
    assert _stop(services, phone_id) is False

    assert _in_force(services) == 1


def test_after_an_opt_in_a_new_stop_is_in_force_again(services: Services) -> None:
    phone_id = _phone_id(services)
    _stop(services, phone_id)
    with transaction(services.sessions) as session:
        session.execute(sa.update(OptOut).values(revoked_at=services.clock.now()))

    assert _stop(services, phone_id) is True
    assert _in_force(services) == 1


def test_the_database_refuses_a_second_opt_out_in_force(services: Services) -> None:
    phone_id = _phone_id(services)
    _stop(services, phone_id)
    another = OptOut(
        phone_id=phone_id, channel=Channel.SMS.value, source="another writer",
        opted_out_at=services.clock.now(),
    )  # fmt: skip
    with transaction(services.sessions) as session:
        session.add(another)
        with pytest.raises(IntegrityError):
            session.flush()
        session.rollback()
    assert _in_force(services) == 1


def test_two_stops_at_once_leave_one_opt_out(services: Services) -> None:
    """The first STOP is written but not committed when the second is handled: the second
    waits (PostgreSQL: on the unique index; SQLite: on the write lock) and adds nothing."""
    phone_id = _phone_id(services)
    answers: list[bool] = []
    with transaction(services.sessions) as first:
        assert add_opt_out(
            first, phone_id=phone_id, channel=Channel.SMS, source="inbound STOP",
            detail="STOP", now=services.clock.now(),
        )  # fmt: skip
        first.flush()
        second = threading.Thread(target=lambda: answers.append(_stop(services, phone_id)))
        second.start()
        second.join(timeout=1.0)
        assert second.is_alive()  # held until the first commits
    second.join(timeout=30)

    assert answers == [False]
    assert _in_force(services) == 1
