"""No English left in the Chinese and Spanish consoles: every page, as each role, on a case with
a timeline, blocks, flags and promises, and the banners a refused form shows.

A page's visible text (element text, placeholders, titles, labels) is read as a user reads it.
Chinese: any run of Latin letters that is not a name, a code or a product name is English.
Spanish: any word of the console's English source messages that Spanish does not also use.
Both: snake_case codes (``dispute_pending``) shown as words. What the record keeps in English on
purpose for auditors (the engine's trace) is marked ``lang="en"`` and skipped."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient

from console.context import state
from console.display import decision_text, reason_text
from console.i18n import SOURCE_DIR
from dialer.admin.limit_changes import save_limits
from dialer.bootstrap import Services
from dialer.cases.decisions import in_flight_reason
from dialer.cases.dispositions import DispositionCode, DispositionInput, record_disposition
from dialer.clock import FakeClock
from dialer.db.engine import transaction
from dialer.dispatch import Dispatcher
from dialer.dispatch.person import InFlight
from dialer.pacing import Pacer, PacingConfig
from dialer.suppression.admin import add_number
from dialer.telephony.fake import FakeTelephony
from tests.integration.console.conftest import USERNAMES, form_post, login
from tests.integration.console.seed import Seeded

# People's and clients' names as written, product names, and the language picker's own names.
NAMES = frozenset(
    {"alice", "sam", "ann", "bob", "test", "system", "Alice", "Admin", "Sam", "Supervisor", "Ann",
     "Agent", "Bob", "Ada", "Lovelace", "Acme", "Bank", "Beta", "Card", "spring", "reminders",
     "Twilio", "English", "Español"}
)  # fmt: skip
# Text people typed, in the language of the console under test.
PEOPLE_WROTE = {"zh": "客户说已经付清", "es": "dice que ya pagó"}
PAGES = (
    "/desk", "/desk/case", "/cases?q=Ada", "/cases/{debt}", "/cases/{second}", "/opt-outs",
    "/inbox", "/suppression", "/campaigns", "/campaigns/{campaign}/edit", "/limits",
    "/limits?scope=state&key=US-TX", "/dashboard", "/reports",
    "/reports?start=2026-03-16&end=2026-03-17&days=consumer&group_by=day",
    "/audit", "/users", "/business-hours", "/no-such-page",
)  # fmt: skip
_ZONE = re.compile(r"\b[A-Z][a-z]+/[A-Za-z_/]+")
_WORD = re.compile(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'_]*")
_DOTTED = re.compile(r"\b[a-z_]+\.[a-z_.]+\b")


class _Visible(HTMLParser):
    """The text a user reads; codes, scripts, editable text and English-for-auditors skipped."""

    SKIP = frozenset({"script", "style", "code", "pre", "textarea"})
    VOID = frozenset({"input", "br", "img", "meta", "link", "hr", "col", "source", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[tuple[str, bool]] = []  # (text, is an attribute)
        self._open: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        skipping = tag in self.SKIP or found.get("lang") == "en"
        if not self._skipped():
            for name in ("placeholder", "title", "aria-label", "alt"):
                if found.get(name):
                    self.parts.append((found[name] or "", True))
        if tag not in self.VOID:
            self._open.append(skipping)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipped() and data.strip():
            self.parts.append((data.strip(), False))

    def _skipped(self) -> bool:
        return any(self._open)


@cache
def _catalog_words(language: str, *, source: bool) -> frozenset[str]:
    with (SOURCE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    texts = [m.id if source else m.string for m in catalog if m.id]
    return frozenset(
        w.lower() for t in texts for w in _WORD.findall(str(t).replace("%(", " ")) if len(w) > 1
    )


def english_in(html: str, language: str, typed: frozenset[str] = frozenset()) -> list[str]:
    """The untranslated bits of a page's visible text (what the user typed is shown back)."""
    english = _catalog_words("zh", source=True) - _catalog_words("es", source=False)
    found = []
    for text, attribute in _visible_parts(html):
        cleaned = _ZONE.sub(" ", text)
        if attribute:
            cleaned = _DOTTED.sub(" ", cleaned)
        for word in _WORD.findall(cleaned):
            if word in NAMES or word in typed or len(word) < 2 or word.isupper():
                continue
            # a code shown as a word; in Chinese any Latin word; in Spanish an English one
            if "_" in word or language == "zh" or word.lower() in english:
                found.append(f"{word!r} in {text!r}")
    return found


