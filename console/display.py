"""What the domain stores in English, said in the reader's language at display time.

The case record keeps its English summaries for auditors (exports, the audit log, the English
console); the Chinese and Spanish consoles rebuild each line from what the record holds in a
language-neutral form: the reason codes, the event kind and its detail, the decision summary's
parts. Nothing is written back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from babel import Locale, UnknownLocaleError
from flask import Flask
from flask_babel import get_locale
from flask_babel import gettext as _

from dialer.compliance.decision import Reason


def N_(text: str) -> str:
    return text


REASONS = {
    "outside_hours": N_("outside the hours the law allows in the consumer's local time"),
    "inconvenient_time": N_("a time the consumer said is inconvenient"),
    "holiday": N_("a holiday on which no contact is made"),
    "frequency_cap": N_("the most contacts allowed in the period are already made"),
    "post_conversation": N_("too soon after a conversation with the consumer"),
    "opted_out": N_("the number opted out of this channel"),
    "cease_communication": N_("the consumer asked us to stop contacting them"),
    "attorney_represented": N_("the consumer is represented by an attorney"),
    "dispute_pending": N_("the debt is disputed and the dispute is not resolved"),
    "bankruptcy": N_("the consumer is in bankruptcy"),
    "deceased": N_("the consumer is deceased"),
    "no_consent": N_("no consent for automated contact to this number"),
    "invalid_number": N_("the number is invalid"),
    "workplace_prohibited": N_("the consumer may not be contacted at work"),
    "contact_spacing": N_("too soon after the previous contact with this person"),
    "wrong_number": N_("the number belongs to someone else"),
    "third_party": N_("the number is not the consumer's own"),
    "no_usable_phone": N_("no number that may be used"),
    "contact_in_flight": N_("another contact with this person is still in progress"),
}

KINDS = {
    "agent_answered": N_("Agent answered"),
    "agent_bridging": N_("Connecting an agent"),
    "agent_unavailable": N_("No agent free"),
    "callback_requested": N_("Callback requested"),
    "campaign_step": N_("Next campaign step"),
    "campaign_step_skipped": N_("Campaign step skipped"),
    "consumer_leg": N_("Consumer's phone dialled"),
    "contact_blocked": N_("Contact blocked"),
    "dispute": N_("Dispute"),
    "escalated": N_("Escalated"),
    "flag.added": N_("Flag set"),
    "flag.cleared": N_("Flag cleared"),
    "handed_off": N_("Handed off"),
    "identity_confirmed": N_("Identity confirmed"),
    "inbound_call": N_("Inbound call"),
    "inbound_sms": N_("Inbound SMS"),
    "manual_call": N_("Manual call"),
    "opt_out": N_("Opt-out"),
    "preview_call": N_("Call from preview"),
    "sms_filtered": N_("SMS filtered by the carrier"),
    "voicemail": N_("Voicemail"),
    "machine_not_abandoned": N_("Answering machine: not an abandoned call"),
    "inbound_after_hours": N_("Called outside business hours"),
    "wrong_party": N_("Wrong party"),
    "call_ended": N_("Call ended"),
    "attempt_revived": N_("Contact counted as placed"),
    "reaudit_violation": N_("Re-audit finding"),
    "debt_moved_in": N_("Debt moved in"),
    "debt_moved_out": N_("Debt moved out"),
}

CHANNELS = {"call": N_("call"), "sms": N_("SMS")}

# Fixed sentences the system writes as an audit reason or a decision summary.
SYSTEM_TEXTS = (
    N_("changed own console language"),
    N_("agent disposition"),
    N_("in preview on an agent's desk: the agent dials"),
    N_("waiting for a free agent (agent step: one call per free agent)"),
)

_BLOCKED = re.compile(r"^blocked (?P<channel>\w+): (?P<reasons>[\w, ]+?)(?:; next (?P<next>\S+))?$")
_ALLOWED = re.compile(r"^allowed: (?P<channel>\w+) reserved(?P<rest>.*)$")
_WAITING = re.compile(r"^waiting: (?P<code>\w+): .*$")
_SKIPPED = re.compile(r"^skipped in preview by (?P<agent>\S+)$")


def english() -> bool:
    locale = get_locale()
    return locale is None or locale.language == "en"


def reason_text(code: str) -> str:
    """One reason code as a sentence in the reader's language."""
    return _(REASONS[code]) if code in REASONS else _(code)


