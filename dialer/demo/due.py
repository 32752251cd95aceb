"""How much of the configured call rate was used while calls were due: the demo's pacing share.

The share's denominator counts only the seconds in which call work was due: a second counts
when the case record showed a debt due now on a call step of an active campaign (nothing,
neither a block nor a person-level rule nor the hours, had moved its next contact later), or
when the provider's log shows a call created in it. The numerator is the calls the provider's
log shows created in those seconds. Seconds with nothing lawful to call (everyone due already
called, blocked or waiting for the person) are left out, so an idle lane with nothing to do
does not lower the share; a debt that is due but turns out blocked when evaluated is counted
as due until then, which can only lower it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from dialer.campaigns.definition import CampaignDefinition
from dialer.db.models import Campaign, Debt
from dialer.vocabulary import CampaignStatus, Channel


def call_steps(session: Session) -> dict[int, list[int]]:
    """Each active campaign's call step indexes (IVR and agent steps)."""
    found: dict[int, list[int]] = {}
    campaigns = session.scalars(
        select(Campaign).where(Campaign.status == CampaignStatus.ACTIVE.value)
    )
    for campaign in campaigns:
        definition = CampaignDefinition.model_validate(campaign.definition)
        indexes = [i for i, step in enumerate(definition.steps) if step.channel is Channel.CALL]
        if indexes:
            found[campaign.id] = indexes
    return found


def calls_due(session: Session, *, now: datetime, steps: dict[int, list[int]]) -> int:
    """How many debts are due for a call now (on a call step, next contact not later)."""
    if not steps:
        return 0
    on_call_step = or_(
        *(
            and_(Debt.campaign_id == campaign_id, Debt.step_index.in_(indexes))
            for campaign_id, indexes in steps.items()
        )
    )
    return int(
        session.scalar(
            select(func.count()).select_from(Debt).where(Debt.next_contact_at <= now, on_call_step)
        )
        or 0
    )


@dataclass(frozen=True)
class RateShare:
    """Calls created in the seconds when calls were due, against the rate over those seconds."""

    due_seconds: int
    calls: int
    cps: float

    @property
    def share(self) -> float:
        return self.calls / (self.cps * self.due_seconds) if self.due_seconds else 0.0


def rate_share(
    creates: Iterable[float], samples: Sequence[tuple[float, int]], *, cps: float
) -> RateShare:
    """`creates`: epoch seconds of the provider's call creates; `samples`: (epoch seconds, calls
    due) read from the record about once a second. A sample that found calls due counts every
    whole second up to the next sample (so a slow sampler never leaves due seconds out)."""
    per_second = Counter(math.floor(at) for at in creates)
    seconds = set(per_second) | _due_seconds(sorted(samples))
    return RateShare(due_seconds=len(seconds), calls=sum(per_second.values()), cps=cps)


def _due_seconds(ordered: list[tuple[float, int]]) -> set[int]:
    seconds: set[int] = set()
    for index, (at, due) in enumerate(ordered):
        if due <= 0:
            continue
        start = math.floor(at)
        following = ordered[index + 1][0] if index + 1 < len(ordered) else at + 1.0
        seconds.update(range(start, max(math.floor(following), start + 1)))
    return seconds
