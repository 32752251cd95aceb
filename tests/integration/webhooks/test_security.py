"""Only requests signed with the account's auth token, over the public URL, get in."""

from __future__ import annotations

from sqlalchemy import func, select
from twilio.request_validator import HMAC_SHA256, RequestValidator

from config.settings import load_settings
from dialer.bootstrap import Services, build_services
from dialer.db.models import ContactAttempt, ProviderEvent
from tests.integration.webhooks.builders import make_case
from tests.integration.webhooks.conftest import Twilio
from web.app import create_app

DATA = {"CallSid": "CA" + "1" * 32, "CallStatus": "ringing", "SequenceNumber": "1"}


def _events(services: Services) -> int:
    with services.sessions() as session:
        return session.scalar(select(func.count()).select_from(ProviderEvent)) or 0


def _status(services: Services, attempt_id: int) -> str:
    with services.sessions() as session:
        attempt = session.get(ContactAttempt, attempt_id)
        assert attempt is not None
        return attempt.status


def test_valid_signature_is_accepted_and_applied(twilio: Twilio, services: Services) -> None:
    case = make_case(services.sessions, now=services.clock.now())
    response = twilio.post(f"/twilio/voice/status?attempt={case.attempt_id}", DATA)
    assert response.status_code == 204
    assert "Set-Cookie" not in response.headers  # a callback gets no session
    assert _status(services, case.attempt_id) == "ringing"
    assert _events(services) == 1


def test_wrong_signature_is_refused_and_changes_nothing(twilio: Twilio, services: Services) -> None:
    case = make_case(services.sessions, now=services.clock.now())
    path = f"/twilio/voice/status?attempt={case.attempt_id}"
    wrong_token = RequestValidator("not-the-token").compute_signature(twilio.base + path, DATA)
    assert twilio.post(path, DATA, signature=wrong_token).status_code == 403
    # Signed for another URL (another attempt) is just as wrong.
    other = twilio.validator.compute_signature(twilio.base + path + "0", DATA)
    assert twilio.post(path, DATA, signature=other).status_code == 403
    # Signed over different parameters.
    tampered = twilio.validator.compute_signature(twilio.base + path, {**DATA, "CallStatus": "x"})
    assert twilio.post(path, DATA, signature=tampered).status_code == 403
    assert _status(services, case.attempt_id) == "queued"
    assert _events(services) == 0


def test_missing_signature_is_refused_on_every_route(twilio: Twilio, services: Services) -> None:
    paths = [
        "/twilio/voice/answer",
        "/twilio/voice/status",
        "/twilio/voice/amd",
        "/twilio/voice/gather",
        "/twilio/voice/whisper",
        "/twilio/voice/recording",
        "/twilio/sms/status",
        "/twilio/sms/inbound",
    ]
    for path in paths:
        assert twilio.client.post(path + "?attempt=1", data=DATA).status_code == 403, path
    assert _events(services) == 0


def test_wrong_method_and_oversized_body(twilio: Twilio, services: Services) -> None:
    assert twilio.client.get("/twilio/voice/status").status_code == 405
    big = {"Body": "x" * (70 * 1024)}
    assert twilio.post("/twilio/sms/inbound", big).status_code == 413
    assert _events(services) == 0


def test_hmac_sha256_variant_is_accepted(twilio: Twilio, services: Services) -> None:
    case = make_case(services.sessions, now=services.clock.now())
    path = f"/twilio/voice/status?attempt={case.attempt_id}"
    signature = twilio.validator.compute_signature(twilio.base + path, DATA, HMAC_SHA256)
    headers = {"X-Twilio-Webhooks-Signature-Settings": "key=k1,algorithm=HMAC_SHA256"}
    assert twilio.post(path, DATA, signature=signature, headers=headers).status_code == 204
    # The same signature without the header is checked as HMAC-SHA1 and fails.
    assert twilio.post(path, DATA, signature=signature).status_code == 403


def test_url_is_the_public_base_behind_a_trusted_proxy(db_url: str, clock) -> None:  # type: ignore[no-untyped-def]
    """Behind a proxy the app sees http://internal...; the signature is still checked against
    PUBLIC_BASE_URL, whatever forwarded headers say (tests/security has the forged host)."""
    settings = load_settings(
        DATABASE_URL=db_url,
        DIALER_ENV="test",
        DIALER_TRUSTED_PROXY_COUNT=1,
        PUBLIC_BASE_URL="https://hooks.example.com",
    )
    services = build_services(settings, clock=clock)
    try:
        case = make_case(services.sessions, now=clock.now())
        app = create_app(services=services)
        path = f"/twilio/voice/status?attempt={case.attempt_id}"
        public = "https://hooks.example.com" + path
        signature = RequestValidator(
            settings.twilio_auth_token.get_secret_value()
        ).compute_signature(public, DATA)
        forwarded = {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "hooks.example.com",
            "X-Twilio-Signature": signature,
        }
        with app.test_client() as client:
            assert client.post(path, data=DATA, headers=forwarded).status_code == 204
        assert _status(services, case.attempt_id) == "ringing"
    finally:
        services.close()


def test_callbacks_never_see_the_consoles_session_or_csrf(
    twilio: Twilio, services: Services
) -> None:
    """Twilio's paths are served by their own app: a cookie sent along is neither read nor
    renewed, and the console's CSRF check (a form POST without a token) does not apply."""
    case = make_case(services.sessions, now=services.clock.now())
    twilio.client.set_cookie("dialer_session", "forged-or-stale", domain="localhost")
    response = twilio.post(f"/twilio/voice/status?attempt={case.attempt_id}", DATA)
    assert response.status_code == 204
    assert "Set-Cookie" not in response.headers
    assert _status(services, case.attempt_id) == "ringing"
    # The console next door still refuses a form POST without its CSRF token.
    assert twilio.client.post("/login", data={"username": "x"}).status_code == 400
    # And a path that only starts like Twilio's is the console's: its own 404 page.
    assert twilio.client.get("/twilio").status_code == 404
