"""The synthetic portfolio: deterministic, valid, and as varied as promised."""

from __future__ import annotations

import csv
from pathlib import Path

import phonenumbers

from dialer.compliance.zones import phone_zones, postal_lookup
from dialer.demo.portfolio import write_portfolio
from dialer.importing.case_rows import validate_case_row
from dialer.importing.history_rows import validate_history_row


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_same_seed_same_files(tmp_path: Path) -> None:
    for name in ("a", "b"):
        write_portfolio(tmp_path / f"{name}.csv", consumers=50, seed=3,
                        history_path=tmp_path / f"{name}.h.csv")  # fmt: skip
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert (tmp_path / "a.h.csv").read_bytes() == (tmp_path / "b.h.csv").read_bytes()


def test_every_row_validates_and_covers_the_variety(tmp_path: Path) -> None:
    summary = write_portfolio(tmp_path / "p.csv", consumers=600, seed=11,
                              history_path=tmp_path / "h.csv")  # fmt: skip
    cases = rows(tmp_path / "p.csv")
    assert len(cases) == summary.debts > summary.consumers == 600
    checks = [validate_case_row(n + 2, row) for n, row in enumerate(cases)]
    assert [c.errors for c in checks if c.errors] == []
    assert [c.warnings for c in checks if c.warnings] == []
    numbers = [row["phone1"] for row in cases]
    assert all(phonenumbers.is_valid_number(phonenumbers.parse(n)) for n in numbers)
    zones = {postal_lookup("US", row["postal_code"])[0] for row in cases if row["country"] == "US"}
    assert {"America/New_York", "America/Chicago", "America/Denver", "America/Phoenix",
            "America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu"} <= zones  # fmt: skip
    assert {row["language"] for row in cases} == {"en", "es", "zh"}
    assert {row["country"] for row in cases} == {"US", "CN"}
    flags = ";".join(row["flags"] for row in cases)
    for flag in ("cease_communication", "dispute_pending", "bankruptcy"):
        assert flag in flags
    assert any(row["attorney_name"] for row in cases)
    assert any(row["phone1_opt_out"] for row in cases)
    away = [
        row for row in cases
        if row["country"] == "US"
        and postal_lookup("US", row["postal_code"])[0] not in phone_zones(row["phone1"])
    ]  # fmt: skip
    assert away, "some mobiles should have an area code in another zone than the address"
    history = rows(tmp_path / "h.csv")
    assert len(history) == summary.history_rows > 0
    assert all(validate_history_row(n + 2, row)[0] is not None for n, row in enumerate(history))
