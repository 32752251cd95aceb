"""The JSON API under /api/v1: cases, campaigns, limits and explanations (Bearer tokens)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from werkzeug.exceptions import BadRequest

from console.authz import api_requires, api_user
from console.context import now, packs, unit_of_work
from console.limits_editor import account_calls_per_second, check_against_law
from console.openapi import SPEC
from dialer.admin.accounts import Permission
from dialer.admin.contact_limits import save_limits
from dialer.admin.limits_preview import preview_limits
from dialer.admin.reports import DayBasis, GroupBy, ReportQuery, contact_report, report_row
from dialer.campaigns import list_campaigns, set_status
from dialer.cases.dispositions import DispositionCode, DispositionInput, record_disposition
from dialer.cases.page import (
    can_work_case,
    debt_by_ref,
    explain_text,
    find_cases,
    load_case_view,
)
from dialer.clients.access import allowed_clients
from dialer.db.ids import MAX_INTEGER, parse_record_id
from dialer.db.models import Campaign, ContactLimitVersion, Debt
from dialer.errors import InputError, NotFoundError
from dialer.vocabulary import CampaignStatus, Channel

bp = Blueprint("api", __name__)
MAX_AMOUNT = Decimal(10) ** 12


@bp.errorhandler(NotFoundError)
def _not_found(exc: NotFoundError) -> ResponseReturnValue:
    return jsonify(error="not_found", message=str(exc)), 404


@bp.errorhandler(InputError)
def _bad_input(exc: InputError) -> ResponseReturnValue:
    return jsonify(error=type(exc).__name__, message=str(exc)), 422


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    return jsonify(SPEC)


@bp.get("/me")
@api_requires(None)
def me() -> ResponseReturnValue:
    user = api_user()
    return jsonify(username=user.username, role=user.role, language=user.language)


@bp.get("/cases")
@api_requires(Permission.ALL_CASES)
def cases() -> ResponseReturnValue:
    with unit_of_work() as db:
        found = find_cases(
            db, query=request.args.get("q", ""), client_ids=allowed_clients(db, api_user().id)
        )
        return jsonify(cases=[_case_row(d) for d in found])


@bp.get("/cases/<ref>")
@api_requires(Permission.WORK_CASES)
def case(ref: str) -> ResponseReturnValue:
    with unit_of_work() as db:
        debt = _workable(db, ref)
        view = load_case_view(db, debt_id=debt.id, now=now(), packs=packs())
        return jsonify(
            case=_case_row(debt),
            consumer={
                "ref": view.consumer.external_ref,
                "first_name": view.consumer.first_name,
                "last_name": view.consumer.last_name,
                "country": view.consumer.country,
                "state": view.consumer.state,
                "language": view.consumer.language,
            },
            flags=[
                {"flag": f.flag, "debt_id": f.debt_id, "since": _iso(f.learned_at)}
                for f in view.flags
            ],
            promises=[
                {
                    "amount": str(p.amount),
                    "currency": p.currency,
                    "due_date": p.due_date.isoformat(),
                    "status": p.status,
                }
                for p in view.promises
            ],
            dispositions=[
                {
                    "code": d.code,
                    "at": _iso(d.created_at),
                    "notes": d.notes,
                    "callback_at": _iso(d.callback_at),
                }
                for d in view.dispositions
            ],
            timeline=[
                {"at": _iso(e.at), "kind": e.kind, "summary": e.summary, "actor": e.actor}
                for e in view.timeline
            ],
        )


@bp.get("/cases/<ref>/explanation")
@api_requires(Permission.WORK_CASES)
def explanation(ref: str) -> ResponseReturnValue:
    with unit_of_work() as db:
        debt = _workable(db, ref)
        answers = {}
        for channel in (Channel.CALL, Channel.SMS):
            decision, text = explain_text(db, debt=debt, channel=channel, now=now(), packs=packs())
            answers[channel.value] = {
                "decision": None if decision is None else decision.to_dict(),
                "text": text,
            }
        return jsonify(case=debt.external_ref, at=_iso(now()), **answers)


@bp.post("/cases/<ref>/dispositions")
@api_requires(Permission.WORK_CASES)
def disposition(ref: str) -> ResponseReturnValue:
    body = _json_object()
    entry = _disposition_input(body)
    attempt_id = _optional_id(body, "attempt_id")
    user = api_user()
    with unit_of_work() as db:
        debt = _workable(db, ref)
        recorded = record_disposition(
            db,
            debt_id=debt.id,
            entry=entry,
            now=now(),
            actor=user.username,
            agent_id=user.id,
            packs=packs(),
            attempt_id=attempt_id,
        )
        return jsonify(id=recorded.disposition.id, summary=recorded.summary), 201


@bp.get("/campaigns")
@api_requires(Permission.RUN_CAMPAIGNS)
def campaigns() -> ResponseReturnValue:
    with unit_of_work() as db:
        return jsonify(
            campaigns=[
                {"id": c.id, "name": c.name, "status": c.status, "version": c.version}
                for c in list_campaigns(db)
            ]
        )


@bp.post("/campaigns/<int:campaign_id>/pause")
@api_requires(Permission.RUN_CAMPAIGNS)
def pause(campaign_id: int) -> ResponseReturnValue:
    return _move(campaign_id, CampaignStatus.PAUSED)


@bp.post("/campaigns/<int:campaign_id>/resume")
@api_requires(Permission.RUN_CAMPAIGNS)
def resume(campaign_id: int) -> ResponseReturnValue:
    return _move(campaign_id, CampaignStatus.ACTIVE)


@bp.get("/reports/contacts")
@api_requires(Permission.DASHBOARD)
def contacts_report() -> ResponseReturnValue:
    """The contact report over days in `zone`, or by each consumer's own day (days=consumer)."""
    args = request.args
    try:
        query = ReportQuery(
            start=date.fromisoformat(args.get("start", "")),
            end=date.fromisoformat(args.get("end", "")),
            zone=ZoneInfo(args.get("zone", "UTC")),
            group_by=GroupBy(args.get("group_by", GroupBy.CAMPAIGN.value)),
            days=DayBasis(args.get("days", DayBasis.OPERATOR.value)),
        )
    except (ValueError, KeyError) as exc:  # a bad day, zone or choice
        raise InputError(f"start, end (YYYY-MM-DD), zone, group_by, days: {exc}") from None
    with unit_of_work() as db:
        report = contact_report(db, replace(query, client_ids=allowed_clients(db, api_user().id)))
    return jsonify(
        days=query.days.value,
        rows=[report_row(r) for r in report.rows],
        total=report_row(report.total),
        blocks_by_reason=dict(report.blocks_by_reason.most_common()),
    )


