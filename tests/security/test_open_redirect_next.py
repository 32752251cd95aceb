"""Attack: a sign-in link whose `next` sends the user, once signed in, to another site."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from tests.integration.console.conftest import csrf_token
from tests.integration.console.seed import PASSWORD

UNSAFE = [
    "/\t/evil.example",
    "/\n/evil.example",
    "/ /evil.example",
    "//evil.example",
    "///evil.example",
    "https://evil.example",
    "http:evil.example",
    "javascript:alert(1)",
    "\\\\evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "/\x00/evil.example",
    "evil.example",
]


def _sign_in_with_next(client: FlaskClient, raw_query: str) -> str:
    token = csrf_token(client.get("/login").text)
    response = client.post(
        f"/login?next={raw_query}",
        data={"username": "alice", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302, response.text
    return response.headers["Location"]


@pytest.mark.parametrize("target", UNSAFE)
def test_an_unsafe_next_goes_home_instead(
    client_for: Callable[[str | None], FlaskClient], target: str
) -> None:
    location = _sign_in_with_next(client_for(None), quote(target, safe=""))
    assert location == "/"


def test_the_reported_tab_trick_with_its_raw_encoding(
    client_for: Callable[[str | None], FlaskClient],
) -> None:
    assert _sign_in_with_next(client_for(None), "/%09/evil.example") == "/"


def test_a_path_on_this_site_is_still_followed(
    client_for: Callable[[str | None], FlaskClient],
) -> None:
    assert _sign_in_with_next(client_for(None), quote("/cases?q=smith", safe="/")) == (
        "/cases?q=smith"
    )
