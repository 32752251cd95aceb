"""The values a message may carry, cleaned before they are placed into a text."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")
MAX_FIELD_LENGTH = 60
CURRENCY_SIGNS = {"USD": "$", "CNY": "¥", "EUR": "€", "GBP": "£"}


def clean_value(value: str, *, limit: int = MAX_FIELD_LENGTH) -> str:
    """A value safe to place in a message: no control or bidi characters, one line, bounded."""
    text = unicodedata.normalize("NFC", value)
    text = _CONTROL.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text[:limit].rstrip()


def format_money(amount: Decimal, currency: str) -> str:
    """`$1,234.50`, `¥80.00`, or `1,234.50 CHF` for currencies without a known sign."""
    rounded = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    digits = f"{rounded:,.2f}"
    sign = CURRENCY_SIGNS.get(currency.upper())
    return f"{sign}{digits}" if sign else f"{digits} {clean_value(currency, limit=3)}"


@dataclass(frozen=True, slots=True)
class MessageContext:
    """What a message may say about a case. Optional fields serve the voicemail."""

    first_name: str
    creditor: str
    balance: Decimal
    currency: str
    callback_number: str
    company: str
    # The limited-content voicemail names a business that does not reveal debt collection
    # and a person to call back.
    voicemail_business: str = "Account Services"
    caller_name: str = "Jordan Lee"

    def fields(self) -> dict[str, str]:
        """The fixed set of fields a template may use, each cleaned."""
        return {
            "first_name": clean_value(self.first_name, limit=40),
            "creditor": clean_value(self.creditor),
            "balance": format_money(self.balance, self.currency),
            "callback_number": clean_value(self.callback_number, limit=20),
            "company": clean_value(self.company),
            "voicemail_business": clean_value(self.voicemail_business),
            "caller_name": clean_value(self.caller_name, limit=40),
        }
