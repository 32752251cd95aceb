"""A moment said aloud, in the consumer's language and local time ("Friday, November 27 at
08:00"): the callback time the IVR scheduled when the one the consumer chose was not lawful."""

from __future__ import annotations

from datetime import datetime

from dialer.vocabulary import Language

_DAYS = {
    Language.EN: ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    Language.ES: ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    Language.ZH: ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"),
}
_MONTHS = {
    Language.EN: (
        "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December",
    ),
    Language.ES: (
        "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
        "septiembre", "octubre", "noviembre", "diciembre",
    ),
}  # fmt: skip


def spoken_moment(local: datetime, language: Language) -> str:
    """`local` (already in the consumer's zone) as the IVR says it."""
    day = _DAYS[language][local.weekday()]
    clock = f"{local:%H:%M}"
    if language is Language.ZH:
        return f"{local.month}月{local.day}日{day}{clock}"
    month = _MONTHS[language][local.month - 1]
    if language is Language.ES:
        return f"el {day} {local.day} de {month} a las {clock}"
    return f"{day}, {month} {local.day}, at {clock}"
