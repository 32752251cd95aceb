"""Predictive agent steps in the simulator: each 5-minute step places free agents x the
pacer's ratio (dialer.predictive.pacing, the same code the worker runs); a person who answers
an agent-step call beyond the agents of that step is abandoned.

The simulator's agents take one call per step (its `agents` capacity), all free at each step's
start; the 30-day figures are the run's own (a run shorter than 30 days keeps all of them).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from dialer.predictive.pacing import RECENT, PacingOptions, PacingState, pace
from dialer.simulate.model import CallResult
from dialer.vocabulary import Outcome

LIVE = frozenset({Outcome.CONVERSATION, Outcome.WRONG_PARTY, Outcome.ABANDONED})


@dataclass
class Predictive:
    options: PacingOptions | None
    agents: int  # this shard's agents, each taking one call per step
    live_answered: int = 0
    abandoned: int = 0
    recent: deque[tuple[datetime, bool]] = field(default_factory=deque)
    bridged: int = 0  # this step's agent-step calls a person answered and an agent took
    placed: int = 0  # this step's agent-step calls

    def new_step(self, now: datetime) -> float:
        """The agent-step calls the pacer allows this step (its budget)."""
        while self.recent and self.recent[0][0] <= now - RECENT:
            self.recent.popleft()
        assert self.options is not None
        state = PacingState(
            free_agents=self.agents,
            waiting_calls=0,
            live_answered=self.live_answered,
            abandoned=self.abandoned,
            recent_calls=len(self.recent),
            recent_live=sum(live for _, live in self.recent),
        )
        self.bridged = self.placed = 0
        return float(pace(state, self.options).calls_to_place)

    def over_dialled(self) -> int:
        """Calls the step just ended placed beyond its agents (0 when it dialled progressively)."""
        return max(0, self.placed - self.agents)

    def answered(self, call: CallResult, *, now: datetime, agent_step: bool) -> CallResult:
        """Count a call of the campaign; a person answering an agent-step call with every agent
        of this step taken is abandoned (no conversation, nothing decided on the call)."""
        if self.options is None:
            return call
        live = call.outcome in LIVE
        if agent_step:
            self.placed += 1
            self.recent.append((now, live))
            if live and self.bridged >= self.agents:
                call = replace(
                    call,
                    outcome=Outcome.ABANDONED,
                    duration=min(call.duration, timedelta(seconds=30)),
                    promise=False,
                    dispute=False,
                    cease=False,
                )
            elif live:
                self.bridged += 1
        self.live_answered += live
        self.abandoned += call.outcome is Outcome.ABANDONED
        return call
