"""The whole app on a real HTTP server in a thread, for attacks that need parallel requests."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import requests
from flask import Flask
from werkzeug.serving import make_server

_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """The app served threaded on 127.0.0.1; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=30)


def login_form(base: str) -> tuple[requests.Session, str]:
    """A browser session that opened the sign-in page, and the page's CSRF token."""
    browser = requests.Session()
    page = browser.get(f"{base}/login", timeout=60)
    match = _CSRF.search(page.text)
    assert match is not None, "no CSRF token on the sign-in page"
    return browser, match.group(1)
