"""Reference data for validation, built once per process: states, provinces, ZIP codes, zones.

zipcodes.matching() scans the whole table on every call; the ZIP index here is one dict built
from zipcodes.list_all() the first time it is needed (about a second), then O(1) per row.
"""

from __future__ import annotations

import re
import zoneinfo
from functools import cache

import phonenumbers
import us
import zipcodes
from phonenumbers.phonemetadata import PhoneMetadata

from dialer.compliance.zones import state_code
from dialer.importing.fields import FieldError
from dialer.vocabulary import PhoneType

# ISO 3166-2:CN codes of mainland China's provinces, municipalities and autonomous regions.
CN_PROVINCES = frozenset(
    {
        "AH", "BJ", "CQ", "FJ", "GD", "GS", "GX", "GZ", "HA", "HB", "HE", "HI", "HL", "HN",
        "JL", "JS", "JX", "LN", "NM", "NX", "QH", "SC", "SD", "SH", "SN", "SX", "TJ", "XJ",
        "XZ", "YN", "ZJ",
    }
)  # fmt: skip
US_STATES = frozenset(state.abbr for state in us.STATES_AND_TERRITORIES) | {"DC"}
DEFAULT_CURRENCY = {"US": "USD", "CN": "CNY"}
# E.164 fast path for +1 (NANP) and +86 numbers already written in E.164 (most files): one
# compiled regex per country code, built from the same phonenumbers metadata that
# is_valid_number reads (the union of every number type's pattern over the country's regions).
_FAST_E164 = re.compile(r"^\+(1|86)([1-9]\d{6,11})$")
_NUMBER_TYPES = (
    "fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost", "personal_number",
    "voip", "pager", "uan", "voicemail",
)  # fmt: skip
_US_ZIP = re.compile(r"^(\d{5})(?:-\d{4})?$")
_CN_POSTAL = re.compile(r"^\d{6}$")
_TYPE_FROM_LIBRARY = {
    phonenumbers.PhoneNumberType.MOBILE: PhoneType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE: PhoneType.LANDLINE,
    phonenumbers.PhoneNumberType.VOIP: PhoneType.VOIP,
}


@cache
def zip_states() -> dict[str, str]:
    """Five-digit ZIP code -> USPS state code, for every ZIP code zipcodes knows."""
    return {row["zip_code"]: row["state"] for row in zipcodes.list_all() if row.get("state")}  # type: ignore[no-untyped-call]


@cache
def time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def check_region(country: str, code: str) -> str:
    """A state or province code; a US state's full name ("Massachusetts", any case) is its code."""
    upper = state_code(country, code) or ""
    known = US_STATES if country == "US" else CN_PROVINCES
    if upper not in known:
        kind = "US state" if country == "US" else "CN province"
        msg = f"unknown {kind} code {code!r}"
        raise FieldError(msg)
    return upper


def check_postal_code(country: str, code: str) -> tuple[str, str | None]:
    """(normalised code, the US state it belongs to or None when unknown); raises on bad shape."""
    cleaned = code.strip()
    if country == "US":
        match = _US_ZIP.match(cleaned)
        if match is None:
            msg = f"expected a 5-digit ZIP code like 02139, got {code!r}"
            raise FieldError(msg)
        return cleaned, zip_states().get(match[1])
    if _CN_POSTAL.match(cleaned) is None:
        msg = f"expected a 6-digit postal code like 310000, got {code!r}"
        raise FieldError(msg)
    return cleaned, None


def check_time_zone(name: str) -> str:
    cleaned = name.strip()
    if cleaned not in time_zone_names():
        msg = f"unknown time zone {name!r} (expected an IANA name like America/Chicago)"
        raise FieldError(msg)
    return cleaned


def parse_phone(text: str, country: str) -> str:
    """A number as written in the file -> E.164; the country column gives the default region."""
    fast = _fast_e164(text)
    if fast is not None:
        if not fast:
            msg = f"not a valid phone number: {text!r}"
            raise FieldError(msg)
        return text
    try:
        number = phonenumbers.parse(text, country)
    except phonenumbers.NumberParseException:
        msg = f"not a phone number: {text!r}"
        raise FieldError(msg) from None
    if not phonenumbers.is_valid_number(number):
        msg = f"not a valid phone number: {text!r}"
        raise FieldError(msg)
    e164 = f"+{number.country_code}{number.national_number}"
    if number.italian_leading_zero:
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return e164


def _fast_e164(text: str) -> bool | None:
    """Validity of a +1 or +86 number already in E.164; None for any other shape."""
    match = _FAST_E164.match(text)
    if match is None:
        return None
    return _valid_national(int(match[1])).fullmatch(match[2]) is not None


@cache
def _valid_national(country_code: int) -> re.Pattern[str]:
    alternatives: list[str] = []
    for region in phonenumbers.COUNTRY_CODE_TO_REGION_CODE[country_code]:
        metadata = PhoneMetadata.metadata_for_region(region)
        if metadata is None:
            continue
        for kind in _NUMBER_TYPES:
            desc = getattr(metadata, kind)
            if desc is not None and desc.national_number_pattern:
                alternatives.append(f"(?:{desc.national_number_pattern})")
    return re.compile("|".join(alternatives))


def library_phone_type(e164: str) -> PhoneType:
    """What phonenumbers can tell from the number alone (US numbers are usually 'unknown')."""
    number = phonenumbers.parse(e164, None)
    return _TYPE_FROM_LIBRARY.get(phonenumbers.number_type(number), PhoneType.UNKNOWN)
