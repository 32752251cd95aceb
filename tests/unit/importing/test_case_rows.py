"""Row validation of the cases CSV: every problem names its line, column and reason."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dialer.importing.case_rows import validate_case_row
from dialer.vocabulary import Channel, ConsumerFlag, DebtStage, Language, PhoneType

GOOD = {
    "consumer_ref": "C1",
    "debt_ref": "D1",
    "first_name": "Ann",
    "last_name": "Lee",
    "country": "US",
    "state": "MA",
    "postal_code": "02139",
    "creditor": "Acme Bank",
    "balance": "1,250.50",
    "phone1": "(617) 555-0123",
    "phone1_type": "mobile",
    "phone1_consent": "yes",
}


def check(line: int = 7, **changes: str):
    return validate_case_row(line, {**GOOD, **changes})


def only_error(**changes: str) -> tuple[int, str, str]:
    result = check(**changes)
    assert result.row is None
    assert len(result.errors) == 1, result.errors
    issue = result.errors[0]
    return issue.line, issue.column, issue.reason


def test_a_good_row_is_normalised() -> None:
    result = check(
        flags="cease_communication; dispute_pending",
        inconvenient_times="18:00-21:00;Mon,tue 09:00-12:00",
        language="ES",
        stage="reminder",
        confirmed_timezone="America/New_York",
        phone1_opt_out="sms",
    )
    assert result.errors == []
    row = result.row
    assert row is not None
    assert row.balance == Decimal("1250.50")
    assert row.currency == "USD"
    assert row.language is Language.ES
    assert row.stage is DebtStage.REMINDER
    assert row.jurisdiction == "US-MA"
    assert row.flags == {ConsumerFlag.CEASE_COMMUNICATION, ConsumerFlag.DISPUTE_PENDING}
    assert [(w.start, w.end, w.days) for w in row.windows] == [
        ("18:00", "21:00", None),
        ("09:00", "12:00", "mon,tue"),
    ]
    assert row.phones[0].e164 == "+16175550123"
    assert row.phones[0].consent is True
    assert row.phones[0].opt_outs == {Channel.SMS}


@pytest.mark.parametrize(
    ("changes", "column", "reason"),
    [
        ({"phone1": "617-555-01"}, "phone1", "not a valid phone number: '617-555-01'"),
        ({"phone1": "call me"}, "phone1", "not a phone number: 'call me'"),
        ({"state": "ZZ"}, "state", "unknown US state code 'ZZ'"),
        ({"balance": "-5"}, "balance", "must not be negative, got '-5'"),
        ({"balance": "lots"}, "balance", "not a number: 'lots'"),
        ({"balance": "1.234"}, "balance", "more than 2 decimal places: '1.234'"),
        ({"balance": ""}, "balance", "is required"),
        ({"debt_ref": " "}, "debt_ref", "is required"),
        ({"consumer_ref": ""}, "consumer_ref", "is required"),
        (
            {"postal_code": "2139"},
            "postal_code",
            "expected a 5-digit ZIP code like 02139, got '2139'",
        ),
        (
            {"days_past_due": "-3"},
            "days_past_due",
            "expected a whole number of 0 or more, got '-3'",
        ),
        ({"phone1_consent": "maybe"}, "phone1_consent", "expected yes or no, got 'maybe'"),
        (
            {"inconvenient_times": "25:00-26:00"},
            "inconvenient_times",
            "expected a time like 18:00, got '25:00'",
        ),
        (
            {"inconvenient_times": "funday 09:00-10:00"},
            "inconvenient_times",
            "unknown day 'fun' (expected mon, tue, wed, thu, fri, sat, sun)",
        ),
        ({"country": "FR"}, "country", "unknown country 'FR' (expected US or CN)"),
        (
            {"currency": "dollars"},
            "currency",
            "expected a 3-letter currency code like USD, got 'dollars'",
        ),
        ({"phone2_type": "mobile"}, "phone2", "phone2_type is given without a number"),
        ({"phone2": "+16175550123"}, "phone2", "same number as phone1"),
    ],
)
def test_each_error_names_line_column_and_reason(
    changes: dict[str, str], column: str, reason: str
) -> None:
    assert only_error(**changes) == (7, column, reason)


@pytest.mark.parametrize(
    ("changes", "column", "start"),
    [
        ({"language": "fr"}, "language", "unknown value 'fr' (expected one of: en, es, zh)"),
        ({"stage": "paid"}, "stage", "unknown value 'paid' (expected one of: new, reminder"),
        ({"phone1_type": "cell"}, "phone1_type", "unknown value 'cell' (expected one of: mobile"),
        (
            {"flags": "lawyer"},
            "flags",
            "unknown value 'lawyer' (expected one of: cease_communication",
        ),
        (
            {"confirmed_timezone": "America/Boston"},
            "confirmed_timezone",
            "unknown time zone 'America/Boston'",
        ),
    ],
)
def test_unknown_words_list_the_allowed_ones(
    changes: dict[str, str], column: str, start: str
) -> None:
    line, got_column, reason = only_error(**changes)
    assert (line, got_column) == (7, column)
    assert reason.startswith(start)


def test_every_bad_cell_of_a_row_is_reported() -> None:
    result = check(balance="x", state="QQ", phone1="12")
    assert {issue.column for issue in result.errors} == {"balance", "state", "phone1"}


def test_china_province_and_phone_region_come_from_the_country() -> None:
    result = check(
        country="CN", state="ZJ", postal_code="310000", phone1="13812345678", phone1_type=""
    )
    assert result.errors == []
    assert result.row is not None
    assert result.row.jurisdiction == "CN-ZJ"
    assert result.row.currency == "CNY"
    assert result.row.phones[0].e164 == "+8613812345678"
    assert result.row.phones[0].phone_type is PhoneType.MOBILE  # phonenumbers can tell
    assert only_error(country="CN", state="MA", postal_code="310000", phone1="13812345678") == (
        7,
        "state",
        "unknown CN province code 'MA'",
    )


def test_a_zip_code_in_another_state_is_a_warning_not_an_error() -> None:
    result = check(state="NY")
    assert result.row is not None
    assert [str(w) for w in result.warnings] == [
        "line 7, column postal_code: ZIP code 02139 is in MA, not NY: "
        "the rules of both states will apply"
    ]


def test_an_attorney_marks_the_consumer_represented() -> None:
    result = check(attorney_name="Jordan Counsel LLP", attorney_phone="+12125550142")
    assert result.row is not None
    assert ConsumerFlag.ATTORNEY_REPRESENTED in result.row.flags


def test_a_row_without_phones_is_accepted_with_a_warning() -> None:
    result = check(phone1="", phone1_type="", phone1_consent="")
    assert result.row is not None
    assert result.row.phones == ()
    assert [w.column for w in result.warnings] == ["phone1"]


@pytest.mark.parametrize("written", ["Massachusetts", "massachusetts", " MASSACHUSETTS ", "ma"])
def test_a_full_state_name_is_read_as_the_state_code(written: str) -> None:
    result = check(state=written)
    assert result.errors == []
    assert result.row is not None
    assert result.row.state == "MA"
    assert result.row.jurisdiction == "US-MA"


def test_a_misspelt_state_name_is_refused_not_guessed() -> None:
    assert only_error(state="Masachusetts") == (7, "state", "unknown US state code 'Masachusetts'")
