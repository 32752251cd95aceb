"""Attack: malformed JSON, wrong types and out-of-range ids sent to the API and the console.
Each gets a 4xx that says what is wrong, and nothing is recorded: never a 500."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from dialer.bootstrap import Services
from dialer.db.models import Disposition
from tests.integration.console.conftest import USERNAMES, form_post, login
from tests.integration.console.seed import Seeded
from tests.integration.console.test_api import token_for

CASE = "/api/v1/cases/D-1002/dispositions"
BAD_BODIES = [
    ('{"code": "promise_to_pay", ', 400, "not valid JSON"),
    ('["promise_to_pay"]', 422, "JSON object"),
    ('"promise_to_pay"', 422, "JSON object"),
    ('{"code": "note", "attempt_id": 99999999999}', 422, "attempt_id"),
    ('{"code": "note", "attempt_id": "abc"}', 422, "attempt_id"),
    ('{"code": "note", "attempt_id": true}', 422, "attempt_id"),
    ('{"code": "note", "notes": {"a": 1}}', 422, "notes"),
    (
        '{"code": "promise_to_pay", "amount": "1e999999", "promised_date": "2026-03-20"}',
        422,
        "amount",
    ),
    ('{"code": "promise_to_pay", "amount": "NaN", "promised_date": "2026-03-20"}', 422, "amount"),
    ("\xff\xfe not utf-8", 400, "not valid JSON"),
    ("[" * 5000, 400, "not valid JSON"),
]


def _dispositions(services: Services) -> int:
    with services.sessions() as session:
        return session.scalar(select(func.count()).select_from(Disposition)) or 0


@pytest.mark.parametrize(("body", "status", "says"), BAD_BODIES)
def test_a_malformed_disposition_is_refused_with_its_reason(
    app: Flask, services: Services, seeded: Seeded, body: str, status: int, says: str
) -> None:
    headers = {**token_for(services, seeded.supervisor_id), "Content-Type": "application/json"}
    response = app.test_client().post(CASE, headers=headers, data=body.encode("latin-1"))
    assert response.status_code == status, response.text
    assert says in response.json["message"]
    assert _dispositions(services) == 0


@pytest.mark.parametrize("body", ["{", "[]", '{"limits": {}, "reason": 12}', '{"limits": [1]}'])
def test_malformed_limits_are_refused_with_a_message(
    app: Flask, services: Services, seeded: Seeded, body: str
) -> None:
    headers = {**token_for(services, seeded.admin_id), "Content-Type": "application/json"}
    for path in ("/api/v1/limits", "/api/v1/limits/preview"):
        response = app.test_client().post(path, headers=headers, data=body)
        assert response.status_code in (400, 422), (path, response.text)
        assert response.json["message"]


def test_an_out_of_range_id_in_a_url_is_a_404(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    headers = token_for(services, seeded.admin_id)
    response = app.test_client().post("/api/v1/campaigns/99999999999/pause", headers=headers)
    assert response.status_code == 404
    assert response.json["message"]


def test_an_out_of_range_attempt_in_the_console_form_is_not_a_500(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    client = app.test_client()
    login(client, USERNAMES["supervisor"])
    page = f"/cases/{seeded.debt_id}"
    response = form_post(
        client, page, page + "/disposition", {"code": "note", "attempt_id": "99999999999"}
    )
    assert response.status_code < 500, response.text
    assert client.get("/cases/99999999999").status_code == 404
