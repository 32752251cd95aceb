"""Every console and API route, with every role and with no login: answered as it should be
(login redirect / 401 / 403 / success), never a server error."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from dialer.admin.accounts import issue_api_token
from dialer.bootstrap import Services
from dialer.db.engine import transaction
from dialer.telephony.fake import FakeTelephony
from tests.integration.console.conftest import csrf_token, login
from tests.integration.console.seed import Seeded
from tests.integration.console.test_desk import connected_call

ANYONE = "anyone"
SIGNED_IN = frozenset({"agent", "supervisor", "admin"})
SUPERVISORS = frozenset({"supervisor", "admin"})
ADMINS = frozenset({"admin"})
# Who may use each endpoint; the test fails when a route is added without an entry here.
EXPECTED: dict[str, str | frozenset[str]] = {
    "auth.login": ANYONE,
    "auth.logout": ANYONE,
    "auth.home": SIGNED_IN,
    "auth.language": SIGNED_IN,
    "desk.page": SIGNED_IN,
    "desk.state": SIGNED_IN,
    "desk.case_panel": SIGNED_IN,
    "desk.availability": SIGNED_IN,
    "desk.line_connect": SIGNED_IN,
    "desk.line_hang_up": SIGNED_IN,
    "desk.preview_call": SIGNED_IN,
    "desk.preview_skip": SIGNED_IN,
    "desk.to_complete_panel": SIGNED_IN,
    "desk.callbacks_panel": SIGNED_IN,
    "recordings.audio": SIGNED_IN,
    "wallboard.page": SUPERVISORS,
    "wallboard.state": SUPERVISORS,
    "cases.show": SIGNED_IN,
    "cases.disposition": SIGNED_IN,
    "cases.call": SIGNED_IN,
    "cases.clear": SUPERVISORS,
    "cases.add_flag": SUPERVISORS,
    "cases.search": SUPERVISORS,
    "cases.opt_outs": SUPERVISORS,
    "dashboard.today_page": SUPERVISORS,
    "reports.index": SUPERVISORS,
    "campaigns.index": SUPERVISORS,
    "campaigns.pause": SUPERVISORS,
    "campaigns.resume": SUPERVISORS,
    "campaigns.edit": ADMINS,
    "limits.editor": ADMINS,
    "business_hours.editor": ADMINS,
    "users.index": ADMINS,
    "users.create": ADMINS,
    "users.update": ADMINS,
    "users.token": ADMINS,
    "audit.index": SUPERVISORS,
    "api.openapi": ANYONE,
    "api.me": SIGNED_IN,
    "api.case": SIGNED_IN,
    "api.explanation": SIGNED_IN,
    "api.disposition": SIGNED_IN,
    "api.cases": SUPERVISORS,
    "api.campaigns": SUPERVISORS,
    "api.pause": SUPERVISORS,
    "api.resume": SUPERVISORS,
    "api.contacts_report": SUPERVISORS,
    "api.limits": ADMINS,
    "api.save": ADMINS,
    "api.preview": ADMINS,
    "texts.inbox": SIGNED_IN,
    "texts.resolve": SIGNED_IN,
    "texts.restore": SIGNED_IN,
    "texts.suppression": SUPERVISORS,
    "texts.add": ADMINS,
    "texts.upload": ADMINS,
    "texts.remove": ADMINS,
}
NOT_CONSOLE = ("/twilio/", "/static/", "/console/static/", "/healthz", "/metrics")
ROLES = {"agent": "ann", "supervisor": "sam", "admin": "alice"}


def routes(app: Flask) -> list[tuple[str, str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(NOT_CONSOLE):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, rule.rule))
    return sorted(found, key=lambda r: (r[0] == "auth.logout", r))  # sign out last


def fill(rule: str, seeded: Seeded) -> str:
    values = {
        "debt_id": seeded.debt_id,
        "campaign_id": seeded.campaign_id,
        "user_id": seeded.other_agent_id,
        "ref": "D-1001",
        "flag_id": 1,
        "message_id": 1,
        "phone_id": 1,
        "entry_id": 1,
        "attempt_id": 1,
    }
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: str(values[m.group(1)]), rule)


@pytest.mark.parametrize("role", [None, "agent", "supervisor", "admin"])
def test_every_route_answers_each_role_as_it_should(
    app: Flask, services: Services, seeded: Seeded, role: str | None
) -> None:
    app.extensions["dialer.telephony"] = FakeTelephony(clock=services.clock)
    connected_call(services, seeded)  # the agent works case D-1001
    client = app.test_client()
    headers: dict[str, str] = {}
    if role is not None:
        login(client, ROLES[role])
        user_id = {
            "agent": seeded.agent_id,
            "supervisor": seeded.supervisor_id,
            "admin": seeded.admin_id,
        }[role]
        with transaction(services.sessions) as session:
            token = issue_api_token(
                session, user_id=user_id, now=services.clock.now(), actor="test"
            )
        headers = {"Authorization": f"Bearer {token}"}
    seen = set()
    for endpoint, method, rule in routes(app):
        seen.add(endpoint)
        assert endpoint in EXPECTED, f"{endpoint} has no expected roles in the matrix"
        status = request(client, method, fill(rule, seeded), headers)
        check(endpoint, method, rule, role, status)
    assert seen == set(EXPECTED)


def request(client: FlaskClient, method: str, url: str, headers: dict[str, str]) -> int:
    if url.startswith("/api/"):
        return client.open(url, method=method, headers=headers, json={}).status_code
    data = {"csrf_token": csrf_token(client.get("/login").text)} if method == "POST" else None
    response = client.open(url, method=method, data=data)
    if (
        response.status_code == 302
        and "/login" in response.headers["Location"]
        and url != "/logout"
    ):
        return 401
    return response.status_code


def check(endpoint: str, method: str, rule: str, role: str | None, status: int) -> None:
    where = f"{method} {rule} as {role or 'nobody'}"
    assert status < 500, f"{where}: server error {status}"
    allowed = EXPECTED[endpoint]
    if allowed == ANYONE:
        assert status not in {401, 403}, f"{where}: {status}"
    elif role is None:
        assert status == 401, f"{where}: expected the login page or 401, got {status}"
    elif role in allowed:
        assert status not in {401, 403}, f"{where}: refused with {status}"
    else:
        assert status == 403, f"{where}: expected 403, got {status}"
