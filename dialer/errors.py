"""One error hierarchy for the whole service."""

from __future__ import annotations


class DialerError(Exception):
    """Base class of every error the dialer raises on purpose."""


class ConfigurationError(DialerError):
    """A setting is missing or invalid; the message names the variable."""


class InputError(DialerError):
    """Bad input from a user or a file; the message says where and why."""


class NotFoundError(DialerError):
    """A case, consumer, attempt or campaign that does not exist."""


class LimitTooLooseError(InputError):
    """An admin limit is looser than an applicable rule pack allows."""