@bp.get("/limits")
@api_requires(Permission.LIMITS)
def limits() -> ResponseReturnValue:
    with unit_of_work() as db:
        rows = db.scalars(
            select(ContactLimitVersion).order_by(
                ContactLimitVersion.scope,
                ContactLimitVersion.scope_key,
                ContactLimitVersion.version.desc(),
            )
        )
        latest: dict[tuple[str, str], dict[str, Any]] = {}
        for row in rows:
            latest.setdefault(
                (row.scope, row.scope_key),
                {
                    "scope": row.scope,
                    "scope_key": row.scope_key,
                    "version": row.version,
                    "limits": row.limits,
                    "created_at": _iso(row.created_at),
                    "created_by": row.created_by,
                    "reason": row.reason,
                },
            )
        return jsonify(limits=list(latest.values()))


@bp.post("/limits")
@api_requires(Permission.LIMITS)
def save() -> ResponseReturnValue:
    scope, key, proposed, reason = _limits_body()
    check_against_law(proposed, scope=scope, scope_key=key)
    with unit_of_work() as db:
        version = save_limits(
            db,
            scope=scope,
            scope_key=key,
            limits=proposed,
            actor=api_user().username,
            reason=reason,
            packs=packs(),
            now=now(),
            account_calls_per_second=account_calls_per_second(),
        )
        return jsonify(
            scope=scope, scope_key=key, version=version.version, limits=version.limits
        ), 201


