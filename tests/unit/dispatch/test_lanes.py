"""A tick's pacing lanes: a full lane is skipped for the rest of the tick, others go on."""

from __future__ import annotations

import uuid

from dialer.campaigns.definition import CallerIds
from dialer.dispatch.lanes import Lanes, possible_senders
from dialer.pacing import Pacer, PacingConfig
from dialer.vocabulary import Channel

A, B = "+16175550100", "+13105550100"


def lanes(*, cps: float = 2, sms: float = 1) -> Lanes:
    config = PacingConfig(calls_per_second=cps, sms_per_second=sms, namespace=uuid.uuid4().hex)
    return Lanes(Pacer(config, account="AC1"))


def test_a_full_sms_sender_does_not_close_the_calls_or_another_sender():
    tick = lanes(cps=2, sms=1)
    assert tick.take(Channel.SMS, sender=A)
    assert tick.take(Channel.SMS, sender=A)  # checking a lane takes no slot
    assert tick.pacer.try_acquire(Channel.SMS, sender=A)  # the create takes it
    assert not tick.take(Channel.SMS, sender=A)  # 1 per second per sender
    assert tick.closed(Channel.SMS, senders=[A])
    assert not tick.closed(Channel.SMS, senders=[A, B])  # B may still send
    assert tick.take(Channel.SMS, sender=B)
    placed = []
    for _ in range(3):
        placed.append(tick.take(Channel.CALL, sender=A))
        tick.pacer.try_acquire(Channel.CALL, sender=A)
    assert placed == [True, True, False]
    assert tick.closed(Channel.CALL, senders=[B])  # calls share the account's lane


def test_possible_senders_follow_local_presence():
    assert possible_senders(CallerIds(numbers=(A, B), local_presence=True)) == [A, B]
    assert possible_senders(CallerIds(numbers=(A, B))) == [A]
