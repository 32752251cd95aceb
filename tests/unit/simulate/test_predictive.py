"""The simulator's predictive agent step: the pacer's budget per step, abandonment beyond it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dialer.predictive.pacing import PacingOptions
from dialer.simulate.model import CallResult
from dialer.simulate.predictive import Predictive
from dialer.vocabulary import Outcome

NOW = datetime(2026, 3, 17, 15, 0, tzinfo=UTC)
TALK = CallResult(Outcome.CONVERSATION, timedelta(minutes=4), promise=True)
NOBODY = CallResult(Outcome.NO_ANSWER, timedelta(seconds=30))


def test_a_new_campaign_places_one_call_per_agent() -> None:
    predictive = Predictive(options=PacingOptions(max_ratio=3.0), agents=4)
    assert predictive.new_step(NOW) == 4.0


def test_a_person_answering_beyond_the_steps_agents_is_abandoned() -> None:
    predictive = Predictive(options=PacingOptions(max_ratio=3.0), agents=2, live_answered=1000)
    predictive.new_step(NOW)
    results = [predictive.answered(TALK, now=NOW, agent_step=True) for _ in range(3)]
    assert [r.outcome for r in results] == [Outcome.CONVERSATION] * 2 + [Outcome.ABANDONED]
    assert not results[2].promise  # nothing was agreed on a call nobody took
    assert (predictive.live_answered, predictive.abandoned) == (1003, 1)
    assert predictive.over_dialled() == 1


def test_the_ratio_follows_the_last_hours_answer_rate_within_the_budget() -> None:
    predictive = Predictive(options=PacingOptions(max_ratio=3.0), agents=2, live_answered=1000)
    predictive.new_step(NOW)
    for _ in range(5):
        predictive.answered(TALK, now=NOW, agent_step=True)  # 2 bridged, 3 abandoned
    for _ in range(15):
        predictive.answered(NOBODY, now=NOW, agent_step=True)
    # 5 live of 20 (25 %): 2 x 3.0 (max_ratio), the budget (1005 x 3 % - 3) / 0.97 = 27 allows
    assert predictive.new_step(NOW + timedelta(minutes=5)) == 6.0
    # an hour later the sample is gone: progressive again, one call per agent
    assert predictive.new_step(NOW + timedelta(hours=1, minutes=5)) == 2.0