@bp.post("/limits/preview")
@api_requires(Permission.LIMITS)
def preview() -> ResponseReturnValue:
    scope, key, proposed, _ = _limits_body()
    check_against_law(proposed, scope=scope, scope_key=key)
    with unit_of_work() as db:
        result = preview_limits(
            db, scope=scope, scope_key=key, proposed=proposed, now=now(), packs=packs()
        )
    return jsonify(result.to_dict())


def _move(campaign_id: int, status: CampaignStatus) -> ResponseReturnValue:
    with unit_of_work() as db:
        campaign = db.get(Campaign, campaign_id)
        if campaign is None:
            raise NotFoundError(f"no campaign with id {campaign_id}")
        set_status(db, campaign.name, status, now=now(), actor=api_user().username)
        return jsonify(id=campaign.id, name=campaign.name, status=campaign.status)


def _workable(db: Any, ref: str) -> Debt:  # noqa: ANN401
    debt = debt_by_ref(db, ref)
    user = api_user()
    if not can_work_case(db, user_id=user.id, role=user.role, debt_id=debt.id):
        raise NotFoundError(f"no case with reference {ref!r}")  # do not reveal it exists
    return debt


def _json_object() -> dict[str, Any]:
    """The request's JSON object; malformed JSON is a 400 and anything else a 422, each with
    the reason (never a 500 further down)."""
    if not request.is_json:
        raise InputError("send a JSON object with Content-Type: application/json")
    try:
        body = json.loads(request.get_data(cache=True))
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise BadRequest(f"the body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise InputError(f"the body must be a JSON object, not {type(body).__name__}")
    return body


def _optional_id(body: dict[str, Any], key: str) -> int | None:
    value = body.get(key)
    if value is None:
        return None
    found = parse_record_id(value)
    if found is None:
        raise InputError(f"{key} must be a record id (1 to {MAX_INTEGER}), got {value!r}"[:200])
    return found


def _optional_text(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise InputError(f"{key} must be text")
    return value


def _limits_body() -> tuple[str, str, dict[str, Any], str | None]:
    body = _json_object()
    if not isinstance(body.get("limits"), dict):
        raise InputError('send {"scope": ..., "scope_key": ..., "limits": {...}, "reason": ...}')
    return (
        str(body.get("scope", "global")),
        str(body.get("scope_key", "")).upper(),
        body["limits"],
        _optional_text(body, "reason"),
    )


def _disposition_input(body: dict[str, Any]) -> DispositionInput:
    try:
        code = DispositionCode(str(body.get("code")))
        amount = Decimal(str(body["amount"])) if body.get("amount") is not None else None
        promised = date.fromisoformat(body["promised_date"]) if body.get("promised_date") else None
        callback = (
            datetime.fromisoformat(body["callback_local"]) if body.get("callback_local") else None
        )
    except (ValueError, InvalidOperation, TypeError) as exc:
        raise InputError(f"bad disposition: {exc}") from None
    if amount is not None and (not amount.is_finite() or abs(amount) >= MAX_AMOUNT):
        raise InputError(f"amount must be a number below {MAX_AMOUNT}")
    if callback is not None and callback.tzinfo is not None:
        raise InputError("callback_local is the consumer's local wall-clock time, no offset")
    notes = body.get("notes")
    if notes is not None and not isinstance(notes, str):
        raise InputError("notes must be text")
    return DispositionInput(
        code=code,
        notes=notes,
        amount=amount,
        promised_date=promised,
        callback_local=callback,
    )


def _case_row(debt: Debt) -> dict[str, Any]:
    return {
        "ref": debt.external_ref,
        "id": debt.id,
        "creditor": debt.creditor,
        "balance": str(debt.balance),
        "currency": debt.currency,
        "stage": debt.stage,
        "jurisdiction": debt.jurisdiction,
        "next_contact_at": _iso(debt.next_contact_at),
        "why_not_now": debt.last_decision,
    }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")