def _visible_parts(html: str) -> list[tuple[str, bool]]:
    parser = _Visible()
    parser.feed(html)
    return parser.parts


def _rich_case(
    app: Flask, services: Services, seeded: Seeded, clock: FakeClock, words: str
) -> None:
    """A promise, a dispute (a flag), a callback, limits in two scopes, a suppressed number, and a
    night tick that blocks and writes why on the timeline."""
    now = clock.now()
    with app.app_context():
        packs = state().packs
    with transaction(services.sessions) as session:
        for entry in (
            DispositionInput(
                code=DispositionCode.PROMISE_TO_PAY,
                amount=Decimal("120.00"),
                promised_date=date(2026, 3, 31),
            ),
            DispositionInput(code=DispositionCode.DISPUTE, notes=words),
        ):
            record_disposition(
                session, debt_id=seeded.debt_id, entry=entry, now=now, actor="ann",
                agent_id=seeded.agent_id, packs=packs,
            )  # fmt: skip
        record_disposition(  # a callback on the desk's panel, blocked at night
            session, debt_id=seeded.second_debt_id, now=now, actor="ann", packs=packs,
            entry=DispositionInput(
                code=DispositionCode.CALLBACK, callback_local=datetime(2026, 3, 17, 14, 0)
            ), agent_id=seeded.agent_id,
        )  # fmt: skip
        for scope, key, limits in (
            ("global", "", {"max_calls_per_day": 3}),
            ("state", "US-MA", {"call_hours": {"start": "09:00", "end": "20:00"}}),
        ):
            save_limits(
                session, scope=scope, scope_key=key, limits=limits, actor="alice", reason=words,
                packs=packs, now=now,
            )  # fmt: skip
        add_number(session, "+16175550177", scope="all", reason=words, actor="alice", now=now)
    clock.advance(timedelta(hours=13))  # 23:00 in Massachusetts: every contact is blocked
    Dispatcher(
        sessions=services.sessions,
        telephony=FakeTelephony(clock=clock),
        pacer=Pacer(
            PacingConfig(calls_per_second=100, sms_per_second=100, namespace=uuid.uuid4().hex[:8]),
            account="AC-test",
        ),
        packs=packs,
        clock=clock,
        base_url="https://dialer.example.test",
        batch_size=50,
    ).tick()


def _refused_forms(seeded: Seeded) -> list[tuple[str, str, dict[str, str]]]:
    """(page, action, fields): forms an admin gets wrong, each showing an error banner."""
    case = f"/cases/{seeded.debt_id}"
    return [
        ("/suppression", "/suppression/add", {"number": "", "reason": "x"}),
        ("/suppression", "/suppression/add", {"number": "12", "reason": "x"}),
        (case, f"{case}/disposition", {"code": "promise_to_pay", "next_page": case}),
        (case, f"{case}/disposition",
         {"code": "promise_to_pay", "amount": "9999", "promised_date": "2026-03-31",
          "next_page": case}),
        ("/limits", "/limits", {"action": "save", "scope": "state", "scope_key": "Texass",
                                "max_calls_per_day": "2", "reason": "x"}),
        ("/limits", "/limits", {"action": "save", "scope": "campaign", "scope_key": "9999",
                                "max_calls_per_day": "2", "reason": "x"}),
        ("/limits", "/limits", {"action": "save", "scope": "global", "call_start": "07:00",
                                "call_end": "21:00", "reason": "x"}),
        ("/business-hours", "/business-hours", {"zone": "America/Chicago", "days": "mon",
                                                "start": "25:00", "end": "18:00", "reason": "x"}),
        ("/business-hours", "/business-hours", {"zone": "America/Chicago", "days": "mon",
                                                "start": "18:00", "end": "09:00", "reason": "x"}),
        ("/business-hours", "/business-hours", {"zone": "Mars/Base", "days": "funday",
                                                "start": "09:00", "end": "18:00", "reason": "x"}),
        ("/business-hours", "/business-hours", {"zone": "America/Chicago", "days": "mon",
                                                "start": "09:00", "end": "18:00",
                                                "holidays": "2026-13-40", "reason": "x"}),
        ("/business-hours", "/business-hours", {"zone": "America/Chicago", "days": "mon",
                                                "start": "09:00", "end": "18:00"}),
        ("/desk", "/desk/line/connect", {}),  # alice has no phone number
        ("/desk", "/desk/line/hang-up", {}),  # and no line to hang up
    ]  # fmt: skip


