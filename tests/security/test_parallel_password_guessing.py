"""Attack: 48 wrong passwords sent at once, to slip past the sign-in limit between its check
and its count. The slot is taken atomically before the password is checked, per account and
per address, on the memory and the Redis backends, against the real app over HTTP."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from config.settings import load_settings
from dialer.bootstrap import Services, build_services
from dialer.clock import FakeClock
from dialer.db.engine import transaction
from tests.databases import redis_test_url
from tests.integration.console.seed import PASSWORD, seed
from tests.security.live_console import login_form, serving
from web.app import create_app

PARALLEL = 48
BACKENDS = ["memory"] + (["redis"] if redis_test_url() else [])


@pytest.fixture(params=BACKENDS)
def live(request: pytest.FixtureRequest, db_url: str, clock: FakeClock) -> Iterator[str]:
    redis = {"REDIS_URL": redis_test_url()} if request.param == "redis" else {}
    settings = load_settings(
        DATABASE_URL=db_url,
        DIALER_ENV="test",
        DIALER_LOGIN_LIMIT_PER_ACCOUNT="5 per 15 minutes",
        DIALER_LOGIN_LIMIT_PER_ADDRESS="10 per 15 minutes",
        DIALER_PACING_NAMESPACE=f"sec-{uuid.uuid4().hex[:12]}",
        **redis,
    )
    services: Services = build_services(settings, clock=clock)
    app = create_app(services=services)
    with app.app_context(), transaction(services.sessions) as session:
        from console.context import state

        seed(session, now=clock.now(), packs=state().packs)
    try:
        with serving(app) as base:
            yield base
    finally:
        services.close()


def _sign_in_all_at_once(base: str, usernames: list[str], password: str) -> Counter[int]:
    forms = [login_form(base) for _ in usernames]  # every browser has its page and token

    def attempt(index: int) -> int:
        browser, token = forms[index]
        data = {"username": usernames[index], "password": password, "csrf_token": token}
        return browser.post(
            f"{base}/login", data=data, timeout=120, allow_redirects=False
        ).status_code

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        return Counter(pool.map(attempt, range(len(usernames))))


def test_parallel_wrong_passwords_for_one_account_get_at_most_the_limit_checked(
    live: str,
) -> None:
    answers = _sign_in_all_at_once(live, ["ann"] * PARALLEL, "wrong-password")
    assert answers[401] <= 5, answers  # 401: the password was checked (and wrong)
    assert answers[401] + answers[429] == PARALLEL, answers
    # Even the right password is not checked any more: the account waits out its window.
    assert _sign_in_all_at_once(live, ["ann"], PASSWORD) == Counter({429: 1})


def test_parallel_guesses_over_many_accounts_from_one_address_are_limited_too(
    live: str,
) -> None:
    usernames = [f"user{n}" for n in range(PARALLEL)]
    answers = _sign_in_all_at_once(live, usernames, "wrong-password")
    assert answers[401] <= 10, answers
    assert answers[401] + answers[429] == PARALLEL, answers
