"""Start-up checks of the web process: no public development secret ever serves the world.

`dialer serve`, gunicorn (config/gunicorn.conf.py) and the wsgi app call these before a
request is taken. Without DIALER_ENV=development the web process needs a real SECRET_KEY and
real Twilio credentials; with it, the development values are accepted on a loopback address
only (they are published in the source: anyone could forge a session or sign a webhook).
The refusal is one line that names the settings and never shows any part of their values.
"""

from __future__ import annotations

from collections.abc import Iterable

from config.errors import ConfigurationError
from config.settings import Settings, ip_address_of

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost; False for 0.0.0.0, :: and every other host."""
    name = host.strip().strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    address = ip_address_of(name)
    return address is not None and address.is_loopback


def bind_host(bind: str) -> str:
    """'0.0.0.0:5000' -> '0.0.0.0'; '[::1]:80' -> '::1'; 'unix:/run/x.sock' -> 'unix'."""
    if bind.startswith("unix:"):
        return "unix"
    if bind.startswith("["):
        return bind[1 : bind.index("]")]
    host, _, _ = bind.rpartition(":")
    return host or bind


def check_web_start(settings: Settings, binds: Iterable[str] = ()) -> None:
    """Raise ConfigurationError (one line) when this web process would be unsafe to start."""
    development = settings.development_secrets()
    if not development:
        return
    names = ", ".join(development)
    if not settings.is_development:
        msg = (
            f"refusing to start the web process: set {names} to real values "
            "(or DIALER_ENV=development to run locally on 127.0.0.1)"
        )
        raise ConfigurationError(msg)
    public = [b for b in binds if bind_host(b) != "unix" and not is_loopback(bind_host(b))]
    if public:
        msg = (
            f"refusing to listen on {', '.join(public)} with the development {names}: "
            "bind to 127.0.0.1 or set real values"
        )
        raise ConfigurationError(msg)


def default_serve_host(settings: Settings) -> str:
    """Development listens on loopback unless told otherwise; a deployment on every address."""
    return "127.0.0.1" if settings.is_development else "0.0.0.0"  # noqa: S104
