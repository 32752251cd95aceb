"""A deterministic synthetic portfolio: the cases CSV (and optionally a history CSV).

Consumers in every US time zone (Arizona, Hawaii, Alaska included), in states split between
zones (Indiana, Florida's 850 panhandle, El Paso's 915, Kentucky, Tennessee, the Dakotas), and
in China; English, Spanish and Chinese speakers; disputes, cease requests, attorneys, opt-outs,
and mobiles whose area code sits in another zone than the address. Same seed, same files.

The numbers are valid for `phonenumbers` but otherwise random: they may belong to real
subscribers. Use generated portfolios only with the local Twilio emulator.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

import phonenumbers

from dialer.importing.case_rows import CASE_COLUMNS
from dialer.importing.history_rows import HISTORY_COLUMNS

# (country, state, city, postal code, area codes, zone)
LOCATIONS = (
    ("US", "MA", "Cambridge", "02139", ("617", "857"), "America/New_York"),
    ("US", "NY", "New York", "10001", ("212", "917", "646"), "America/New_York"),
    ("US", "GA", "Atlanta", "30303", ("404", "678"), "America/New_York"),
    ("US", "FL", "Miami", "33130", ("305", "786"), "America/New_York"),
    ("US", "FL", "Pensacola", "32501", ("850",), "America/Chicago"),
    ("US", "IN", "Indianapolis", "46204", ("317",), "America/Indiana/Indianapolis"),
    ("US", "IN", "Gary", "46402", ("219",), "America/Chicago"),
    ("US", "KY", "Louisville", "40202", ("502",), "America/Kentucky/Louisville"),
    ("US", "KY", "Bowling Green", "42101", ("270",), "America/Chicago"),
    ("US", "TN", "Knoxville", "37902", ("865",), "America/New_York"),
    ("US", "TN", "Nashville", "37201", ("615",), "America/Chicago"),
    ("US", "IL", "Chicago", "60601", ("312", "773"), "America/Chicago"),
    ("US", "TX", "Houston", "77002", ("713", "832"), "America/Chicago"),
    ("US", "TX", "El Paso", "79901", ("915",), "America/Denver"),
    ("US", "ND", "Fargo", "58102", ("701",), "America/Chicago"),
    ("US", "ND", "Dickinson", "58601", ("701",), "America/Denver"),
    ("US", "SD", "Sioux Falls", "57104", ("605",), "America/Chicago"),
    ("US", "SD", "Rapid City", "57701", ("605",), "America/Denver"),
    ("US", "CO", "Denver", "80202", ("303", "720"), "America/Denver"),
    ("US", "AZ", "Phoenix", "85004", ("602", "480"), "America/Phoenix"),
    ("US", "CA", "Los Angeles", "90012", ("213", "323"), "America/Los_Angeles"),
    ("US", "CA", "San Francisco", "94103", ("415",), "America/Los_Angeles"),
    ("US", "WA", "Seattle", "98101", ("206",), "America/Los_Angeles"),
    ("US", "AK", "Anchorage", "99501", ("907",), "America/Anchorage"),
    ("US", "HI", "Honolulu", "96813", ("808",), "Pacific/Honolulu"),
    ("CN", "BJ", "北京", "100010", (), "Asia/Shanghai"),
    ("CN", "SH", "上海", "200001", (), "Asia/Shanghai"),
    ("CN", "GD", "广州", "510000", (), "Asia/Shanghai"),
    ("CN", "ZJ", "杭州", "310000", (), "Asia/Shanghai"),
    ("CN", "SC", "成都", "610000", (), "Asia/Shanghai"),
    ("CN", "XJ", "乌鲁木齐", "830000", (), "Asia/Shanghai"),
)
CN_MOBILE_PREFIXES = ("130", "135", "138", "139", "150", "158", "186", "188", "189", "177")
NAMES = {
    "en": (("James", "Mary", "Robert", "Linda", "Michael", "Sarah", "David", "Karen"),
           ("Smith", "Johnson", "Brown", "Miller", "Davis", "Wilson", "Moore", "Taylor")),
    "es": (("José", "María", "Luis", "Carmen", "Juan", "Ana", "Carlos", "Lucía"),
           ("García", "Martínez", "López", "Hernández", "González", "Pérez", "Sánchez", "Ramírez")),
    "zh": (("伟", "芳", "娜", "敏", "静", "丽", "强", "磊"),
           ("王", "李", "张", "刘", "陈", "杨", "赵", "黄")),
}  # fmt: skip
CREDITORS = ("Acme Bank", "Northwind Card Services", "Contoso Auto Finance", "Fabrikam Medical")
CN_CREDITORS = ("华夏消费金融", "星河银行信用卡中心")
WINDOWS = ("18:00-21:00", "mon,tue,wed,thu,fri 09:00-12:00", "sat,sun 08:00-11:00", "12:00-13:00")
STAGES = ("new", "new", "new", "reminder", "follow_up", "agent")
DEFAULT_HISTORY_START = datetime(2026, 3, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class PortfolioSummary:
    path: Path
    consumers: int
    debts: int
    history_path: Path | None
    history_rows: int


class _Numbers:
    """Unique valid numbers from a seeded generator (retries until phonenumbers accepts)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def us(self, area: str) -> str:
        while True:
            exchange = self.rng.randint(200, 999)
            if exchange % 100 == 11 or exchange == 555:
                continue
            number = f"+1{area}{exchange}{self.rng.randint(0, 9999):04d}"
            if number not in self.used and _valid(number):
                self.used.add(number)
                return number

    def cn(self) -> str:
        while True:
            number = f"+86{self.rng.choice(CN_MOBILE_PREFIXES)}{self.rng.randint(0, 10**8 - 1):08d}"
            if number not in self.used and _valid(number):
                self.used.add(number)
                return number


