"""One shard of a simulated campaign: a clock stepped through the days, cases visited when due.

Design (why 100,000 cases x 30 days take about a minute): no database, no polling. Each case
sits in a heap keyed by the next moment it needs attention (the planner's `decide`, or a block's
`next_allowed_at`). Each 5-minute step pops only the due cases, asks the planner what to do and
the engine (through the dispatcher's `choose_contact`) whether the contact is lawful then against
the case's last `HISTORY_DAYS` of history, draws an outcome from the seeded model, and pushes
the case back. Pacing is a per-step budget (calls/s x step, SMS/s, agents): a case over budget
waits in line for the next step, unevaluated.
"""

from __future__ import annotations

import heapq
import random
from collections import deque
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from dialer.campaigns import CampaignDefinition, PlanAction, Step, StepKind, decide
from dialer.campaigns.planner import LatestAttempt
from dialer.clock import FakeClock
from dialer.compliance import (
    AdminLimits,
    ConsumerFacts,
    Decision,
    HistoryEntry,
    ProposedContact,
    RulePacks,
)
from dialer.dispatch.blocks import NO_PHONE
from dialer.dispatch.choose import choose_contact
from dialer.simulate.facts_changes import opted_out, stop_reply, wrong_party
from dialer.simulate.figures import Figures
from dialer.simulate.model import CallResult, OutcomeModel, draw_call, draw_sms
from dialer.simulate.person import count_people
from dialer.simulate.population import SimCase
from dialer.simulate.predictive import Predictive
from dialer.simulate.shard_state import (
    STATUS_OF,
    AttemptRecord,
    Capacity,
    CaseState,
    ShardResult,
    recent_history,
)
from dialer.vocabulary import (
    Channel,
    ConsumerFlag,
    ContactMode,
    DebtStage,
    Outcome,
)

STEP = timedelta(minutes=5)
SMS_SECONDS = timedelta(seconds=5)  # from sending to the delivery receipt
STOP_DELAY = timedelta(minutes=1)  # from delivery to the consumer's STOP reply


