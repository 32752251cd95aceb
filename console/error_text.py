"""The domain's refusals (InputError messages, written in English for logs and the CLI) in the
reader's language: each known message shape is matched and said again from its parameters."""

from __future__ import annotations

import re

from flask_babel import gettext as _

from console.display import english


def N_(text: str) -> str:
    return text


# (pattern of the English message, the message to show; the pattern's groups are its values)
_SHAPES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), message)
    for pattern, message in (
        (r"^the number is empty$", N_("The number is empty.")),
        (r"^not a valid phone number: '(?P<number>[^']*)'$",
         N_("%(number)s is not a valid phone number.")),
        (r"^a reason is required$", N_("A reason is required.")),
        (r"^(?P<number>\S+) is not on the suppression list$",
         N_("%(number)s is not on the suppression list.")),
        (r"^scope '(?P<scope>[^']*)' is not one of .*$",
         N_("The scope %(scope)s is not one of all, sms, call.")),
        (r"^restoring a number needs a reason .*$",
         N_("Restoring a number needs a reason: how it was confirmed.")),
        (r"^password must be at least (?P<n>\d+) characters$",
         N_("The password must be at least %(n)s characters.")),
        (r"^username '(?P<name>[^']*)': use .*$",
         N_("Username %(name)s: use 2-64 lower-case letters, digits, dot, underscore or dash.")),
        (r"^username '(?P<name>[^']*)' is taken$", N_("The username %(name)s is taken.")),
        (r"^phone '(?P<number>[^']*)' is not an E.164 number .*$",
         N_("The phone %(number)s is not an E.164 number like +16175550100.")),
        (r"^a promise to pay needs an amount and a date$",
         N_("A promise to pay needs an amount and a date.")),
        (r"^the promised amount must be more than 0$",
         N_("The promised amount must be more than 0.")),
        (r"^the promised amount is more than the balance (?P<balance>\S+)$",
         N_("The promised amount is more than the balance %(balance)s.")),
        (r"^the promised date (?P<date>\S+) is in the past$",
         N_("The promised date %(date)s is in the past.")),
        (r"^choose which of the consumer's numbers is wrong$",
         N_("Choose which of the consumer's numbers is wrong.")),
        (r"^a callback needs a local date and time$",
         N_("A callback needs a local date and time.")),
        (r"^the callback time is in the past\..*$", N_("The callback time is in the past.")),
        (r"^that callback time is not lawful: .*$", N_("That callback time is not lawful.")),
        (r"^a note is required to resolve a message$",
         N_("A note is required to resolve a message.")),
        (r"^reason: say why the limits change .*$",
         N_("Say why the limits change: the reason is kept with the version.")),
        (r"^scope_key: a (?P<scope>\w+) scope needs a key$",
         N_("Choose the state or campaign this limit applies to.")),
        (r"^scope_key: no campaign '(?P<key>[^']*)'$", N_("There is no campaign %(key)s.")),
        (r"^scope_key: '(?P<key>[^']*)' is not a US state or a CN province$",
         N_("%(key)s is not a US state or a CN province.")),
        (r"^(?P<field>[\w.]+): must be a whole number >= 0$",
         N_("%(field)s: must be a whole number, 0 or more.")),
        (r"^(?P<field>[\w.]+): needs start and end like 09:00$",
         N_("%(field)s: needs a start and an end like 09:00.")),
        (r"^(?P<field>\w+) start (?P<value>\S+) is earlier than (?P<limit>\S+) required by .*$",
         N_("%(field)s: the start %(value)s is earlier than %(limit)s, as the law requires.")),
        (r"^(?P<field>\w+) end (?P<value>\S+) is later than (?P<limit>\S+) required by .*$",
         N_("%(field)s: the end %(value)s is later than %(limit)s, as the law requires.")),
        (r"^(?P<field>\w+) (?P<value>\S+) is higher than (?P<limit>\S+) allowed by .*$",
         N_("%(field)s: %(value)s is more than the %(limit)s the law allows.")),
        (r"^business_hours\.start: '(?P<value>[^']*)' is not a local time .*$",
         N_("Business hours: the opening time %(value)s is not a time like 09:00.")),
        (r"^business_hours\.end: '(?P<value>[^']*)' is not a local time .*$",
         N_("Business hours: the closing time %(value)s is not a time like 20:00.")),
        (r"^business_hours: start (?P<start>\S+) is not before end (?P<end>\S+)$",
         N_("Business hours: opening at %(start)s is not before closing at %(end)s.")),
        (r"^business_hours\.zone: '(?P<zone>[^']*)' is not a time zone name .*$",
         N_("Business hours: %(zone)s is not a time zone name like America/New_York.")),
        (r"^business_hours\.days: name the days .*$",
         N_("Business hours: choose the days agents take calls.")),
        (r"^business_hours\.days: '(?P<day>[^']*)' is not a day .*$",
         N_("Business hours: %(day)s is not a day of the week.")),
        (r"^business_hours\.holidays: '(?P<value>[^']*)' is not a date .*$",
         N_("Business hours: the holiday %(value)s is not a date like 2026-12-25.")),
        (r"^reason: say why the business hours change .*$",
         N_("Say why the business hours change: the reason is kept with the version.")),
        (r"^you have no phone number: .*$",
         N_("You have no phone number: an admin adds one on the Users page.")),
        (r"^your line is already connected \(or being called\): .*$",
         N_("Your line is already connected (or being called): hang it up first.")),
        (r"^no active campaign has a caller ID to call your phone from$",
         N_("No active campaign has a caller ID to call your phone from.")),
        (r"^your line is not connected$", N_("Your line is not connected.")),
        (r"^no active user with id (?P<id>\d+)$", N_("There is no active user %(id)s.")),
    )
)  # fmt: skip


LIMIT_FIELDS = {
    "call_hours": N_("Call hours"),
    "sms_hours": N_("SMS hours"),
    "max_calls_per_day": N_("Calls per day"),
    "max_calls_per_week": N_("Calls per week"),
    "max_sms_per_day": N_("SMS per day"),
    "max_sms_per_week": N_("SMS per week"),
    "min_minutes_between_contacts": N_("Minutes between contacts with a person"),
    "calls_per_second": N_("Calls per second"),
    "max_concurrent_calls": N_("Concurrent calls at most"),
}


def field_text(field: str) -> str:
    """A limit's name as the form labels it ("limits.max_calls_per_day": "Calls per day")."""
    name = field.rsplit(".", 1)[-1]
    return _(LIMIT_FIELDS[name]) if name in LIMIT_FIELDS else name


def error_text(message: str) -> str:
    """A refusal in the reader's language (English: as the domain wrote it)."""
    if english():
        return message
    for pattern, shown in _SHAPES:
        found = pattern.match(message)
        if found:
            values = found.groupdict()
            if "field" in values:
                values["field"] = field_text(values["field"])
            return _(shown, **values)
    return _("The input was refused: %(detail)s", detail=message)


def error_of(exc: BaseException) -> str:
    return error_text(str(exc))
