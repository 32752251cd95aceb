"""The planner's pure decision: retry by outcome, attempt caps, advance, escalate, stop."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dialer.campaigns.definition import CampaignDefinition
from dialer.campaigns.planner import LatestAttempt, PlanAction, decide

NOW = datetime(2026, 3, 17, 15, 0, tzinfo=UTC)
DEFINITION = CampaignDefinition.model_validate(
    {
        "name": "c",
        "caller_ids": {"numbers": ["+16175550100"]},
        "steps": [
            {
                "kind": "sms",
                "template": "reminder_friendly",
                "max_attempts": 2,
                "retry": {"failed": "1h"},
                "next_step_after": "2d",
            },
            {
                "kind": "ivr",
                "script": "reminder_ivr",
                "max_attempts": 3,
                "retry": {"no_answer": "4h", "busy": "30m", "voicemail": "advance"},
            },
            {"kind": "escalate", "escalate_to": "legal"},
        ],
    }
)


def plan(step_index=0, step_attempts=0, latest=None, stage="new", now=NOW):
    return decide(
        definition=DEFINITION,
        stage=stage,
        step_index=step_index,
        step_attempts=step_attempts,
        latest=latest,
        now=now,
    )


def ended(outcome, *, step=1, status="completed", ago=timedelta(0)):
    return LatestAttempt(step_index=step, status=status, outcome=outcome, ended_at=NOW - ago)


def test_a_new_enrolment_contacts_on_the_first_step():
    result = plan()
    assert (result.action, result.step_index, result.step.kind) == (PlanAction.CONTACT, 0, "sms")


def test_retry_waits_for_the_outcome_delay_then_contacts():
    assert plan(1, 1, ended("busy")).at == NOW + timedelta(minutes=30)
    assert plan(1, 1, ended("busy")).action is PlanAction.WAIT
    assert plan(1, 1, ended("no_answer", ago=timedelta(hours=4))).action is PlanAction.CONTACT


def test_the_attempt_cap_advances_the_step():
    result = plan(1, 3, ended("no_answer"))
    assert (result.action, result.step_index, result.step.kind) == (
        PlanAction.ADVANCE,
        2,
        "escalate",
    )
    assert result.at == NOW + timedelta(days=1)  # the default wait before the next step


def test_an_advance_outcome_or_a_success_moves_on():
    assert plan(1, 1, ended("voicemail")).action is PlanAction.ADVANCE
    assert plan(1, 1, ended("conversation")).action is PlanAction.ADVANCE


def test_status_without_outcome_counts_by_status():
    not_placed = LatestAttempt(step_index=0, status="not_placed", outcome=None, ended_at=NOW)
    assert plan(0, 1, not_placed).at == NOW + timedelta(hours=1)


def test_in_flight_attempt_is_left_to_the_webhooks():
    running = LatestAttempt(step_index=1, status="ringing", outcome=None, ended_at=NOW)
    assert plan(1, 1, running).action is PlanAction.IN_FLIGHT


def test_a_new_step_waits_after_the_previous_one_ended():
    result = plan(1, 0, ended("delivered", step=0))
    assert (result.action, result.at) == (PlanAction.WAIT, NOW + timedelta(days=2))
    later = plan(1, 0, ended("delivered", step=0), now=NOW + timedelta(days=2))
    assert later.action is PlanAction.CONTACT


def test_escalation_and_closed_stages():
    assert plan(2).action is PlanAction.ESCALATE
    assert plan(0, stage="resolved").action is PlanAction.STOP
    assert plan(3).action is PlanAction.DONE


def test_an_abandoned_call_retries_the_step_instead_of_escalating():
    """The consumer asked for an agent and got none: our failure, not theirs. Even with the
    step's attempts used up, the step is tried again (4 h later), at most three extra times."""
    waiting = plan(1, 3, ended("abandoned"))
    assert (waiting.action, waiting.step_index, waiting.at) == (
        PlanAction.WAIT,
        1,
        NOW + timedelta(hours=4),
    )
    assert plan(1, 3, ended("abandoned", ago=timedelta(hours=4))).action is PlanAction.CONTACT
    exhausted = plan(1, 6, ended("abandoned"))
    assert (exhausted.action, exhausted.step.kind) == (PlanAction.ADVANCE, "escalate")
