"""Reading inbound SMS in the consumer's language (English, Spanish, Chinese).

What a text can say: opt out (a keyword or a sentence, of texts, calls or everything), opt back
in, ask for help, report a wrong number, dispute the debt, or anything else (for an agent).
Missing an opt-out is worse than a false one, so a sentence that asks to stop contact counts
even without a keyword; "stop" inside another word ("stopped", "nonstop") does not.

Scope of a sentence: the media it *negates* ("stop texting me, call me instead" stops texts
only); a request that names no medium, or names both, stops everything (the strict reading).

The words live in the tables of `dialer/compliance/sms_phrases.py`; this module only applies
them. Reading is linear in the body's length: NUL and control characters are dropped and the
body is capped at `MAX_BODY_CHARS` before any matching, and no pattern can backtrack over an
unbounded run.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from dialer.compliance import sms_phrases as phrases
from dialer.vocabulary import Channel

MAX_BODY_CHARS = 2000  # Twilio joins a long SMS up to 1,600 characters; the rest is noise
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CLAUSE_BREAK = re.compile(r"[.!?;:,，。！？；：、\n\"()\[\]]+")
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_EDGE_CHARS = " \t\r\n.!?,;:'\"，。！？；：、…~-*"


class SmsIntent(StrEnum):
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"
    WRONG_NUMBER = "wrong_number"
    DISPUTE = "dispute"
    OTHER = "other"


class OptOutScope(StrEnum):
    SMS = "sms"  # this medium (a keyword reply to a text)
    CALLS = "calls"
    ALL = "all"


@dataclass(frozen=True, slots=True)
class SmsReading:
    """What one inbound text says. `intent` is the most important thing it says; a text can
    also report a wrong number or dispute the debt while opting out ("wrong number, stop")."""

    intent: SmsIntent
    scope: OptOutScope | None = None  # for OPT_OUT
    keyword: bool = False  # a single keyword rather than a sentence
    wrong_number: bool = False
    dispute: bool = False
    asks_for_calls: bool = False  # a texts-only opt-out that asks to be called instead

    @property
    def channels(self) -> frozenset[Channel]:
        if self.scope is OptOutScope.SMS:
            return frozenset({Channel.SMS})
        if self.scope is OptOutScope.CALLS:
            return frozenset({Channel.CALL})
        if self.scope is OptOutScope.ALL:
            return frozenset({Channel.CALL, Channel.SMS})
        return frozenset()

    @property
    def handled_automatically(self) -> bool:
        """A bare keyword needs no person; anything else goes to the agents' inbox."""
        return self.keyword


def clean_body(body: str) -> str:
    """The body as it is read: NUL and control characters dropped, at most MAX_BODY_CHARS."""
    return _CONTROL.sub("", body[: MAX_BODY_CHARS * 2])[:MAX_BODY_CHARS]


def normalise(body: str) -> str:
    """Lower case, compatibility forms folded, accents dropped ("MÁS" -> "mas"), one space."""
    text = unicodedata.normalize("NFKC", clean_body(body)).lower()
    text = text.replace("’", "'").replace("‘", "'").replace("´", "'")
    decomposed = unicodedata.normalize("NFD", text)
    text = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(text.split())


def read_inbound_sms(body: str) -> SmsReading:
    """The intent of an inbound SMS, and for opt-outs which channel(s) it covers."""
    if len(body) <= MAX_BODY_CHARS:
        return _read_body(body)  # the engine reads the same few bodies again and again
    return _read(normalise(body))


@lru_cache(maxsize=4096)
def _read_body(body: str) -> SmsReading:
    return _read(normalise(body))


def interpret_inbound_sms(body: str) -> SmsIntent:
    return read_inbound_sms(body).intent


@lru_cache(maxsize=4096)
def _read(text: str) -> SmsReading:
    bare = text.strip(_EDGE_CHARS)
    if bare in phrases.OPT_OUT_WORDS:
        return SmsReading(SmsIntent.OPT_OUT, OptOutScope.SMS, keyword=True)
    if bare in phrases.OPT_IN_WORDS:
        return SmsReading(SmsIntent.OPT_IN, keyword=True)
    if bare in phrases.HELP_WORDS:
        return SmsReading(SmsIntent.HELP, keyword=True)
    dispute = _says_dispute(text)
    wrong_number = not dispute and _says_wrong_number(text)
    scope = _opt_out_scope(text)
    calls_wanted = scope is OptOutScope.SMS and _asks_for_calls(text)
    if scope is not None:
        intent = SmsIntent.OPT_OUT
    elif wrong_number:
        intent = SmsIntent.WRONG_NUMBER
    elif dispute:
        intent = SmsIntent.DISPUTE
    else:
        intent = SmsIntent.OTHER
    return SmsReading(
        intent, scope, wrong_number=wrong_number, dispute=dispute, asks_for_calls=calls_wanted
    )


