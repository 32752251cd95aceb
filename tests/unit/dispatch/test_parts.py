"""Pure parts of dispatch: caller ID choice, webhook URLs, log redaction."""

from __future__ import annotations

import structlog

from dialer.campaigns.definition import CallerIds
from dialer.dispatch.choose import caller_id
from dialer.dispatch.place import webhook_urls
from dialer.observability.logging import mask_phone, redact


def test_local_presence_picks_the_consumers_area_code():
    ids = CallerIds(numbers=("+16175550100", "+13105550100"), local_presence=True)
    assert caller_id(ids, "+13102000001") == "+13105550100"
    assert caller_id(ids, "+12062000001") == "+16175550100"
    plain = CallerIds(numbers=("+16175550100", "+13105550100"))
    assert caller_id(plain, "+13102000001") == "+16175550100"


def test_webhook_urls_carry_the_attempt_id():
    urls = webhook_urls("https://x.test", 42)
    assert urls["answer"] == "https://x.test/twilio/voice/answer?attempt=42"
    assert urls["sms"] == "https://x.test/twilio/sms/status?attempt=42"


def test_logs_never_hold_a_full_number_a_name_or_a_balance():
    event = redact(
        None,
        "info",
        {
            "event": "called +1 (617) 555-0100",
            "to": "+16175550100",
            "first_name": "Ana",
            "balance": "250.00",
            "detail": {"from": "+8613812345678", "name": "Ana"},
            "attempt_id": 7,
        },
    )
    assert event == {
        "event": "called +*******0100",
        "to": "+*******0100",
        "detail": {"from": "+*********5678"},
        "attempt_id": 7,
    }
    assert mask_phone("ref 12345") == "ref 12345"


def test_structlog_output_is_redacted(capsys):
    from dialer.observability.logging import configure_logging, get_logger

    configure_logging(log_format="json", level="INFO")
    get_logger("t").info("placed", to="+16175550100", last_name="Lee")
    out = capsys.readouterr().err
    structlog.reset_defaults()
    assert "0100" in out
    assert "6175550100" not in out
    assert "Lee" not in out