def reason_line(reason: Reason) -> str:
    """A "why not now" line: the engine's own sentence in English, else its code's."""
    return reason.message if english() else reason_text(reason.code.value)


def reasons_text(codes: object) -> str:
    return _("; ").join(reason_text(str(c)) for c in codes) if isinstance(codes, list) else ""


def channel_text(channel: str) -> str:
    return _(CHANNELS[channel]) if channel in CHANNELS else _(channel)


def kind_text(kind: str) -> str:
    if kind.startswith("disposition."):
        return _("Disposition: %(code)s", code=_(kind.removeprefix("disposition.")))
    if kind.startswith("sms_") and kind not in KINDS:
        return _("SMS %(status)s", status=_(kind.removeprefix("sms_")))
    return _(KINDS[kind]) if kind in KINDS else _(kind)


def event_text(kind: str, summary: str, detail: Mapping[str, Any] | None) -> str:
    """A timeline line: the English summary in English, else rebuilt from kind and detail."""
    if english():
        return summary
    facts = detail or {}
    if kind in {"contact_blocked", "campaign_step_skipped"}:
        return _(
            "%(channel)s: %(reasons)s",
            channel=channel_text(str(facts.get("channel", ""))),
            reasons=reasons_text(facts.get("reasons")),
        )
    if kind in {"flag.added", "flag.cleared"} and facts.get("flag"):
        return _(str(facts["flag"]))
    if kind.startswith("disposition.") and facts.get("notes"):
        return str(facts["notes"])  # the agent's own words, as written
    if kind == "call_ended" and facts.get("outcome"):
        return _(str(facts.get("outcome")))
    return ""


def decision_text(summary: str | None) -> str:
    """A debt's last planning decision ("blocked sms: outside_hours; next ...")."""
    if not summary or english():
        return summary or ""
    if blocked := _BLOCKED.match(summary):
        text = _(
            "%(channel)s blocked: %(reasons)s",
            channel=channel_text(blocked["channel"]),
            reasons=reasons_text(blocked["reasons"].split(", ")),
        )
        return f"{text} → {blocked['next']}" if blocked["next"] else text
    if allowed := _ALLOWED.match(summary):
        return _("%(channel)s allowed and reserved", channel=channel_text(allowed["channel"]))
    if waiting := _WAITING.match(summary):
        return _("waiting: %(reason)s", reason=reason_text(waiting["code"]))
    if skipped := _SKIPPED.match(summary):
        return _("skipped in preview by %(agent)s", agent=skipped["agent"])
    return stored_text(summary)


def stored_text(text: str | None) -> str:
    """A sentence the system wrote, translated when the catalogue knows it; people's own words
    (reasons, notes) are shown as written."""
    return _(text) if text else ""


def language_name(code: str | None) -> str:
    """A consumer's language ("en") named in the reader's language ("英语", "inglés")."""
    if not code:
        return ""
    try:
        return Locale.parse(code).get_display_name(get_locale()) or code
    except (ValueError, UnknownLocaleError):
        return code


def register_display(app: Flask) -> None:
    app.jinja_env.globals.update(
        reason_text=reason_text,
        reason_line=reason_line,
        kind_text=kind_text,
        event_text=event_text,
        decision_text=decision_text,
        channel_text=channel_text,
    )
    app.jinja_env.filters["stored_text"] = stored_text
    app.jinja_env.filters["language_name"] = language_name
