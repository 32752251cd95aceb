"""Signed inbound texts in English, Spanish and Chinese: opt-outs scoped as written, wrong numbers
and disputes acted on, free text in the agents' inbox, and opt-outs that follow the number."""

from __future__ import annotations

import pytest

from dialer.bootstrap import Services
from dialer.cases.facts import load_consumer_facts
from dialer.db.engine import transaction
from dialer.db.models import ConsumerFlagRecord, InboxMessage, OptOut, SuppressedNumber
from dialer.vocabulary import Channel, PhoneStatus
from tests.integration.webhooks.builders import CONSUMER_NUMBER, make_case
from tests.integration.webhooks.conftest import Twilio
from tests.integration.webhooks.helpers import debt_row, phone_row, rows

OTHER_NUMBER = "+16175550177"


def _inbound(twilio: Twilio, body: str, *, sid: str = "SM" + "a" * 32, sender: str = "") -> str:
    data = {
        "MessageSid": sid,
        "From": sender or CONSUMER_NUMBER,
        "To": "+16175559999",
        "Body": body,
    }
    response = twilio.post("/twilio/sms/inbound", data)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _opt_outs(services: Services, phone_id: int) -> list[str]:
    found = rows(
        services.sessions, OptOut, OptOut.phone_id == phone_id, OptOut.revoked_at.is_(None)
    )
    return sorted(o.channel for o in found)


def _inbox(services: Services) -> list[InboxMessage]:
    return rows(services.sessions, InboxMessage)


@pytest.mark.parametrize(
    ("language", "body", "channels", "confirmation"),
    [
        ("es", "No más mensajes, por favor", ["sms"], "No recibirá más mensajes"),
        ("es", "ya no me llamen", ["call"], None),
        ("zh", "我不想再收到你们的短信", ["sms"], None),
        ("en", "Stop texting me, call me instead", ["sms"], "no more text messages"),
        ("en", "please leave me alone", ["call", "sms"], None),
    ],
)
def test_an_opt_out_in_the_consumers_words_stops_what_they_named(
    twilio: Twilio,
    services: Services,
    language: str,
    body: str,
    channels: list[str],
    confirmation: str | None,
) -> None:
    case = make_case(services.sessions, now=services.clock.now(), channel=Channel.SMS,
                     language=language)  # fmt: skip
    reply = _inbound(twilio, body)
    assert _opt_outs(services, case.phone_id) == channels
    listed = rows(services.sessions, SuppressedNumber, SuppressedNumber.e164 == CONSUMER_NUMBER)
    assert sorted(e.scope for e in listed) == channels
    assert [(m.intent, m.consumer_id) for m in _inbox(services)] == [("opt_out", case.consumer_id)]
    if confirmation:
        assert confirmation.lower() in reply.lower()


def test_a_bare_keyword_is_handled_without_the_inbox(twilio: Twilio, services: Services) -> None:
    case = make_case(services.sessions, now=services.clock.now(), channel=Channel.SMS)
    _inbound(twilio, "Baja")
    assert _opt_outs(services, case.phone_id) == ["sms"]
    assert _inbox(services) == []


@pytest.mark.parametrize(
    "body", ["wrong number", "número equivocado", "打错了", "This is not Maria"]
)
def test_a_wrong_number_text_stops_every_channel_until_an_agent_restores_it(
    twilio: Twilio, services: Services, body: str
) -> None:
    case = make_case(services.sessions, now=services.clock.now(), channel=Channel.SMS)
    reply = _inbound(twilio, body)
    assert "<Message>" not in reply
    assert phone_row(services.sessions, case.phone_id).status == PhoneStatus.WRONG_PARTY
    with transaction(services.sessions) as session:
        facts = load_consumer_facts(session, case.consumer_id)
    assert [p.status for p in facts.phones] == [PhoneStatus.WRONG_PARTY]
    listed = rows(services.sessions, SuppressedNumber, SuppressedNumber.e164 == CONSUMER_NUMBER)
    assert [(e.kind, e.scope) for e in listed] == [("wrong_number", "all")]
    assert [m.intent for m in _inbox(services)] == ["wrong_number"]


@pytest.mark.parametrize("body", ["This is not my debt", "No es mi deuda", "这不是我的债"])
def test_not_my_debt_by_text_records_a_dispute_like_the_call_menu(
    twilio: Twilio, services: Services, body: str
) -> None:
    case = make_case(services.sessions, now=services.clock.now(), channel=Channel.SMS)
    _inbound(twilio, body)
    flags = rows(services.sessions, ConsumerFlagRecord)
    assert [(f.flag, f.debt_id, f.source) for f in flags] == [
        ("dispute_pending", case.debt_id, "sms")
    ]
    assert debt_row(services.sessions, case.debt_id).next_contact_at is None
    assert [m.intent for m in _inbox(services)] == ["dispute"]
    assert _opt_outs(services, case.phone_id) == []


def test_free_text_lands_in_the_inbox_and_changes_nothing_else(
    twilio: Twilio, services: Services
) -> None:
    case = make_case(services.sessions, now=services.clock.now(), channel=Channel.SMS)
    _inbound(twilio, "can I pay $50 next Friday?")
    [message] = _inbox(services)
    assert (message.consumer_id, message.body, message.resolved_at) == (
        case.consumer_id, "can I pay $50 next Friday?", None,
    )  # fmt: skip
    assert _opt_outs(services, case.phone_id) == []
    assert phone_row(services.sessions, case.phone_id).status == PhoneStatus.VALID


def test_a_stop_follows_the_number_to_a_consumer_imported_later(
    twilio: Twilio, services: Services
) -> None:
    now = services.clock.now()
    make_case(services.sessions, now=now, channel=Channel.SMS, ref="C1")
    _inbound(twilio, "STOP")
    later = make_case(services.sessions, now=now, channel=Channel.CALL, ref="C2")
    with transaction(services.sessions) as session:
        facts = load_consumer_facts(session, later.consumer_id)
    assert [(p.sms_opted_out, p.call_opted_out) for p in facts.phones] == [(True, False)]


def test_a_text_from_a_number_on_no_file_still_follows_it(
    twilio: Twilio, services: Services
) -> None:
    _inbound(twilio, "wrong number, stop texting me", sender=OTHER_NUMBER)
    assert [m.consumer_id for m in _inbox(services)] == [None]
    case = make_case(services.sessions, now=services.clock.now(), number=OTHER_NUMBER)
    with transaction(services.sessions) as session:
        facts = load_consumer_facts(session, case.consumer_id)
    [phone] = facts.phones
    assert (phone.status, phone.sms_opted_out) == (PhoneStatus.WRONG_PARTY, True)


def test_start_lifts_the_numbers_sms_opt_out_everywhere(twilio: Twilio, services: Services) -> None:
    now = services.clock.now()
    first = make_case(services.sessions, now=now, channel=Channel.SMS, ref="C1")
    _inbound(twilio, "STOP", sid="SM" + "b" * 32)
    second = make_case(services.sessions, now=now, channel=Channel.SMS, ref="C2")
    _inbound(twilio, "START", sid="SM" + "c" * 32)
    for case in (first, second):
        with transaction(services.sessions) as session:
            facts = load_consumer_facts(session, case.consumer_id)
        assert [p.sms_opted_out for p in facts.phones] == [False]
