"""The JSON API: Bearer tokens, role checks, and an OpenAPI document that covers every route."""

from __future__ import annotations

import re

from flask import Flask

from console.openapi import SPEC
from dialer.admin.accounts import issue_api_token
from dialer.admin.contact_limits import current_pacing
from dialer.bootstrap import Services
from dialer.db.engine import transaction
from dialer.db.models import ContactLimitVersion, User
from dialer.pacing import PacingLimits
from tests.integration.console.seed import Seeded


def token_for(services: Services, user_id: int) -> dict[str, str]:
    with transaction(services.sessions) as session:
        token = issue_api_token(session, user_id=user_id, now=services.clock.now(), actor="test")
        stored = session.get(User, user_id)
        assert stored is not None
        assert token not in (stored.api_token_hash or "")
    return {"Authorization": f"Bearer {token}"}


def test_no_token_is_401_and_a_wrong_role_is_403(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    client = app.test_client()
    assert client.get("/api/v1/cases?q=ada").status_code == 401
    assert (
        client.get("/api/v1/cases?q=ada", headers={"Authorization": "Bearer dlr_wrong"}).status_code
        == 401
    )
    agent = token_for(services, seeded.agent_id)
    assert client.get("/api/v1/limits", headers=agent).status_code == 403
    assert client.get("/api/v1/cases?q=ada", headers=agent).status_code == 403


def test_a_supervisor_searches_cases_and_reads_the_explanation(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    client = app.test_client()
    headers = token_for(services, seeded.supervisor_id)
    found = client.get("/api/v1/cases?q=lovelace", headers=headers).json
    assert [c["ref"] for c in found["cases"]] == ["D-1001", "D-1002"]
    explained = client.get("/api/v1/cases/D-1001/explanation", headers=headers).json
    assert explained["call"]["decision"]["decision"] == "allow"
    assert explained["sms"]["decision"]["decision"] in {"allow", "block"}


def test_an_admin_saves_limits_and_a_loose_limit_is_refused(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    client = app.test_client()
    headers = token_for(services, seeded.admin_id)
    loose = client.post(
        "/api/v1/limits",
        headers=headers,
        json={"scope": "global", "limits": {"call_hours": {"start": "07:00", "end": "20:00"}}},
    )
    assert loose.status_code == 422
    assert "07:00" in loose.json["message"]
    assert "rule" in loose.json["message"]
    saved = client.post(
        "/api/v1/limits",
        headers=headers,
        json={"scope": "global", "limits": {"max_calls_per_day": 1}, "reason": "fewer calls"},
    )
    assert saved.status_code == 201
    listed = client.get("/api/v1/limits", headers=headers).json["limits"]
    assert listed[0]["limits"] == {"max_calls_per_day": 1}
    with transaction(services.sessions) as session:
        assert session.query(ContactLimitVersion).count() == 1


def test_a_disposition_through_the_api(app: Flask, services: Services, seeded: Seeded) -> None:
    client = app.test_client()
    headers = token_for(services, seeded.supervisor_id)
    response = client.post(
        "/api/v1/cases/D-1002/dispositions",
        headers=headers,
        json={"code": "promise_to_pay", "amount": "50", "promised_date": "2026-03-20"},
    )
    assert response.status_code == 201
    timeline = client.get("/api/v1/cases/D-1002", headers=headers).json["timeline"]
    assert timeline[0]["summary"] == "Promise to pay USD 50.00 by 2026-03-20"


def test_every_api_route_is_in_the_openapi_document(app: Flask, seeded: Seeded) -> None:
    documented = {(path, method.upper()) for path, item in SPEC["paths"].items() for method in item}
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            served |= {(path, m) for m in rule.methods or () if m not in {"HEAD", "OPTIONS"}}
    assert served == documented
    assert app.test_client().get("/api/v1/openapi.json").json["openapi"].startswith("3.")


def test_the_api_saves_pacing_limits_and_refuses_them_out_of_bounds(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    client = app.test_client()
    headers = token_for(services, seeded.admin_id)
    account = services.settings.calls_per_second
    above = client.post(
        "/api/v1/limits",
        headers=headers,
        json={"scope": "global", "limits": {"calls_per_second": account + 4}},
    )
    assert above.status_code == 422
    assert f"{account + 4:g}" in above.json["message"]
    assert f"limit of {account:g}" in above.json["message"]
    in_state = client.post(
        "/api/v1/limits",
        headers=headers,
        json={"scope": "state", "scope_key": "US-MA", "limits": {"max_concurrent_calls": 2}},
    )
    assert in_state.status_code == 422
    assert "global scope" in in_state.json["message"]
    lower = {"calls_per_second": account / 2, "max_concurrent_calls": 2}
    preview = client.post(
        "/api/v1/limits/preview", headers=headers, json={"scope": "global", "limits": lower}
    )
    assert preview.status_code == 200
    saved = client.post(
        "/api/v1/limits",
        headers=headers,
        json={"scope": "global", "limits": lower, "reason": "carrier asked"},
    )
    assert saved.status_code == 201
    assert saved.json["limits"] == lower
    with transaction(services.sessions) as session:
        assert current_pacing(session) == PacingLimits(account / 2, 2)
    documented = SPEC["paths"]["/limits"]["post"]["requestBody"]["content"]["application/json"]
    properties = documented["schema"]["properties"]["limits"]["properties"]
    assert properties["calls_per_second"]["type"] == "number"
    assert properties["max_concurrent_calls"]["minimum"] == 1