def _in_language(client: FlaskClient, language: str) -> None:
    form_post(client, "/desk", "/me/language", {"language": language, "next": "/desk"})


@pytest.mark.parametrize("language", ["zh", "es"])
def test_no_page_shows_english_in_chinese_or_spanish(
    app: Flask, services: Services, seeded: Seeded, clock: FakeClock, language: str
) -> None:
    _rich_case(app, services, seeded, clock, PEOPLE_WROTE[language])
    ids = {"debt": seeded.debt_id, "second": seeded.second_debt_id,
           "campaign": seeded.campaign_id}  # fmt: skip
    found: dict[str, list[str]] = {}
    walked = 0
    anonymous = app.test_client()
    page = anonymous.get("/login", headers={"Accept-Language": language})
    found["/login"] = english_in(page.text, language)
    for role in ("admin", "supervisor", "agent"):
        client = app.test_client()
        login(client, USERNAMES[role])
        _in_language(client, language)
        for path in PAGES:
            response = client.get(path.format(**ids))
            assert response.status_code in {200, 403, 404}, (role, path)
            walked += response.status_code == 200
            if problems := english_in(response.text, language):
                found[f"{role} {path} ({response.status_code})"] = problems
    assert walked >= 30
    _fail_on(found)


@pytest.mark.parametrize("language", ["zh", "es"])
def test_refusals_are_said_in_chinese_or_spanish(
    app: Flask, services: Services, seeded: Seeded, language: str
) -> None:
    client = app.test_client()
    login(client, "alice")
    _in_language(client, language)
    found = {}
    for page, action, fields in _refused_forms(seeded):
        response = form_post(client, page, action, fields)
        shown = client.get(response.location).text if response.status_code == 302 else response.text
        banner = re.search(r'<(p|div) class="(?:flash error|refusal)".*?</\1>', shown, re.S)
        assert banner is not None, (action, fields, shown[:2000])
        typed = frozenset(w for v in fields.values() for w in _WORD.findall(v))
        if problems := english_in(banner.group(0), language, typed):
            found[f"{action} {fields}"] = problems
    _fail_on(found)


def _fail_on(found: dict[str, list[str]]) -> None:
    lines = [f"{where}: {problem}" for where, problems in found.items() for problem in problems]
    if lines:
        pytest.fail("English left:\n" + "\n".join(dict.fromkeys(lines)), pytrace=False)


@pytest.mark.parametrize("language", ["zh", "es"])
def test_a_debt_waiting_for_a_contact_in_flight_is_said_in_chinese_or_spanish(
    app: Flask, clock: FakeClock, language: str
) -> None:
    """What dispatch writes while another contact with the person is in flight."""
    found = InFlight(
        attempt_id=7, channel="call", to_number="+16175550100", placed_at=clock.now(),
        is_same_person=True,
    )  # fmt: skip
    reason = in_flight_reason(found)
    with app.test_request_context(headers={"Accept-Language": language}):
        shown = decision_text(f"waiting: {reason.code.value}: {reason.message}")
        expected = reason_text("contact_in_flight")
    assert expected in shown
    assert english_in(f"<p>{shown}</p>", language) == []
