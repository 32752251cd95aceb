from __future__ import annotations

import pytest

from dialer.compliance import OptOutScope, SmsIntent, interpret_inbound_sms, read_inbound_sms


@pytest.mark.parametrize(
    "body",
    [
        "STOP",
        "stop",
        "Stop.",
        "STOPALL",
        "UNSUBSCRIBE",
        "CANCEL",
        "END",
        "QUIT",
        "REVOKE",
        "OPTOUT",
        "opt out",
        "退订",
        "TD",
        "T",
        "R",
        "please stop texting me",
        "don't call me anymore",
        "别再打了",
        "不要再发短信",
        "leave me alone",
        "STOP PLEASE",
    ],
)
def test_opt_out_when_keyword_or_sentence(body: str) -> None:
    assert interpret_inbound_sms(body) is SmsIntent.OPT_OUT


@pytest.mark.parametrize("body", ["START", "unstop", "YES"])
def test_opt_in_when_start_keyword(body: str) -> None:
    assert interpret_inbound_sms(body) is SmsIntent.OPT_IN


@pytest.mark.parametrize("body", ["HELP", "info"])
def test_help_when_help_keyword(body: str) -> None:
    assert interpret_inbound_sms(body) is SmsIntent.HELP


@pytest.mark.parametrize(
    "body", ["I can't stop by today", "nonstop rain here", "I stopped at the bank", "ok thanks"]
)
def test_other_when_stop_is_not_about_contact(body: str) -> None:
    assert interpret_inbound_sms(body) is SmsIntent.OTHER


def test_scope_is_calls_when_sentence_mentions_only_calls() -> None:
    assert read_inbound_sms("don't call me anymore").scope is OptOutScope.CALLS
    assert read_inbound_sms("别再打了").scope is OptOutScope.CALLS


def test_scope_is_sms_when_keyword() -> None:
    assert read_inbound_sms("STOP").scope is OptOutScope.SMS


def test_scope_is_all_when_sentence_names_no_medium() -> None:
    assert read_inbound_sms("leave me alone").scope is OptOutScope.ALL
