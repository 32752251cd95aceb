"""Twilio's webhook signature (X-Twilio-Signature) and connection-override fragments."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit, urlunsplit


def signature(auth_token: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    """base64(HMAC-SHA1(token, url + sorted names, each with its sorted distinct values))."""
    grouped: dict[str, set[str]] = {}
    for name, value in params:
        grouped.setdefault(name, set()).add(value)
    payload = url
    for name in sorted(grouped):
        for value in sorted(grouped[name]):
            payload += name + value
    digest = hmac.new(auth_token.encode("utf-8"), payload.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


@dataclass(frozen=True)
class ConnectionOverrides:
    """The `#ct=..&rt=..&tt=..&rc=..&rp=..` fragment Twilio honours on webhook URLs."""

    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    total_timeout: float = 15.0
    retry_count: int = 1
    retry_policy: frozenset[str] = frozenset({"ct"})

    def retries_on(self, reason: str) -> bool:
        return "all" in self.retry_policy or reason in self.retry_policy


def split_overrides(url: str) -> tuple[str, ConnectionOverrides]:
    """The URL Twilio requests (without fragment) and the overrides read from the fragment."""
    parts = urlsplit(url)
    bare = urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
    if not parts.fragment:
        return bare, ConnectionOverrides()
    found = dict(parse_qsl(parts.fragment))

    def millis(key: str, default: float, low: int, high: int) -> float:
        try:
            return min(max(int(found[key]), low), high) / 1000.0
        except (KeyError, ValueError):
            return default

    try:
        retry_count = min(max(int(found.get("rc", "1")), 0), 5)
    except ValueError:
        retry_count = 1
    policy = frozenset(p.strip() for p in found.get("rp", "ct").split(",") if p.strip())
    return bare, ConnectionOverrides(
        connect_timeout=millis("ct", 5.0, 100, 10000),
        read_timeout=millis("rt", 15.0, 100, 15000),
        total_timeout=millis("tt", 15.0, 100, 15000),
        retry_count=retry_count,
        retry_policy=policy or frozenset({"ct"}),
    )
