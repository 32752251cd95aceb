"""The telephony gateway and pacer the console uses for manual calls (the process's own, from
dialer.bootstrap).

Tests put their own (a FakeTelephony) in app.extensions["dialer.telephony"]. The pacer shares
the workers' call window and applies the admin's pacing limits each time it is handed out.
"""

from __future__ import annotations

from console.context import unit_of_work
from dialer.admin.contact_limits import current_pacing
from dialer.dispatch.place import Placement, place
from dialer.dispatch.reserve import Reservation
from dialer.pacing import Pacer
from dialer.telephony import Telephony
from web.extensions import services
from web.extensions import telephony as shared_telephony


def telephony() -> Telephony:
    return shared_telephony()


def pacer() -> Pacer:
    found = services().pacer  # the process's pacer (dialer.bootstrap), as the workers build it
    with unit_of_work() as db:
        found.apply_admin(current_pacing(db))
    return found


def place_reserved(reservation: Reservation) -> Placement:
    """Place a call reserved from the console (a manual call, a previewed case) through the
    same placer, gateway and shared pacing window the workers use."""
    svc = services()
    return place(
        reservation,
        sessions=svc.sessions,
        telephony=telephony(),
        pacer=pacer(),
        base_url=svc.settings.public_base_url,
        clock=svc.clock,
    )
