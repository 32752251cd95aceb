"""The wallboard, the desk and call recordings in a real browser (Debian's chromium, headless)
against the app on a real port; the calls arrive as the signed webhooks Twilio would send."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dialer.db.engine import transaction
from dialer.db.models import Campaign
from tests.browser.harness import BridgedCall, Served, chromium, served_app, sign_in

pytestmark = pytest.mark.slow

WAV = b"RIFF\x24\x00\x00\x00WAVEfmt "
RECORDING_SID = "RE" + "a" * 32


def _campaign_records(served: Served) -> None:
    with transaction(served.services.sessions) as session:
        campaign = session.get(Campaign, served.seeded.campaign_id)
        assert campaign is not None
        campaign.definition = {
            **campaign.definition,
            "recording": {"enabled": True, "all_party_consent": "announce"},
        }


def test_supervisor_watches_the_wallboard_while_a_recorded_call_is_bridged_then_downloads_it(
    tmp_path: Path,
) -> None:
    with served_app(tmp_path) as served, chromium() as browser:
        _campaign_records(served)
        board = browser.new_page()
        sign_in(board, served.base_url, "sam")
        board.goto(f"{served.base_url}/wallboard")
        ann_row = board.locator("#wb-agent-rows tr", has_text="Ann Agent")
        expect(ann_row).to_contain_text("offline")
        expect(board.locator("#wb-calls-total")).to_have_text("0")

        desk = browser.new_page()
        sign_in(desk, served.base_url, "ann")
        desk.select_option("select[name=availability]", "available")
        desk.click("form[action='/desk/availability'] button")
        expect(ann_row).to_contain_text("available", timeout=10_000)  # no reload
        expect(ann_row).to_contain_text("no line")  # her phone rings for each call

        call = BridgedCall(served)
        twiml = call.press_through_to_an_agent()  # the consumer is in Massachusetts
        answer = call.documents[0]  # recorded from the notice on, the whole call
        assert answer.index("This call will be recorded.") < answer.index("<Recording")
        assert answer.index("<Recording") < answer.index("<Gather")
        assert "<Dial" in twiml
        assert "This call will be recorded." not in twiml  # no second notice at the bridge
        expect(ann_row).to_contain_text("on call", timeout=10_000)
        expect(ann_row).to_contain_text("D-1001")
        expect(board.locator("#wb-calls-total")).to_have_text("1")
        expect(desk.locator("#live-case .case-ref")).to_have_text("D-1001", timeout=10_000)

        base = served.base_url
        call.post(
            f"{base}/twilio/voice/recording?attempt={call.attempt_id}",
            RecordingSid=RECORDING_SID,
            RecordingUrl=f"https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/{RECORDING_SID}",
            RecordingStatus="completed",
            RecordingDuration="42",
        )
        call.post(f"{base}/twilio/voice/status?attempt={call.attempt_id}", CallStatus="completed")
        expect(board.locator("#wb-calls-total")).to_have_text("0", timeout=10_000)
        expect(ann_row).to_contain_text("wrap-up")

        served.app_telephony.recordings[RECORDING_SID] = WAV
        board.goto(f"{base}/cases/{served.seeded.debt_id}")
        recordings = board.locator("#recordings")
        expect(recordings).to_contain_text("announced before recording")
        expect(recordings).to_contain_text("42 s")
        with board.expect_download() as download:
            recordings.get_by_role("link", name="Download").click()
        saved = tmp_path / "call.wav"
        download.value.save_as(saved)
        assert saved.read_bytes() == WAV

        board.goto(f"{base}/audit?action=recording.download")
        rows = board.locator("table.audit tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("sam")
        expect(rows.first).to_contain_text(RECORDING_SID)


def test_the_desk_lists_a_call_left_without_disposition_without_a_reload(tmp_path: Path) -> None:
    with served_app(tmp_path) as served, chromium() as browser:
        page = browser.new_page()
        sign_in(page, served.base_url, "ann")
        page.select_option("select[name=availability]", "available")
        page.click("form[action='/desk/availability'] button")
        listed = page.locator("#calls-to-complete")
        expect(listed).to_contain_text("Every call you took")

        call = BridgedCall(served)
        call.press_through_to_an_agent()
        expect(page.locator("#live-case .case-ref")).to_have_text("D-1001", timeout=10_000)
        base = served.base_url
        call.post(f"{base}/twilio/voice/status?attempt={call.attempt_id}", CallStatus="completed")
        expect(page.locator("#availability-now")).to_have_text("wrap-up", timeout=10_000)
        served.services.clock.advance(timedelta(seconds=61))  # nobody recorded a disposition
        expect(page.locator("#availability-now")).to_have_text("available", timeout=10_000)
        expect(listed).to_contain_text("D-1001", timeout=10_000)  # desk.js, no reload
        expect(listed).to_contain_text("Ada Lovelace")
