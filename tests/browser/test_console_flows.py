"""The console in a real browser (Debian's chromium, headless) against the app on a real port."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dialer.db.engine import transaction
from dialer.db.models import ContactAttempt, PromiseToPay, User
from tests.browser.harness import BridgedCall, chromium, served_app, sign_in

pytestmark = pytest.mark.slow


def test_admin_is_refused_a_late_call_hour_then_previews_a_tighter_limit(
    tmp_path: Path,
) -> None:
    with served_app(tmp_path) as served, chromium() as browser:
        page = browser.new_page()
        sign_in(page, served.base_url, "alice")
        page.goto(f"{served.base_url}/limits")
        page.fill("input[name=call_start]", "09:00")
        page.fill("input[name=call_end]", "21:30")
        page.click("button[value=save]")
        refusal = page.locator(".refusal")
        expect(refusal).to_contain_text("21:30")
        expect(refusal).to_contain_text("21:00")
        expect(refusal).to_contain_text("rule")
        page.fill("input[name=call_start]", "12:00")
        page.fill("input[name=call_end]", "20:00")
        page.click("button[value=preview]")
        expect(page.locator("#preview .blocked-current")).to_have_text("0")
        expect(page.locator("#preview .blocked-proposed")).to_have_text("2")
        expect(page.locator("#preview")).to_contain_text("outside_hours")


def test_agent_gets_the_bridged_case_and_records_a_promise_to_pay(tmp_path: Path) -> None:
    with served_app(tmp_path) as served, chromium() as browser:
        page = browser.new_page()
        sign_in(page, served.base_url, "ann")
        page.select_option("select[name=availability]", "available")
        page.click("form[action='/desk/availability'] button")
        expect(page.locator("#availability-now")).to_have_text("available")
        expect(page.locator("#live-case")).to_contain_text("No call is connected")

        twiml = BridgedCall(served).press_through_to_an_agent()
        assert "<Dial" in twiml
        assert "+16175550111" in twiml

        live = page.locator("#live-case")  # desk.js polls every 2 s and pops the case
        expect(live.locator(".case-ref")).to_have_text("D-1001", timeout=10_000)
        expect(live).to_contain_text("Ada Lovelace")
        expect(live).to_contain_text("USD 420.50")
        expect(page.locator("#availability-now")).to_have_text("on call")

        page.select_option("select[name=code]", "promise_to_pay")
        page.fill("input[name=amount]", "120.00")
        page.fill("input[name=promised_date]", "2026-03-31")
        page.click("form.disposition button.primary")
        expect(page.locator(".flash.ok")).to_contain_text("Promise to pay USD 120.00")

        page.goto(f"{served.base_url}/cases/{served.seeded.debt_id}")
        expect(page.locator("ol.timeline")).to_contain_text(
            re.compile(r"Promise to pay USD 120\.00 by 2026-03-31")
        )
        with transaction(served.services.sessions) as session:
            assert session.query(PromiseToPay).count() == 1


def test_supervisor_sets_a_bankruptcy_flag_clears_it_and_finds_both_in_the_audit_log(
    tmp_path: Path,
) -> None:
    with served_app(tmp_path) as served, chromium() as browser:
        page = browser.new_page()
        sign_in(page, served.base_url, "sam")
        page.goto(f"{served.base_url}/cases/{served.seeded.debt_id}")
        page.select_option("form.add-flag select[name=flag]", "bankruptcy")
        page.fill("form.add-flag input[name=note]", "court notice received 2026-03-02")
        page.click("form.add-flag button")
        expect(page.locator(".flash.ok")).to_contain_text("Flag set")
        expect(page.locator("ul.flags")).to_contain_text("bankruptcy")
        expect(page.locator(".decision")).to_contain_text("blocked")
        page.fill("form.clear-flag input[name=reason]", "entered in error: another consumer")
        page.click("form.clear-flag button")
        expect(page.locator(".flash.ok")).to_contain_text("Flag cleared")
        expect(page.locator("ul.flags")).to_have_count(0)
        page.goto(f"{served.base_url}/audit?action=consumer.flag")
        rows = page.locator("table.audit tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.first).to_contain_text("entered in error")
        expect(rows.last).to_contain_text("court notice received")


def test_agent_completes_a_call_left_without_disposition_after_the_wrap_up(
    tmp_path: Path,
) -> None:
    with served_app(tmp_path) as served, chromium() as browser:
        page = browser.new_page()
        sign_in(page, served.base_url, "ann")
        page.select_option("select[name=availability]", "available")
        page.click("form[action='/desk/availability'] button")
        expect(page.locator("#calls-to-complete")).to_contain_text("Every call you took")

        call = BridgedCall(served)
        call.press_through_to_an_agent()
        expect(page.locator("#live-case .case-ref")).to_have_text("D-1001", timeout=10_000)
        base = served.base_url
        call.post(f"{base}/twilio/voice/status?attempt={call.attempt_id}", CallStatus="completed")
        expect(page.locator("#availability-now")).to_have_text("wrap-up", timeout=10_000)
        served.services.clock.advance(timedelta(seconds=61))  # nobody recorded a disposition
        expect(page.locator("#availability-now")).to_have_text("available", timeout=10_000)

        page.goto(f"{base}/desk")
        listed = page.locator("#calls-to-complete")
        expect(listed).to_contain_text("D-1001")
        expect(listed).to_contain_text("Ada Lovelace")
        listed.get_by_role("link", name="Record the disposition").click()
        page.wait_for_url(re.compile(rf".*/cases/{served.seeded.debt_id}\?attempt=\d+$"))
        page.select_option("select[name=code]", "note")
        page.fill("textarea[name=notes]", "consumer will call back")
        page.click("form.disposition button.primary")
        expect(page.locator(".flash.ok")).to_be_visible()
        page.goto(f"{base}/desk")
        expect(page.locator("#calls-to-complete")).to_contain_text("Every call you took")


def test_agent_previews_a_case_then_calls_and_their_phone_rings_first(tmp_path: Path) -> None:
    with served_app(tmp_path) as served, chromium() as browser:
        page = browser.new_page()
        sign_in(page, served.base_url, "ann")
        page.select_option("select[name=availability]", "available")
        page.click("form[action='/desk/availability'] button")
        expect(page.locator("#availability-now")).to_have_text("available")

        _a_case_in_preview_for_ann(served)  # what the worker does for a preview agent step
        controls = page.locator("#preview-controls")
        expect(controls).to_contain_text("Preview", timeout=10_000)
        expect(page.locator("#live-case .case-ref")).to_have_text("D-1001")
        expect(page.locator("#live-case")).to_contain_text("Full explanation")
        controls.get_by_role("button", name="Call now").click()
        expect(page.locator(".flash.ok")).to_contain_text("Calling you first, then the consumer")
        fake = served.app_telephony
        assert [placed.call.to for placed in fake.placed] == ["+16175550111"]  # ann's phone


def _a_case_in_preview_for_ann(served) -> None:  # type: ignore[no-untyped-def]
    seeded = served.seeded
    now = served.services.clock.now()
    with transaction(served.services.sessions) as session:
        attempt = ContactAttempt(
            consumer_id=seeded.consumer_id,
            debt_id=seeded.debt_id,
            channel="call",
            direction="outbound",
            mode="automated",
            origin="dialer",
            from_number="+16175550199",
            to_number=seeded.phone,
            campaign_id=seeded.campaign_id,
            step_index=1,
            status="reserved",
            attempted_at=now,
            reserved_at=now,
            updated_at=now,
            agent_id=seeded.agent_id,
        )
        session.add(attempt)
        session.flush()
        agent = session.get(User, seeded.agent_id)
        assert agent is not None
        agent.availability, agent.current_attempt_id = "on_call", attempt.id
