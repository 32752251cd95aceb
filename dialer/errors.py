"""One error hierarchy for the whole service (a bad setting raises
config.errors.ConfigurationError: config imports nothing from the dialer)."""

from __future__ import annotations


class DialerError(Exception):
    """Base class of every error the dialer raises on purpose."""


class InputError(DialerError):
    """Bad input from a user or a file; the message says where and why."""


class NotFoundError(DialerError):
    """A case, consumer, attempt or campaign that does not exist."""


class LimitTooLooseError(InputError):
    """An admin limit is looser than an applicable rule pack allows."""