def _valid(number: str) -> bool:
    return phonenumbers.is_valid_number(phonenumbers.parse(number, None))


def write_portfolio(
    path: Path,
    *,
    consumers: int,
    seed: int,
    history_path: Path | None = None,
    history_start: datetime | None = None,
) -> PortfolioSummary:
    """Write `consumers` consumers (1 to 3 debts each) to path, and their past contacts."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    numbers = _Numbers(rng)
    start = history_start or DEFAULT_HISTORY_START
    debts = history_rows = 0
    with ExitStack() as files:
        cases = csv.DictWriter(files.enter_context(_open(path)), fieldnames=CASE_COLUMNS)
        cases.writeheader()
        history = None
        if history_path is not None:
            history = csv.DictWriter(files.enter_context(_open(history_path)), HISTORY_COLUMNS)
            history.writeheader()
        for index in range(consumers):
            zone, rows = _consumer_rows(rng, numbers, index)
            cases.writerows(rows)
            debts += len(rows)
            if history is not None and rng.random() < 0.3:
                past = list(_history(rng, rows[0], start, ZoneInfo(zone)))
                history.writerows(past)
                history_rows += len(past)
    return PortfolioSummary(path, consumers, debts, history_path, history_rows)


def _open(path: Path) -> TextIO:
    return path.open("w", newline="", encoding="utf-8")


def _consumer_rows(
    rng: random.Random, numbers: _Numbers, index: int
) -> tuple[str, list[dict[str, str]]]:
    country, state, city, postal, areas, zone = rng.choice(LOCATIONS)
    weights = (0, 0, 1) if country == "CN" else (75, 20, 5)
    language = rng.choices(("en", "es", "zh"), weights=weights)[0]
    firsts, lasts = NAMES[language]
    consumer = {
        "consumer_ref": f"C{index + 1:07d}",
        "first_name": rng.choice(firsts),
        "last_name": rng.choice(lasts),
        "language": language,
        "country": country,
        "state": state,
        "postal_code": postal,
        "city": city,
        "confirmed_timezone": zone if rng.random() < 0.08 else "",
        "inconvenient_times": rng.choice(WINDOWS) if rng.random() < 0.1 else "",
        **_phones(rng, numbers, country, areas),
        **_flags(rng),
    }
    count = 1 + (rng.random() < 0.25) + (rng.random() < 0.05)
    return zone, [_debt_row(rng, consumer, n, index) for n in range(count)]


def _debt_row(rng: random.Random, consumer: dict[str, str], n: int, index: int) -> dict[str, str]:
    country = consumer["country"]
    creditor = rng.choice(CN_CREDITORS if country == "CN" else CREDITORS)
    flags = consumer["flags"]
    if n == 0 and rng.random() < 0.04:
        flags = ";".join(filter(None, (flags, "dispute_pending")))
    return {
        **consumer,
        "flags": flags,
        "debt_ref": f"D{index + 1:07d}-{n + 1}",
        "creditor": creditor,
        "balance": f"{rng.randint(50, 2_500_000) / 100:.2f}",
        "currency": "CNY" if country == "CN" else "USD",
        "days_past_due": str(rng.choice((5, 15, 30, 45, 60, 90, 120, 180))),
        "stage": rng.choice(STAGES),
    }


def _phones(
    rng: random.Random, numbers: _Numbers, country: str, areas: tuple[str, ...]
) -> dict[str, str]:
    if country == "CN":
        return {"phone1": numbers.cn(), "phone1_type": "mobile", "phone1_consent": "yes"}
    home = rng.choice(areas)
    if rng.random() < 0.08:  # a mobile kept from another part of the country
        home_zone_areas = [a for loc in LOCATIONS for a in loc[4] if a not in areas]
        mobile_area = rng.choice(home_zone_areas)
    else:
        mobile_area = home
    opt_out = rng.choices(("", "sms", "all"), weights=(95, 4, 1))[0]
    phones = {
        "phone1": numbers.us(mobile_area),
        "phone1_type": "mobile",
        "phone1_consent": "yes" if rng.random() < 0.7 else "no",
        "phone1_opt_out": opt_out,
    }
    if rng.random() < 0.4:
        phones |= {"phone2": numbers.us(home), "phone2_type": "landline", "phone2_consent": "no"}
    if rng.random() < 0.1:
        phones |= {"phone3": numbers.us(home), "phone3_type": "work", "phone3_consent": "no"}
    return phones


def _flags(rng: random.Random) -> dict[str, str]:
    flags = []
    if rng.random() < 0.03:
        flags.append("cease_communication")
    if rng.random() < 0.01:
        flags.append("bankruptcy")
    if rng.random() < 0.003:
        flags.append("deceased")
    fields = {"flags": ";".join(flags)}
    if rng.random() < 0.03:
        fields |= {"attorney_name": "Jordan Counsel LLP", "attorney_phone": "+12125550142"}
    return fields


def _history(
    rng: random.Random, row: dict[str, str], start: datetime, zone: ZoneInfo
) -> Iterator[dict[str, str]]:
    """1-4 past contacts in the 14 days before `start`, at local daytime hours."""
    local_start = start.astimezone(zone)
    moments = sorted(
        (local_start - timedelta(days=rng.randint(1, 14)))
        .replace(hour=rng.randint(9, 18), minute=rng.randint(0, 59), second=0, microsecond=0)
        .astimezone(UTC)
        for _ in range(rng.randint(1, 4))
    )
    for moment in moments:
        at = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        base = {"debt_ref": row["debt_ref"], "at": at, "direction": "outbound", "to": row["phone1"]}
        if rng.random() < 0.6:
            outcome = rng.choices(
                ("conversation", "voicemail", "no_answer", "busy", "wrong_party"),
                weights=(15, 30, 40, 10, 5),
            )[0]
            callback = "yes" if outcome == "conversation" and rng.random() < 0.3 else ""
            yield {**base, "channel": "call", "outcome": outcome, "callback_requested": callback}
        else:
            yield {**base, "channel": "sms", "outcome": rng.choice(("delivered", "sent"))}
    if rng.random() < 0.1:
        late = (moments[-1] + timedelta(minutes=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
        body = "退订" if row["language"] == "zh" else rng.choice(("STOP", "Please stop texting me"))
        yield {"debt_ref": row["debt_ref"], "at": late, "channel": "sms", "direction": "inbound",
               "from": row["phone1"], "body": body}  # fmt: skip
