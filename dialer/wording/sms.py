"""SMS texts in English, Spanish and Chinese. Every campaign SMS names the creditor and ends
with the opt-out instruction; replies to STOP, START and HELP are separate texts."""

from __future__ import annotations

from dialer.vocabulary import Language
from dialer.wording.context import MessageContext

OPT_OUT_INSTRUCTION = {
    Language.EN: "Reply STOP to opt out",
    Language.ES: "Responda STOP para cancelar",
    Language.ZH: "回复TD退订",
}

SMS_TEMPLATES: dict[str, dict[Language, str]] = {
    "reminder_friendly": {
        Language.EN: "Hi {first_name}, this is {company}, a debt collector, about your "
        "{creditor} account. Please call us at {callback_number}.",
        Language.ES: "Hola {first_name}, le escribe {company}, una agencia de cobranza, sobre "
        "su cuenta de {creditor}. Llámenos al {callback_number}.",
        Language.ZH: "{first_name}您好,这里是{company}(债务催收机构),关于您在{creditor}的账户,"
        "请致电{callback_number}。",
    },
    "reminder_followup": {
        Language.EN: "{first_name}, {company}, a debt collector, here again about your "
        "{creditor} account with a balance of {balance}. Call {callback_number} to talk "
        "about options.",
        Language.ES: "{first_name}, le escribe de nuevo {company}, una agencia de cobranza, "
        "sobre su cuenta de {creditor} con saldo de {balance}. Llame al {callback_number} "
        "para ver opciones.",
        Language.ZH: "{first_name}您好,{company}(债务催收机构)再次提醒您在{creditor}的账户"
        "余额为{balance}。请致电{callback_number}商量还款方案。",
    },
}

REPLY_TEMPLATES: dict[str, dict[Language, str]] = {
    "opt_out_confirmation": {
        Language.EN: "{company}: you will receive no more text messages from us. "
        "Reply START to receive them again.",
        Language.ES: "{company}: no recibirá más mensajes de texto nuestros. "
        "Responda START para volver a recibirlos.",
        Language.ZH: "{company}:您将不再收到我们的短信。回复START可重新接收。",
    },
    "call_opt_out_confirmation": {
        Language.EN: "{company}: we will not call this number again.",
        Language.ES: "{company}: no volveremos a llamar a este número.",
        Language.ZH: "{company}:我们将不再拨打此号码。",
    },
    "opt_in_confirmation": {
        Language.EN: "{company}: you will receive text messages from us again. "
        "Reply STOP to opt out.",
        Language.ES: "{company}: volverá a recibir nuestros mensajes de texto. "
        "Responda STOP para cancelar.",
        Language.ZH: "{company}:您将重新收到我们的短信。回复TD退订。",
    },
    "help": {
        Language.EN: "{company}: for help call {callback_number}. Reply STOP to opt out.",
        Language.ES: "{company}: para ayuda llame al {callback_number}. "
        "Responda STOP para cancelar.",
        Language.ZH: "{company}:如需帮助请致电{callback_number}。回复TD退订。",
    },
}


def _lookup(table: dict[str, dict[Language, str]], key: str, language: Language) -> str:
    try:
        by_language = table[key]
    except KeyError:
        msg = f"unknown SMS template {key!r}; known: {', '.join(sorted(table))}"
        raise KeyError(msg) from None
    return by_language.get(language, by_language[Language.EN])


def render_sms(template: str, *, language: Language, context: MessageContext) -> str:
    """A campaign SMS: the template with the case's cleaned values, then the opt-out line."""
    text = _lookup(SMS_TEMPLATES, template, language).format_map(context.fields())
    separator = "" if language is Language.ZH else " "
    return f"{text}{separator}{OPT_OUT_INSTRUCTION[language]}"


def render_reply(kind: str, *, language: Language, context: MessageContext) -> str:
    """A reply to an inbound SMS: opt_out_confirmation, call_opt_out_confirmation,
    opt_in_confirmation or help."""
    return _lookup(REPLY_TEMPLATES, kind, language).format_map(context.fields())
