"""The SMS webhooks: delivery status and inbound messages (replies are TwiML, not REST)."""

from __future__ import annotations

from flask import Blueprint, Response
from sqlalchemy.orm import Session

from dialer.callbacks import EventKind
from dialer.callbacks.events import InboundSms
from dialer.callbacks.inbound import handle_inbound_sms
from dialer.ledger import ingest
from web.extensions import services, webhook_spool
from webhooks.params import TwilioRequest
from webhooks.security import protect
from webhooks.twiml import render_sms_reply
from webhooks.voice import acknowledge

bp = protect(Blueprint("twilio_sms", __name__, url_prefix="/twilio/sms"))


@bp.post("/status")
def status() -> Response:
    return acknowledge(EventKind.SMS_STATUS)


@bp.post("/inbound")
def inbound() -> Response:
    svc = services()
    now = svc.clock.now()
    event = TwilioRequest.from_flask().event(EventKind.SMS_INBOUND)

    def apply(session: Session) -> str:
        reply = handle_inbound_sms(session, InboundSms.from_payload(event.payload), now=now)
        return render_sms_reply(reply.body if reply else None)

    result = ingest(svc.sessions, event, apply=apply, now=now, spool=webhook_spool())
    # When the message could not be applied it is kept for replay; send no reply meanwhile.
    return Response(result.response or render_sms_reply(None), mimetype="text/xml")
