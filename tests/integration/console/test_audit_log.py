"""Supervisors and admins read the audit log: filtered, newest first, paged, and as CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from flask import Flask

from dialer.admin.audit_log import PAGE_SIZE
from dialer.bootstrap import Services
from dialer.cases.record import add_audit_entry
from dialer.db.engine import transaction
from tests.integration.console.conftest import login
from tests.integration.console.seed import Seeded


def _entries(services: Services, count: int, *, actor: str = "alice") -> None:
    start = services.clock.now()
    with transaction(services.sessions) as session:
        for n in range(count):
            add_audit_entry(
                session,
                at=start + timedelta(seconds=n),
                actor=actor,
                action="limits.change" if n % 2 else "consumer.flag.clear",
                entity="consumer",
                entity_id=str(n),
                before={"n": n},
                after={"n": n + 1},
                reason='=HYPERLINK("x")' if n == 0 else f"change {n}",
            )


def test_a_supervisor_filters_pages_and_downloads_the_audit_log(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    _entries(services, PAGE_SIZE + 5)
    _entries(services, 2, actor="sam")
    client = app.test_client()
    login(client, "sam")
    page = client.get("/audit").text
    assert "Audit log" in page
    assert page.index("change 1<") < page.index("change 104")  # sam's, written last, first
    flags = client.get("/audit?actor=alice&action=consumer.flag").text
    assert "consumer.flag.clear" in flags
    assert "limits.change" not in flags
    first = client.get("/audit?actor=alice").text
    assert "change 104" in first
    assert "HYPERLINK" not in first  # the oldest is on the next page
    older = re.search(r'href="(/audit\?[^"]*before=\d+[^"]*)"', first)
    assert older is not None  # more than a page: a link to the next one
    second = client.get(older.group(1).replace("&amp;", "&")).text
    assert "HYPERLINK" in second
    assert "change 104" not in second
    exported = client.get("/audit?actor=alice&format=csv")
    assert exported.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(rows) == PAGE_SIZE + 5
    assert rows[0]["reason"] == "change 104"  # newest first
    assert rows[-1]["reason"].startswith("'=")  # never a formula in a spreadsheet
    assert rows[-1]["before"] == '{"n": 0}'


def test_an_agent_cannot_read_the_audit_log(app: Flask, seeded: Seeded) -> None:
    client = app.test_client()
    login(client, "ann")
    assert client.get("/audit").status_code == 403
    assert "Audit log" not in client.get("/desk").text


def test_names_in_the_audit_log_are_shown_as_written(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    with transaction(services.sessions) as session:
        add_audit_entry(
            session,
            at=services.clock.now(),
            actor="alice",
            action="user.create",
            entity="user",
            entity_id="li",
            before=None,
            after={"display_name": "李娜", "note": "<script>x</script>"},
            reason=None,
        )
    client = app.test_client()
    login(client, "sam")
    page = client.get("/audit").text
    assert "李娜" in page
    assert "\\u674e" not in page
    assert "<script>x</script>" not in page  # escaped, never markup
