"""Reading inbound SMS: opt-out and opt-in keywords (English, Chinese) and opt-out sentences.

Missing an opt-out is worse than a false one, so a sentence that asks to stop contact
counts even without a keyword; "stop" inside another word ("stopped", "nonstop") does not.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from dialer.vocabulary import Channel


class SmsIntent(StrEnum):
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"
    OTHER = "other"


class OptOutScope(StrEnum):
    SMS = "sms"  # this medium (a keyword reply to a text)
    CALLS = "calls"
    ALL = "all"


@dataclass(frozen=True, slots=True)
class SmsReading:
    intent: SmsIntent
    scope: OptOutScope | None = None  # for OPT_OUT
    keyword: bool = False  # a single keyword rather than a sentence

    @property
    def channels(self) -> frozenset[Channel]:
        if self.scope is OptOutScope.SMS:
            return frozenset({Channel.SMS})
        if self.scope is OptOutScope.CALLS:
            return frozenset({Channel.CALL})
        if self.scope is OptOutScope.ALL:
            return frozenset({Channel.CALL, Channel.SMS})
        return frozenset()


OPT_OUT_WORDS = frozenset(
    {
        "stop",
        "stopall",
        "unsubscribe",
        "cancel",
        "end",
        "quit",
        "revoke",
        "optout",
        "opt out",
        "opt-out",
        "stop all",
        "remove",
        "remove me",
        "td",
        "t",
        "r",
        "n",
        "退订",
        "取消",
        "拒收",
        "退訂",
        "unsub",
        "parar",
        "alto",
        "basta",
    }
)
OPT_IN_WORDS = frozenset({"start", "unstop", "yes", "subscribe", "resume", "开始", "订阅"})
HELP_WORDS = frozenset({"help", "info", "帮助", "ayuda"})

_CALL = r"(?:call(?:s|ing)?|phon(?:e|ing)|ring(?:ing)?|dial(?:ing)?)"
_TEXT = r"(?:text(?:s|ing)?|messag(?:e|es|ing)|sms|txt)"
_CONTACT = rf"(?:contact(?:ing)?|bother(?:ing)?|harass(?:ing)?|reach(?:ing)?|{_CALL}|{_TEXT})"
_NEG = r"(?:don'?t|do not|dont|never|no more|quit|stop|cease|please stop|pls stop|stop)"
_EN_PATTERNS = (
    re.compile(rf"\b{_NEG}\s+(?:\w+\s+){{0,2}}?{_CONTACT}\b"),
    re.compile(rf"\b(?:no more|not? (?:want|wish) (?:any )?(?:more )?){_CONTACT}\b"),
    re.compile(
        r"\b(?:leave me alone|take me off|remove (?:me|my number)|lose my number|"
        r"unsubscribe|opt(?:\s|-)?out|do not contact|stop all)\b"
    ),
    re.compile(r"^\s*stop\b(?!\s+by\b)"),
    re.compile(r"\bstop\s*(?:please|pls|now|it|this|!+|\.|$)"),
)
_ZH_CALL = r"(?:打电话|打了|打来|来电|打我|电话|打)"
_ZH_TEXT = r"(?:发短信|短信|发信息|信息|发了)"
_ZH_NEG = r"(?:别再|不要再|不要|别|勿|不准|不许|请勿|停止)"
_ZH_PATTERNS = (
    re.compile(rf"{_ZH_NEG}.{{0,3}}(?:{_ZH_CALL}|{_ZH_TEXT}|联系|骚扰|催)"),
    re.compile(r"(?:退订|拒收|取消订阅|不再接收)"),
)


def _normalise(body: str) -> str:
    text = unicodedata.normalize("NFKC", body).strip().lower()
    text = text.replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", text)


@lru_cache(maxsize=4096)
def read_inbound_sms(body: str) -> SmsReading:
    """The intent of an inbound SMS, and for opt-outs which channel(s) it covers."""
    text = _normalise(body)
    bare = re.sub(r"[\s.!。！,，]+$", "", text).strip(" \"'")
    if bare in OPT_OUT_WORDS:
        return SmsReading(SmsIntent.OPT_OUT, OptOutScope.SMS, keyword=True)
    if bare in OPT_IN_WORDS:
        return SmsReading(SmsIntent.OPT_IN, keyword=True)
    if bare in HELP_WORDS:
        return SmsReading(SmsIntent.HELP, keyword=True)
    scope = _sentence_scope(text)
    if scope is not None:
        return SmsReading(SmsIntent.OPT_OUT, scope)
    return SmsReading(SmsIntent.OTHER)


def interpret_inbound_sms(body: str) -> SmsIntent:
    return read_inbound_sms(body).intent


def _sentence_scope(text: str) -> OptOutScope | None:
    english = any(p.search(text) for p in _EN_PATTERNS) and not _harmless(text)
    chinese = any(p.search(text) for p in _ZH_PATTERNS)
    if not (english or chinese):
        return None
    calls = bool(re.search(rf"\b{_CALL}\b", text) or re.search(_ZH_CALL, text))
    texts = bool(re.search(rf"\b{_TEXT}\b", text) or re.search(_ZH_TEXT, text))
    if calls and not texts:
        return OptOutScope.CALLS
    if texts and not calls:
        return OptOutScope.SMS
    return OptOutScope.ALL


def _harmless(text: str) -> bool:
    """Phrases where "stop" is not about contact: "can't stop by", "stop by the office"."""
    return bool(re.search(r"\bstop(?:ped|ping)? (?:by|in|at|over)\b", text)) and not re.search(
        rf"\b{_NEG}\s+(?:\w+\s+){{0,2}}?{_CONTACT}\b", text
    )
