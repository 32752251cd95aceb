"""Jinja filters and globals: local times, money, masked phone numbers, permissions."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Flask

from dialer.admin.accounts import Permission
from dialer.cases.dispositions import mask


def local_time(moment: datetime | None, zone: ZoneInfo | str | None = None) -> str:
    if moment is None:
        return "—"
    if zone is None:
        return moment.strftime("%Y-%m-%d %H:%M UTC")
    info = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)
    return moment.astimezone(info).strftime("%Y-%m-%d %H:%M ") + (info.key or "")


def money(amount: Decimal | None, currency: str = "") -> str:
    if amount is None:
        return "—"
    return f"{currency} {amount:,.2f}".strip()


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def as_json(value: object) -> str:
    """JSON as people read it: names in their own script ("李娜", never "\\u674e\\u5a1c");
    the template's autoescaping makes it safe in HTML."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def register_filters(app: Flask) -> None:
    app.jinja_env.filters["as_json"] = as_json
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["mask"] = mask
    app.jinja_env.filters["percent"] = percent
    app.jinja_env.globals["Permission"] = Permission
