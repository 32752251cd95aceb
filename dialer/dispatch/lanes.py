"""A tick's pacing lanes: each channel (and SMS sender) runs at its own rate, side by side.

A lane is checked when the contact is reserved, never waited for: a lane with no free slot is
saturated for the rest of the tick and its remaining debts go back to the queue untouched (no
attempt row), so a slow lane (SMS at 1 per second per long code) never holds up a fast one.
The slot itself is taken by `place`, right before the create: the provider sees the paced
rate, whatever time passes between reserving and placing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from dialer.campaigns.definition import CallerIds, CampaignDefinition
from dialer.db.models import Campaign
from dialer.pacing import Pacer
from dialer.vocabulary import Channel

# With every lane it met saturated and nothing placed, a tick pauses this long before it
# returns, so a worker does not re-claim the same debts in a busy loop (a moving window
# frees its next slot within a second).
IDLE_PAUSE = 0.2


@dataclass
class Lanes:
    pacer: Pacer
    saturated: set[tuple[str, ...]] = field(default_factory=set)

    def take(self, channel: Channel, *, sender: str) -> bool:
        """True when the lane has a free slot now, else False (and the lane is saturated for
        this tick). Nothing is taken: `place` takes the slot right before the create."""
        lane = self.pacer.lane(channel, sender=sender)
        if lane in self.saturated:
            return False
        if self.pacer.has_room(channel, sender=sender):
            return True
        self.saturated.add(lane)
        return False

    def closed(self, channel: Channel, *, senders: Iterable[str]) -> bool:
        """True when every lane the contact could use is saturated (checked before the facts)."""
        lanes = {self.pacer.lane(channel, sender=sender) for sender in senders}
        return bool(lanes) and lanes <= self.saturated


def possible_senders(caller_ids: CallerIds) -> list[str]:
    """Every number `choose.caller_id` may pick (local presence may pick any of them)."""
    return list(caller_ids.numbers) if caller_ids.local_presence else list(caller_ids.numbers[:1])


def open_steps(campaigns: Iterable[Campaign], pacer: Pacer) -> dict[int, list[int]]:
    """Of each campaign, the steps whose lane has a free slot now (any sender the step may use),
    and the steps with no channel (escalation): the claim takes their due debts first."""
    found: dict[int, list[int]] = {}
    room: dict[tuple[str, ...], bool] = {}
    for campaign in campaigns:
        definition = CampaignDefinition.model_validate(campaign.definition)
        senders = possible_senders(definition.caller_ids)
        indexes = []
        for index, step in enumerate(definition.steps):
            channel = step.channel
            if channel is None or any(
                _has_room(pacer, room, channel, sender) for sender in senders
            ):
                indexes.append(index)
        found[campaign.id] = indexes
    return found


def _has_room(
    pacer: Pacer, room: dict[tuple[str, ...], bool], channel: Channel, sender: str
) -> bool:
    lane = pacer.lane(channel, sender=sender)
    if lane not in room:
        room[lane] = pacer.has_room(channel, sender=sender)
    return room[lane]
