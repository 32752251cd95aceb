"""The cases CSV: its columns and the validation of one row into a CaseRow (pure)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from dialer.clients.codes import CODE_LENGTH, client_code
from dialer.importing import reference
from dialer.importing.fields import (
    Cells,
    FieldError,
    RowIssue,
    Window,
    parse_amount,
    parse_bool,
    parse_count,
    parse_enum,
    parse_text,
    parse_windows,
)
from dialer.vocabulary import (
    Channel,
    ConsumerFlag,
    DebtStage,
    Language,
    PhoneRelationship,
    PhoneType,
    values,
)

MAX_PHONES = 3
REQUIRED_COLUMNS = (
    "consumer_ref", "debt_ref", "first_name", "last_name", "country", "creditor", "balance",
)  # fmt: skip
PHONE_COLUMNS = tuple(
    f"phone{n}{suffix}"
    for n in range(1, MAX_PHONES + 1)
    for suffix in ("", "_type", "_consent", "_opt_out", "_relationship")
)
OPTIONAL_COLUMNS = (
    "language", "state", "postal_code", "city", "address", "confirmed_timezone", "currency",
    "days_past_due", "stage", "flags", "inconvenient_times", "attorney_name", "attorney_phone",
    *PHONE_COLUMNS, "client_code",
)  # fmt: skip
# Written by --skip-invalid into the rejects file; ignored on import so a fixed file re-imports.
REJECT_COLUMNS = ("reject_line", "reject_reasons")
CASE_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS


@dataclass(frozen=True, slots=True)
class CasePhone:
    position: int
    e164: str
    phone_type: PhoneType
    consent: bool
    opt_outs: frozenset[Channel] = frozenset()
    relationship: PhoneRelationship = PhoneRelationship.SELF  # whose phone it is


@dataclass(frozen=True, slots=True)
class CaseRow:
    """One valid row: a debt and (repeated on each of its rows) its consumer."""

    line: int
    consumer_ref: str
    debt_ref: str
    first_name: str
    last_name: str
    language: Language
    country: str
    state: str | None
    postal_code: str | None
    city: str | None
    address: str | None
    confirmed_timezone: str | None
    creditor: str
    balance: Decimal
    currency: str
    days_past_due: int
    stage: DebtStage | None  # None: "new" for a new debt, unchanged for an existing one
    flags: frozenset[ConsumerFlag]
    windows: tuple[Window, ...]
    attorney_name: str | None
    attorney_phone: str | None
    phones: tuple[CasePhone, ...] = field(default=())
    client_code: str | None = None  # blank: the client is the creditor's (see dialer.clients.codes)

    @property
    def client(self) -> str:
        """The code of the client (creditor record) this debt belongs to."""
        return self.client_code or client_code(self.creditor)

    @property
    def jurisdiction(self) -> str:
        return f"{self.country}-{self.state}" if self.state else self.country


@dataclass(slots=True)
class RowCheck:
    """Validation result of one row: the row when usable, its errors, and its warnings."""

    row: CaseRow | None
    errors: list[RowIssue]
    warnings: list[RowIssue]


def _text(max_length: int, *, required: bool = False) -> Callable[[str], str | None]:
    return lambda text: parse_text(text, max_length=max_length, required=required)


_REF = _text(64, required=True)
_NAME = _text(100, required=True)
_CREDITOR = _text(200, required=True)
_TEXT_100 = _text(100)
_TEXT_200 = _text(200)


def _client(text: str) -> str | None:
    if not text:
        return None
    if len(text) > CODE_LENGTH:
        msg = f"at most {CODE_LENGTH} characters, got {len(text)}"
        raise FieldError(msg)
    code = client_code(text)
    if not code:
        msg = f"a client code needs letters or digits, got {text!r}"
        raise FieldError(msg)
    return code


@lru_cache(maxsize=1024)
def _language(text: str) -> Language:
    return parse_enum(text, Language, default=Language.EN)


@lru_cache(maxsize=1024)
def _stage(text: str) -> DebtStage | None:
    return parse_enum(text, DebtStage) if text else None


@lru_cache(maxsize=1024)
def _phone_type(text: str) -> PhoneType | None:
    return parse_enum(text, PhoneType) if text else None


def _zone(text: str) -> str | None:
    return reference.check_time_zone(text) if text else None


@lru_cache(maxsize=1024)
def _country(text: str) -> str:
    upper = text.upper()
    if upper not in reference.DEFAULT_CURRENCY:
        msg = f"unknown country {text!r} (expected US or CN)" if text else "is required"
        raise FieldError(msg)
    return upper


def _currency(text: str) -> str | None:
    if text and not (len(text) == 3 and text.isalpha()):
        msg = f"expected a 3-letter currency code like USD, got {text!r}"
        raise FieldError(msg)
    return text.upper() or None


@lru_cache(maxsize=1024)
def _flags(text: str) -> frozenset[ConsumerFlag]:
    names = [name.strip() for name in text.replace(",", ";").split(";") if name.strip()]
    return frozenset(parse_enum(name, ConsumerFlag) for name in names)


@lru_cache(maxsize=1024)
def _opt_outs(text: str) -> frozenset[Channel]:
    names = {name.strip().lower() for name in text.replace(",", ";").split(";") if name.strip()}
    if "all" in names:
        return frozenset(Channel)
    return frozenset(parse_enum(name, Channel) for name in names)


def validate_case_row(line: int, cells: Mapping[str, str]) -> RowCheck:
    """Check one row of the cases CSV; every problem is reported with its line and column."""
    c = Cells(line, cells)
    consumer_ref = c.take("consumer_ref", _REF)
    debt_ref = c.take("debt_ref", _REF)
    first_name = c.take("first_name", _NAME)
    last_name = c.take("last_name", _NAME)
    language = c.take("language", _language)
    country = c.take("country", _country)
    creditor = c.take("creditor", _CREDITOR)
    balance = c.take("balance", parse_amount)
    currency = c.take("currency", _currency)
    days_past_due = c.take("days_past_due", parse_count)
    stage = c.take("stage", _stage)
    flags = c.take("flags", _flags)
    windows = c.take("inconvenient_times", parse_windows)
    zone = c.take("confirmed_timezone", _zone)
    city = c.take("city", _TEXT_100)
    address = c.take("address", _TEXT_200)
    attorney_name = c.take("attorney_name", _TEXT_100)
    client = c.take("client_code", _client)
    state = postal_code = attorney_phone = None
    phones: tuple[CasePhone, ...] = ()
    if country is not None:
        state, postal_code = _location(c, country)
        attorney_phone = c.take(
            "attorney_phone", lambda t: reference.parse_phone(t, country) if t else None
        )
        phones = _phones(c, country)
    if (
        c.errors
        or consumer_ref is None
        or debt_ref is None
        or first_name is None
        or last_name is None
        or creditor is None
        or country is None
        or language is None
        or balance is None
        or days_past_due is None
        or flags is None
        or windows is None
    ):
        return RowCheck(None, c.errors, c.warnings)
    if attorney_name or attorney_phone:
        flags |= {ConsumerFlag.ATTORNEY_REPRESENTED}
    row = CaseRow(
        line=line,
        consumer_ref=consumer_ref,
        debt_ref=debt_ref,
        first_name=first_name,
        last_name=last_name,
        language=language,
        country=country,
        state=state,
        postal_code=postal_code,
        city=city,
        address=address,
        confirmed_timezone=zone,
        creditor=creditor,
        balance=balance,
        currency=currency or reference.DEFAULT_CURRENCY[country],
        days_past_due=days_past_due,
        stage=stage,
        flags=flags,
        windows=windows,
        attorney_name=attorney_name,
        attorney_phone=attorney_phone,
        phones=phones,
        client_code=client,
    )
    return RowCheck(row, c.errors, c.warnings)


def _location(c: Cells, country: str) -> tuple[str | None, str | None]:
    state = c.take("state", lambda t: reference.check_region(country, t) if t else None)
    checked = c.take(
        "postal_code", lambda t: reference.check_postal_code(country, t) if t else None
    )
    if checked is None:
        return state, None
    postal_code, postal_state = checked
    if country == "US" and postal_state is None:
        c.warn("postal_code", f"ZIP code {postal_code} is not in the ZIP database")
    elif postal_state and state and postal_state != state:
        c.warn(
            "postal_code",
            f"ZIP code {postal_code} is in {postal_state}, not {state}: "
            "the rules of both states will apply",
        )
    return state, postal_code


def _phones(c: Cells, country: str) -> tuple[CasePhone, ...]:
    phones: list[CasePhone] = []
    seen: dict[str, int] = {}
    for n in range(1, MAX_PHONES + 1):
        column = f"phone{n}"
        if not c.raw(column):
            _no_number_details(c, n)
            continue
        e164 = c.take(column, lambda t: reference.parse_phone(t, country))
        kind = c.take(f"{column}_type", _phone_type)
        consent = c.take(f"{column}_consent", parse_bool)
        opt_outs = c.take(f"{column}_opt_out", _opt_outs)
        relationship = c.take(f"{column}_relationship", _relationship)
        if e164 is None or consent is None or opt_outs is None or relationship is None:
            continue
        if e164 in seen:
            c.errors.append(RowIssue(c.line, column, f"same number as phone{seen[e164]}"))
            continue
        seen[e164] = n
        kind = kind or reference.library_phone_type(e164)
        phones.append(CasePhone(n, e164, kind, consent, opt_outs, relationship))
    if not phones and not c.errors:
        c.warn("phone1", "no phone number: the case cannot be contacted")
    return tuple(phones)


def _relationship(text: str) -> PhoneRelationship:
    """Blank: the debtor's own phone."""
    return parse_enum(text, PhoneRelationship) if text else PhoneRelationship.SELF


def _no_number_details(c: Cells, n: int) -> None:
    for suffix in ("_type", "_consent", "_opt_out", "_relationship"):
        if c.raw(f"phone{n}{suffix}"):
            reason = f"phone{n}{suffix} is given without a number"
            c.errors.append(RowIssue(c.line, f"phone{n}", reason))
            return


STAGE_NAMES = values(DebtStage)
