"""One text about several debts of a person: every creditor and balance named, in the
consumer's language (a debt left out of the contact is not named)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from dialer.vocabulary import Language
from dialer.wording.context import MessageContext, clean_value, format_money
from dialer.wording.sms import OPT_OUT_INSTRUCTION, render_sms

COVERING_SMS: dict[Language, str] = {
    Language.EN: "Hi {first_name}, this is {company}, a debt collector, about your accounts: "
    "{accounts}. Please call us at {callback_number}.",
    Language.ES: "Hola {first_name}, le escribe {company}, una agencia de cobranza, sobre sus "
    "cuentas: {accounts}. Llámenos al {callback_number}.",
    Language.ZH: "{first_name}您好,这里是{company}(债务催收机构),关于您的以下账户:{accounts}。"
    "请致电{callback_number}。",
}
_JOIN = {Language.EN: "; ", Language.ES: "; ", Language.ZH: ";"}
_BALANCE = {
    Language.EN: "{creditor} (balance {balance})",
    Language.ES: "{creditor} (saldo {balance})",
    Language.ZH: "{creditor}(余额{balance})",
}


@dataclass(frozen=True, slots=True)
class DebtLine:
    creditor: str
    balance: Decimal
    currency: str


def render_covering_sms(
    template: str, *, language: Language, context: MessageContext, debts: list[DebtLine]
) -> str:
    """The step's own template for one debt; for several, one text naming each creditor and
    balance, then the opt-out line."""
    if len(debts) <= 1:
        return render_sms(template, language=language, context=context)
    lines = _JOIN.get(language, "; ").join(
        _BALANCE.get(language, _BALANCE[Language.EN]).format(
            creditor=clean_value(d.creditor), balance=format_money(d.balance, d.currency)
        )
        for d in debts
    )
    fields = {**context.fields(), "accounts": lines}
    text = COVERING_SMS.get(language, COVERING_SMS[Language.EN]).format_map(fields)
    separator = "" if language is Language.ZH else " "
    return f"{text}{separator}{OPT_OUT_INSTRUCTION[language]}"
