"""English, Simplified Chinese and Spanish, chosen per user; every message is translated."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask import Flask

from console.i18n import SOURCE_DIR
from tests.integration.console.conftest import form_post, login
from tests.integration.console.seed import Seeded

CONSOLE = Path(__file__).resolve().parents[3] / "console"


def test_each_user_sees_the_console_in_their_language(app: Flask, seeded: Seeded) -> None:
    client = app.test_client()
    login(client, "ann")
    assert "My desk" in client.get("/desk").text
    form_post(client, "/desk", "/me/language", {"language": "zh", "next": "/desk"})
    page = client.get("/desk").text
    assert "我的工作台" in page
    assert "离线" in page
    assert 'lang="zh-Hans"' in page
    other = app.test_client()
    login(other, "sam")
    assert "Dashboard" in other.get("/dashboard").text


def test_a_spanish_speaking_agent_sees_the_console_in_spanish(app: Flask, seeded: Seeded) -> None:
    client = app.test_client()
    login(client, "ann")
    form_post(client, "/desk", "/me/language", {"language": "es", "next": "/desk"})
    page = client.get("/desk").text
    assert "Mi escritorio" in page
    assert "Desconectado" in page
    assert 'lang="es"' in page
    assert "My desk" not in page


@pytest.mark.parametrize("language", ["zh", "es"])
def test_every_console_message_has_a_translation(language: str) -> None:
    with (SOURCE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    translated = {m.id for m in catalog if m.id and m.string}
    found = {
        message
        for _, _, message, _, _ in extract_from_dir(
            str(CONSOLE),
            method_map=[("**.py", "python"), ("templates/**.html", "jinja2")],
            keywords={"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "N_": None},
        )
        if isinstance(message, str)
    }
    assert found, "no messages extracted"
    assert sorted(found - translated) == []


def test_error_pages_speak_the_users_language(app: Flask, seeded: Seeded) -> None:
    client = app.test_client()
    login(client, "ann")
    form_post(client, "/desk", "/me/language", {"language": "zh", "next": "/desk"})
    forbidden = client.get("/audit")
    assert forbidden.status_code == 403
    assert "您无权打开此页面。" in forbidden.text
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    assert "该页面或记录不存在。" in missing.text
    assert "The requested URL was not found" not in missing.text
