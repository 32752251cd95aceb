"""The OpenAPI 3 description of /api/v1 (a test checks that every route is documented)."""

from __future__ import annotations

from typing import Any

_ERROR = {"$ref": "#/components/schemas/Error"}
_OBJECT: dict[str, Any] = {"type": "object"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _op(
    summary: str,
    *,
    ok: str = "200",
    body: dict[str, Any] | None = None,
    params: list[dict[str, Any]] | None = None,
    public: bool = False,
) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "responses": {ok: _json(_OBJECT, "OK")}}
    if not public:
        op["responses"].update(
            {
                "401": _json(_ERROR, "missing or invalid token"),
                "403": _json(_ERROR, "the token's role may not do this"),
            }
        )
    else:
        op["security"] = []
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
        op["responses"]["422"] = _json(_ERROR, "refused: the message says why")
    if params:
        op["parameters"] = params
        op["responses"]["404"] = _json(_ERROR, "not found")
    return op


_REF = {
    "name": "ref",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "the case (debt) reference",
}
_CAMPAIGN = {"name": "campaign_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_LIMITS_BODY = {
    "type": "object",
    "required": ["limits"],
    "properties": {
        "scope": {"type": "string", "enum": ["global", "state", "campaign"]},
        "scope_key": {"type": "string", "description": "state code (US-MA) or campaign id"},
        "reason": {"type": "string"},
        "limits": {
            "type": "object",
            "properties": {
                "call_hours": {"$ref": "#/components/schemas/Hours"},
                "sms_hours": {"$ref": "#/components/schemas/Hours"},
                "max_calls_per_day": {"type": "integer", "minimum": 0},
                "max_calls_per_week": {"type": "integer", "minimum": 0},
                "max_sms_per_day": {"type": "integer", "minimum": 0},
                "max_sms_per_week": {"type": "integer", "minimum": 0},
                "no_contact_on_holidays": {"type": "boolean"},
                "min_minutes_between_contacts": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "person level: any two automated contacts with a person at "
                    "least this many minutes apart; never below the deployment's default (240)",
                },
                "person_lockout_after_conversation": {
                    "type": "boolean",
                    "description": "a conversation about any debt locks automated calls about "
                    "all of the person's debts for 7 days; on by default, cannot be switched off",
                },
                "calls_per_second": {
                    "type": "number",
                    "minimum": 0,
                    "exclusiveMinimum": True,
                    "description": "global scope only: lowers the account's call rate; at "
                    "most DIALER_CALLS_PER_SECOND (refused above it); applies from the next tick",
                },
                "max_concurrent_calls": {
                    "type": "integer",
                    "minimum": 1,
                    "description": "global scope only: calls in progress at once at most",
                },
            },
        },
    },
}
_DISPOSITION_BODY = {
    "type": "object",
    "required": ["code"],
    "properties": {
        "code": {
            "type": "string",
            "enum": [
                "promise_to_pay",
                "paid",
                "dispute",
                "wrong_number",
                "callback",
                "cease_request",
                "no_calls_at_work",
                "refused",
                "note",
            ],
        },
        "amount": {"type": "string", "description": "promise to pay: amount"},
        "promised_date": {"type": "string", "format": "date"},
        "callback_local": {
            "type": "string",
            "description": "consumer's local time, e.g. 2026-03-18T10:00",
        },
        "attempt_id": {"type": "integer"},
        "notes": {"type": "string"},
    },
}

SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {
        "title": "Dialer console API",
        "version": "1.0.0",
        "description": "Cases, campaigns, contact limits and explanations. Authenticate "
        "with `Authorization: Bearer <token>` (`dialer users token NAME`).",
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Error": {
                "type": "object",
                "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
            },
            "Hours": {
                "type": "object",
                "required": ["start", "end"],
                "properties": {
                    "start": {"type": "string", "example": "09:00"},
                    "end": {"type": "string", "example": "20:00"},
                },
            },
        },
    },
    "paths": {
        "/openapi.json": {"get": _op("This document", public=True)},
        "/me": {"get": _op("The token's user and role")},
        "/cases": {
            "get": _op(
                "Search cases by reference, name or phone (supervisor, admin)",
                params=[{"name": "q", "in": "query", "schema": {"type": "string"}}],
            )
        },
        "/cases/{ref}": {
            "get": _op("A case: consumer, flags, promises, dispositions, timeline", params=[_REF])
        },
        "/cases/{ref}/explanation": {
            "get": _op(
                "Why not now: the engine's decision for a call now, with reasons", params=[_REF]
            )
        },
        "/cases/{ref}/dispositions": {
            "post": _op("Record a disposition", ok="201", body=_DISPOSITION_BODY, params=[_REF])
        },
        "/campaigns": {"get": _op("Campaigns (supervisor, admin)")},
        "/campaigns/{campaign_id}/pause": {"post": _op("Pause a campaign", params=[_CAMPAIGN])},
        "/campaigns/{campaign_id}/resume": {"post": _op("Resume a campaign", params=[_CAMPAIGN])},
        "/reports/contacts": {
            "get": _op(
                "Contact report over days start..end (supervisor, admin): days=operator counts "
                "them in `zone`, days=consumer on each consumer's own local day",
                params=[
                    {"name": n, "in": "query", "schema": {"type": "string"}}
                    for n in ("start", "end", "zone", "group_by", "days")
                ],
            )
        },
        "/limits": {
            "get": _op("The contact limits in force per scope (admin)"),
            "post": _op(
                "Save a new version of a scope's limits (admin); refused when looser than the law",
                ok="201",
                body=_LIMITS_BODY,
            ),
        },
        "/limits/preview": {
            "post": _op(
                "How many due debts the proposed limits would block "
                "now, versus the current ones (admin)",
                body=_LIMITS_BODY,
            )
        },
    },
}
