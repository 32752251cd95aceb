"""The limits form in a browser: a state or campaign scope shows what it inherits as
placeholders and saves only the fields the admin filled, so an inherited value follows the
global scope afterwards; a state by its name is that state; bad scopes are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from dialer.admin.contact_limits import current_limits
from dialer.db.engine import transaction
from dialer.db.models import ContactLimitVersion
from tests.browser.harness import Served, chromium, served_app, sign_in

pytestmark = pytest.mark.slow


def _save(page: Page, base_url: str, scope: str, key: str, **fields: str) -> None:
    page.goto(f"{base_url}/limits?scope={scope}&key={key}")
    for name, value in fields.items():
        page.fill(f"input[name={name}]", value)
    page.click("button[value=save]")


def _stored(served: Served) -> list[tuple[str, str, dict[str, object]]]:
    with served.services.sessions() as session:
        rows = session.execute(
            sa.select(
                ContactLimitVersion.scope, ContactLimitVersion.scope_key, ContactLimitVersion.limits
            ).order_by(ContactLimitVersion.id)
        ).all()
    return [(row[0], row[1], dict(row[2])) for row in rows]


def test_a_state_scope_keeps_what_it_inherits_and_bad_scopes_are_refused(tmp_path: Path) -> None:
    with served_app(tmp_path) as served, chromium() as browser:
        page = browser.new_page()
        sign_in(page, served.base_url, "alice")
        _save(page, served.base_url, "global", "", max_calls_per_day="3", reason="house rule")
        expect(page.locator(".flash.ok")).to_be_visible()

        page.goto(f"{served.base_url}/limits?scope=state&key=Texas")
        expect(page.locator("input[name=scope_key]")).to_have_value("US-TX")
        calls = page.locator("input[name=max_calls_per_day]")
        expect(calls).to_have_attribute("placeholder", "3")
        expect(calls).to_have_value("")
        page.fill("input[name=max_sms_per_day]", "1")
        page.fill("input[name=reason]", "Texas texts")
        page.click("button[value=save]")
        expect(page.locator(".flash.ok")).to_be_visible()
        assert _stored(served)[-1] == ("state", "US-TX", {"max_sms_per_day": 1})

        _save(page, served.base_url, "global", "", max_calls_per_day="2", reason="quieter")
        with transaction(served.services.sessions) as session:
            texas = current_limits(session, campaign_id=None, state="US-TX")
        assert (texas.max_calls_per_day, texas.max_sms_per_day) == (2, 1)

        before = len(_stored(served))
        for scope, key, refusal in (
            ("state", "", "a state scope needs a key"),
            ("state", "Texass", "is not a US state or a CN province"),
            ("campaign", "9999", "no campaign"),
        ):
            page.goto(f"{served.base_url}/limits")
            page.select_option("select[name=scope]", scope)
            page.fill("input[name=scope_key]", key)
            page.fill("input[name=max_calls_per_day]", "1")
            page.fill("input[name=reason]", "x")
            page.click("button[value=save]")
            expect(page.locator(".refusal")).to_contain_text(refusal)
        assert len(_stored(served)) == before
