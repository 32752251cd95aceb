"""English, Simplified Chinese and Spanish, chosen per user (users.language).

The translations are kept as .po files in console/translations and compiled to .mo when the app
starts (into a cache directory keyed by the .po's content), so a fresh clone needs no extra step.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, request
from flask_babel import Babel
from flask_login import current_user

SOURCE_DIR = Path(__file__).resolve().parent / "translations"
LANGUAGES = ("en", "zh", "es")
babel = Babel()


def init_i18n(app: Flask) -> None:
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    app.config["BABEL_DEFAULT_TIMEZONE"] = "UTC"
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compile_translations())
    babel.init_app(app, locale_selector=select_locale)


def select_locale() -> str:
    language = getattr(current_user, "language", None) if current_user else None
    if getattr(current_user, "is_authenticated", False) and language in LANGUAGES:
        return str(language)
    return request.accept_languages.best_match(LANGUAGES) or "en"


def compile_translations(source: Path = SOURCE_DIR) -> Path:
    """Compile every <lang>/LC_MESSAGES/messages.po under `source`; returns the .mo directory."""
    pos = sorted(source.glob("*/LC_MESSAGES/messages.po"))
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in pos)).hexdigest()[:16]
    target = Path(tempfile.gettempdir()) / f"dialer-console-i18n-{digest}"
    for po in pos:
        language = po.parent.parent.name
        mo = target / language / "LC_MESSAGES" / "messages.mo"
        if mo.exists():
            continue
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        partial = mo.with_suffix(f".{os.getpid()}.tmp")
        with partial.open("wb") as handle:
            write_mo(handle, catalog)
        partial.replace(mo)
    return target