def _clauses(text: str) -> list[tuple[str, ...]]:
    return [tuple(_WORD.findall(part)) for part in _CLAUSE_BREAK.split(text) if part.strip()]


def _opt_out_scope(text: str) -> OptOutScope | None:
    """The media a sentence asks to stop, or None when it asks nothing of the kind."""
    found: set[OptOutScope] = set()
    for words in _clauses(text):
        found |= _negated_media(words)
        if _whole_clause_request(words) or _has_phrase(words, phrases.STOP_PHRASES):
            found.add(OptOutScope.ALL)
    found |= _han_negated_media(text)
    if any(phrase in text for phrase in phrases.HAN_STOP_PHRASES):
        found.add(OptOutScope.ALL)
    if not found:
        return None
    if found == {OptOutScope.SMS}:
        return OptOutScope.SMS
    if found == {OptOutScope.CALLS}:
        return OptOutScope.CALLS
    return OptOutScope.ALL


def _negated_media(words: tuple[str, ...]) -> set[OptOutScope]:
    """Media named within a few words after a negation: "don't (ever) call", "no más mensajes"."""
    found: set[OptOutScope] = set()
    for start in range(len(words)):
        length = _phrase_at(words, start, phrases.NEGATIONS)
        if not length:
            continue
        if _phrase_at(words, start + length, phrases.NOT_ABOUT_CONTACT):
            continue  # "can't stop by today"
        reach = phrases.NEGATIONS[words[start : start + length]]
        window = words[start + length : start + length + reach]
        for word in window:
            medium = phrases.MEDIA.get(word)
            if medium is not None:
                found.add(OptOutScope(medium))
    return found


def _whole_clause_request(words: tuple[str, ...]) -> bool:
    """A clause that is only a stop word and politeness: "stop please", "basta ya"."""
    if not any(word in phrases.CLAUSE_STOP_WORDS for word in words):
        return False
    return all(w in phrases.CLAUSE_STOP_WORDS or w in phrases.FILLERS for w in words)


def _phrase_at(words: tuple[str, ...], start: int, table: Container[tuple[str, ...]]) -> int:
    """The length of the longest phrase of `table` that starts at words[start], or 0."""
    best = 0
    for size in range(1, phrases.LONGEST_PHRASE + 1):
        if start + size <= len(words) and words[start : start + size] in table:
            best = size
    return best


def _has_phrase(words: tuple[str, ...], table: frozenset[tuple[str, ...]]) -> bool:
    return any(_phrase_at(words, start, table) for start in range(len(words)))


def _han_negated_media(text: str) -> set[OptOutScope]:
    found: set[OptOutScope] = set()
    for match in phrases.HAN_NEGATED_MEDIUM.finditer(text):
        found.add(OptOutScope(phrases.HAN_MEDIA[match.group("medium")]))
    if _han_core(text) in phrases.HAN_STOP_WORDS:
        found.add(OptOutScope.ALL)
    return found


def _han_core(text: str) -> str:
    """The text without punctuation, spaces and politeness: "请停止！" -> "停止"."""
    core = "".join(c for c in text if unicodedata.category(c)[0] not in "PZS")
    for filler in phrases.HAN_FILLERS:
        core = core.replace(filler, "")
    return core


def _asks_for_calls(text: str) -> bool:
    """ "call me instead", "mejor llámenme", "打电话给我", in a clause that negates nothing."""
    for words in _clauses(text):
        if _has_phrase(words, phrases.CALL_REQUESTS) and not _negated_media(words):
            return True
    han = any(phrase in text for phrase in phrases.HAN_CALL_REQUESTS)
    return han and OptOutScope.CALLS not in _han_negated_media(text)


def _says_wrong_number(text: str) -> bool:
    if any(phrase in text for phrase in phrases.HAN_WRONG_NUMBER):
        return True
    return any(
        _has_phrase(words, phrases.WRONG_NUMBER_PHRASES) for words in _clauses(text)
    ) or bool(phrases.NOT_THIS_PERSON.search(text))


def _says_dispute(text: str) -> bool:
    if any(phrase in text for phrase in phrases.HAN_DISPUTE):
        return True
    return any(_has_phrase(words, phrases.DISPUTE_PHRASES) for words in _clauses(text))