class Shard:
    """Simulates the cases given to it; capacity is this shard's share of the account's."""

    def __init__(
        self,
        *,
        cases: list[SimCase],
        definition: CampaignDefinition,
        limits: AdminLimits,
        packs: RulePacks,
        model: OutcomeModel,
        capacity: Capacity,
        share: float,
        seed: int,
    ) -> None:
        self.cases, self.definition, self.limits, self.packs = cases, definition, limits, packs
        self.model, self.seed = model, seed
        seconds = STEP.total_seconds()
        self.budget_rates = {
            StepKind.IVR: capacity.calls_per_second * seconds * share,
            StepKind.SMS: capacity.sms_per_second * seconds * share,
            StepKind.AGENT: capacity.agents * share,
        }
        self.budget: dict[StepKind, float] = dict.fromkeys(self.budget_rates, 0.0)
        self.states = [CaseState() for _ in cases]
        self.figures = Figures(cases=len(cases))
        self.records: list[AttemptRecord] = []
        self.heap: list[tuple[float, int]] = []
        self.waiting: dict[StepKind, deque[int]] = {kind: deque() for kind in self.budget_rates}
        self.clock: FakeClock | None = None
        self.start: datetime | None = None
        self.predictive = Predictive(
            options=next((st.pacing for st in definition.steps if st.pacing), None),
            agents=max(round(capacity.agents * share), 0),
        )

    def run(self, *, start: datetime, days: int) -> ShardResult:
        self.clock, self.start = FakeClock(start), start
        self.heap = [(start.timestamp(), i) for i in range(len(self.cases))]
        heapq.heapify(self.heap)
        end = start + timedelta(days=days)
        while self.clock.now() < end:
            now = self.clock.now()
            call_budget = self.budget[StepKind.IVR]
            for kind, rate in self.budget_rates.items():
                self.budget[kind] = min(self.budget[kind], rate) + rate  # no hoarding
            if self.predictive.options is not None:  # agent calls: free agents x the ratio
                self.figures.over_dialled += self.predictive.over_dialled()
                self.budget[StepKind.AGENT] = self.predictive.new_step(now)
            self._drain_waiting(now)
            epoch = now.timestamp()
            while self.heap and self.heap[0][0] <= epoch:
                _, index = heapq.heappop(self.heap)
                self._visit(index, now)
            used = call_budget + self.budget_rates[StepKind.IVR] - self.budget[StepKind.IVR]
            hour = int((now - start).total_seconds() // 3600)
            self.figures.calls_per_hour[hour] += max(0, round(used))
            self.clock.advance(STEP)
        count_people(self.figures, self.cases, self.records)
        return ShardResult(self.figures, self.records)

    def _drain_waiting(self, now: datetime) -> None:
        """Cases that found no capacity earlier go first (FIFO), while capacity lasts."""
        for kind, queue in self.waiting.items():
            needs = (kind, StepKind.IVR) if kind is StepKind.AGENT else (kind,)
            while queue and all(self.budget[k] >= 1 for k in needs):
                self._visit(queue.popleft(), now)

    def _push(self, index: int, at: datetime) -> None:
        heapq.heappush(self.heap, (at.timestamp(), index))

    def _visit(self, index: int, now: datetime) -> None:
        case, state = self.cases[index], self.states[index]
        for _ in range(len(self.definition.steps) + 1):
            plan = decide(
                definition=self.definition,
                stage=case.stage,
                step_index=state.step_index,
                step_attempts=state.step_attempts,
                latest=state.latest,
                now=now,
            )
            if plan.action is PlanAction.ADVANCE:
                state.step_index, state.step_attempts = plan.step_index, 0
                if plan.at is not None and plan.at > now:
                    self._push(index, plan.at)
                    return
                continue
            if plan.action is PlanAction.WAIT and plan.at is not None:
                self._push(index, plan.at)
            elif plan.action is PlanAction.ESCALATE:
                case.stage = DebtStage.ESCALATED_AGENCY.value
                self.figures.escalations += 1
            elif plan.action is PlanAction.DONE:
                self.figures.finished += 1
            elif plan.action is PlanAction.CONTACT and plan.step is not None:
                self._contact(index, plan.step, now)
            return

    def _contact(self, index: int, step: Step, now: datetime) -> None:
        case = self.cases[index]
        channel = step.channel or Channel.CALL
        kinds = (step.kind, StepKind.IVR) if step.kind is StepKind.AGENT else (step.kind,)
        if any(self.budget[kind] < 1 for kind in kinds):
            self.figures.deferred_for_capacity += 1
            self.waiting[step.kind].append(index)  # no heap churn while capacity is spent
            return
        choice = choose_contact(
            case.facts,
            recent_history(case.history, now),
            channel=channel,
            at=now,
            debts=case.debts,
            limits=self.limits,
            packs=self.packs,
            sms_capable={},
        )
        self.figures.evaluations += 1
        if choice.phone is None or choice.decision is None:  # as the dispatcher: parked
            self.figures.stopped_by_rule[NO_PHONE] += 1
            return
        if not choice.decision.allowed:
            self._blocked(index, choice.decision)
            return
        for kind in kinds:
            self.budget[kind] -= 1
        proposed = ProposedContact(
            at=now,
            channel=channel,
            to=choice.phone.number,
            mode=ContactMode.AUTOMATED,
            debts=case.debts,  # one contact about every debt of the person, counted for each
        )
        self._place(index, proposed, choice.decision, agent_step=step.kind is StepKind.AGENT)

    def _blocked(self, index: int, decision: Decision) -> None:
        codes = decision.reason_codes
        self.figures.blocks.update(codes)
        if decision.next_allowed_at is None:
            self.figures.stopped_by_rule.update(codes[:1])
        else:
            self._push(index, decision.next_allowed_at)

    def _place(
        self, index: int, proposed: ProposedContact, decision: Decision, *, agent_step: bool
    ) -> None:
        case, state = self.cases[index], self.states[index]
        now = proposed.at
        if state.rng is None:
            # seeded by the consumer, not by the process or the order: the same consumer
            # answers the same way in every run with this seed (fair limit comparisons)
            state.rng = random.Random(self.seed * 1_000_003 + case.position)  # noqa: S311
        self._count_contact(decision, proposed)
        stop_at: datetime | None = None
        if proposed.channel is Channel.SMS:
            sms = draw_sms(self.model, state.rng)
            outcome, ended = sms.outcome, now + SMS_SECONDS
            stop_at = ended + STOP_DELAY if sms.stop_reply else None
        else:
            call = self.predictive.answered(
                draw_call(self.model, state.rng), now=now, agent_step=agent_step
            )
            outcome, ended = call.outcome, now + call.duration
            self._after_call(index, proposed.to, call, ended)
        self.records.append(AttemptRecord(index, now, proposed, ended))
        case.history.append(  # before the reply: the history stays in time order
            HistoryEntry(
                at=now,
                channel=proposed.channel,
                to=proposed.to,
                outcome=outcome.value,
                debts=proposed.debts,
            )
        )
        if stop_at is not None:
            self._opt_out(index, proposed.to, stop_at)
        self.figures.outcomes[outcome.value] += 1
        state.step_attempts += 1
        state.latest = LatestAttempt(state.step_index, STATUS_OF[outcome], outcome.value, ended)
        self._push(index, max(ended, now + STEP))

    def _count_contact(self, decision: Decision, proposed: ProposedContact) -> None:
        self.figures.attempts[proposed.channel.value] += 1
        if len(proposed.debts) > 1:
            self.figures.shared_contacts += 1
        if decision.candidate_zones:
            zone = decision.candidate_zones[0].zone
            self.figures.contacts_by_zone[zone] += 1
            self.figures.contacts_by_local_hour[proposed.at.astimezone(ZoneInfo(zone)).hour] += 1

    def _after_call(self, index: int, number: str, call: CallResult, ended: datetime) -> None:
        case, outcome = self.cases[index], call.outcome
        if outcome is Outcome.WRONG_PARTY:
            self._change(index, ended, wrong_party(case.facts, number))
        if outcome is not Outcome.CONVERSATION:
            return
        self.figures.right_party_contacts += 1
        if call.promise:
            self.figures.promises += 1
            case.stage = DebtStage.RESOLVED.value
        for happened, flag, counter in (
            (call.dispute, ConsumerFlag.DISPUTE_PENDING, "disputes"),
            (call.cease, ConsumerFlag.CEASE_COMMUNICATION, "cease_requests"),
        ):
            if happened:
                setattr(self.figures, counter, getattr(self.figures, counter) + 1)
                self._change(index, ended, replace(case.facts, flags=case.facts.flags | {flag}))

    def _opt_out(self, index: int, number: str, at: datetime) -> None:
        case = self.cases[index]
        self.figures.sms_opt_outs += 1
        case.history.append(stop_reply(number, at=at, debts=case.debts))
        self._change(index, at, opted_out(case.facts, number))

    def _change(self, index: int, at: datetime, facts: ConsumerFacts) -> None:
        """Record a change of the consumer's facts, keeping the old version for the re-audit."""
        case, state = self.cases[index], self.states[index]
        if not state.versions:
            state.versions.append((datetime.min.replace(tzinfo=at.tzinfo), case.facts))
        state.versions.append((at, facts))
        case.facts = facts
