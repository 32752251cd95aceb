"""Structured logs (structlog) that never hold a full phone number, a name or a balance."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

# E.164 and written forms ("+1 (617) 555-0100", "617-555-0100", "6175550100"), not dates
# ("2026-03-17"), times or small ids.
_PHONE = re.compile(
    r"\+\d[\d\s().-]{5,}\d"
    r"|\(?\b\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}\b"
    r"|\b\d{10,15}\b"
)
_DROP = frozenset(
    {
        "name",
        "first_name",
        "last_name",
        "full_name",
        "consumer_name",
        "agent_name",
        "balance",
        "amount",
        "body",
        "address",
        "address_line",
    }
)


# Libraries that log at INFO on every scheduler run (every 2 s) or every HTTP request (with the
# numbers in the URL): quiet unless the process runs at DEBUG.
QUIET_LIBRARIES = ("apscheduler", "twilio")


def mask_phone(text: str) -> str:
    """'+16175550100' -> '+*******0100' (the last four digits stay, for support)."""

    def _mask(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group(0))
        if len(digits) < 7:
            return match.group(0)
        return "+" + "*" * (len(digits) - 4) + digits[-4:]

    return _PHONE.sub(_mask, text)


def redact(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:  # noqa: ANN401
    """structlog processor: drop personal fields, mask phone numbers in every string."""
    for key in list(event):
        if key.lower() in _DROP:
            del event[key]
            continue
        event[key] = _clean(event[key])
    return event


def _clean(value: Any) -> Any:  # noqa: ANN401 - any logged value
    if isinstance(value, str):
        return mask_phone(value)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if str(k).lower() not in _DROP}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def _renderer(log_format: str) -> Any:  # noqa: ANN401 - a structlog renderer
    if log_format == "json":
        return structlog.processors.JSONRenderer()
    return structlog.dev.ConsoleRenderer(colors=False)


def configure_logging(*, log_format: str = "console", level: str = "INFO") -> None:
    """Once per process, in its composition root.

    structlog events and the standard library's records (gunicorn, SQLAlchemy, our modules
    that use `logging`) go through the same chain: the exception rendered as text (kept in
    JSON lines as "exception"), then redaction, then the renderer.
    """
    stamp = structlog.processors.TimeStamper(fmt="iso", utc=True)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[structlog.stdlib.add_log_level, stamp],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                redact,
                _renderer(log_format),
            ],
        )
    )
    logging.basicConfig(handlers=[handler], level=level.upper(), force=True)
    # The twilio client's INFO lines carry every request's parameters (To, From, Body):
    # WARNING unless the process runs at DEBUG (and then they are masked like every line).
    quiet = logging.DEBUG if level.upper() == "DEBUG" else logging.WARNING
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(quiet)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            stamp,
            structlog.processors.format_exc_info,
            redact,
            _renderer(log_format),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )


def get_logger(name: str) -> Any:  # noqa: ANN401 - structlog's BoundLogger is loosely typed
    """A logger; if no composition root configured logging yet, redaction is still on."""
    if not structlog.is_configured():
        structlog.configure(
            processors=[
                structlog.processors.add_log_level,
                structlog.processors.TimeStamper(fmt="iso", utc=True),
                structlog.processors.format_exc_info,
                redact,
                structlog.dev.ConsoleRenderer(colors=False),
            ]
        )
    return structlog.get_logger(name)
