"""The settings' own error: config is the lowest layer and depends on nothing in the dialer."""

from __future__ import annotations


class ConfigurationError(Exception):
    """A setting is missing or invalid; the message names the variable.

    Not a `dialer.errors.DialerError` (config must not import the dialer); the `dialer` command
    reports both the same way (one line, exit status 2).
    """
