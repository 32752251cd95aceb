"""What the consumer's keypad choices change in the case record."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from dialer.callbacks.case import CaseView
from dialer.callbacks.disputes import dispute_debt
from dialer.cases.contact_check import consumer_zone
from dialer.cases.record import add_case_event
from dialer.suppression.numbers import add_opt_out, mark_wrong_number
from dialer.vocabulary import Channel, Outcome

IVR = "ivr"


def _event(
    view: CaseView,
    session: Session,
    *,
    kind: str,
    summary: str,
    now: datetime,
    detail: dict[str, object] | None = None,
) -> None:
    add_case_event(
        session,
        consumer_id=view.consumer.id,
        debt_id=view.attempt.debt_id,
        attempt_id=view.attempt.id,
        at=now,
        kind=kind,
        summary=summary,
        detail=dict(detail or {}),
        actor=IVR,
    )


def confirm_identity(session: Session, view: CaseView, *, now: datetime) -> None:
    if not view.attempt.identity_confirmed:
        view.attempt.identity_confirmed = True
        _event(
            view,
            session,
            kind="identity_confirmed",
            now=now,
            summary="Consumer confirmed their identity on the call",
        )


def wrong_party(session: Session, view: CaseView, *, now: datetime) -> None:
    """The person who answered is not the consumer: no more calls to this number for them."""
    view.attempt.outcome = Outcome.WRONG_PARTY.value
    if view.phone is not None:
        mark_wrong_number(
            session,
            view.phone,
            source=IVR,
            reason="IVR: the person who answered is not the consumer",
            now=now,
        )
    _event(
        view,
        session,
        kind="wrong_party",
        now=now,
        summary="The person who answered said they are not the consumer",
    )


def record_dispute(session: Session, view: CaseView, *, now: datetime) -> None:
    """'This is not my debt': dispute flag on the debt, and contact about it paused."""
    dispute_debt(
        session,
        consumer_id=view.consumer.id,
        debt=view.debt,
        source=IVR,
        detail={"attempt_id": view.attempt.id},
        now=now,
    )
    _event(
        view,
        session,
        kind="dispute",
        now=now,
        summary="Consumer said this is not their debt: dispute recorded, contact paused",
    )


def opt_out_of_calls(session: Session, view: CaseView, *, now: datetime) -> None:
    """'Stop calling this number': a call opt-out on the number."""
    phone = view.phone
    if phone is not None:
        add_opt_out(
            session,
            phone_id=phone.id,
            channel=Channel.CALL,
            source=IVR,
            detail="pressed 4 in the call menu",
            now=now,
        )
    _event(
        view,
        session,
        kind="opt_out",
        now=now,
        detail={"channel": Channel.CALL.value},
        summary="Consumer asked for no more calls to this number",
    )


# Where each IVR window starts, in the consumer's local time (inside every pack's call hours).
WINDOW_STARTS = {"morning": time(9, 0), "afternoon": time(13, 0), "evening": time(18, 0)}
CALLBACK_LEAD = timedelta(minutes=30)  # a window starting sooner than this: the next day's


def callback_time(window: str, *, zone: ZoneInfo, now: datetime) -> datetime | None:
    """The next start of `window` in the consumer's zone, at least CALLBACK_LEAD from now."""
    start = WINDOW_STARTS.get(window)
    if start is None:
        return None
    local = now.astimezone(zone)
    for days in range(3):
        day = local.date() + timedelta(days=days)
        moment = datetime.combine(day, start, tzinfo=zone).astimezone(UTC)
        if moment >= now + CALLBACK_LEAD:
            return moment
    return None


def request_callback(
    session: Session,
    view: CaseView,
    *,
    window: str,
    now: datetime,
    at: datetime | None = None,
    moved: tuple[datetime, str] | None = None,
) -> None:
    """The consumer chose when to be called back: the time (`at`, by default the window's next
    start) is recorded on the call and the debt, and the planner schedules exactly that call
    then (it is checked again when due). `moved`: the time they chose and why it was not
    lawful, when `at` is the next lawful time instead."""
    view.attempt.callback_requested = True
    if at is None:
        zone = consumer_zone(session, consumer_id=view.consumer.id)
        at = callback_time(window, zone=zone, now=now)
    view.attempt.callback_at = at
    if view.debt is not None and at is not None:
        view.debt.callback_at = at
    when = f" at {_utc(at)}" if at is not None else ""
    if moved is not None:
        when = f" at {_utc(moved[0])}, not lawful then ({moved[1]}): scheduled{when} instead"
    _event(
        view,
        session,
        kind="callback_requested",
        now=now,
        detail={
            "window": window,
            "callback_at": at.isoformat() if at else None,
            "chosen_at": moved[0].isoformat() if moved else None,
        },
        summary=(
            f"Consumer asked to be called back ({window}){when}"
            if window
            else "Consumer left a message asking to be called back"
        ),
    )


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def agent_unavailable(
    session: Session, view: CaseView, *, now: datetime, why: str = "none was available"
) -> None:
    """The consumer asked for an agent and got none: an abandoned call, not a conversation
    (no lockout, no right-party contact, no escalation). They hear who we are and are offered
    a call back; only a time they choose is a callback request."""
    view.attempt.outcome = Outcome.ABANDONED.value
    _event(
        view,
        session,
        kind="agent_unavailable",
        now=now,
        detail={"outcome": Outcome.ABANDONED.value},
        summary=f"Consumer asked for an agent; {why}: call abandoned, callback offered",
    )


def agent_reserved(session: Session, view: CaseView, *, agent_id: int, now: datetime) -> None:
    view.attempt.agent_id = agent_id
    _event(
        view,
        session,
        kind="agent_bridging",
        now=now,
        detail={"agent_id": agent_id},
        summary="Bridging the consumer to an agent",
    )


def voicemail_left(session: Session, view: CaseView, *, now: datetime) -> None:
    _event(
        view,
        session,
        kind="voicemail",
        now=now,
        summary="Answering machine: limited-content message left",
        detail={"answered_by": view.attempt.answered_by},
    )


def agent_answered(session: Session, view: CaseView, *, now: datetime) -> None:
    _event(
        view,
        session,
        kind="agent_answered",
        now=now,
        detail={"agent_id": view.attempt.agent_id},
        summary="Agent answered the bridged call",
    )


def consumer_leg_ended(
    session: Session, view: CaseView, *, outcome: Outcome, now: datetime
) -> None:
    """The consumer's leg of a call the agent answered first has ended."""
    _event(
        view,
        session,
        kind="consumer_leg",
        now=now,
        detail={"outcome": outcome.value, "agent_id": view.attempt.agent_id},
        summary=f"Consumer's leg of the agent's call ended: {outcome.value}",
    )
