"""Today's dashboard for supervisors and admins: charts rendered server-side as inline SVG."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from console.authz import requires
from console.charts import bar_chart, gauge
from console.context import app_services, now, unit_of_work
from console.display import reason_text
from dialer.admin.accounts import Permission
from dialer.admin.dashboard import today
from dialer.agents.abandonment import ABANDONMENT_CAP, abandonment_by_campaign
from dialer.predictive.state import ratios_in_force
from dialer.vocabulary import AgentAvailability

bp = Blueprint("dashboard", __name__)
LAWFUL_HOURS = frozenset(str(h) for h in range(8, 21))
REFRESH_SECONDS = 30  # the page reloads itself: a wall display stays current


@bp.get("/dashboard")
@requires(Permission.DASHBOARD)
def today_page() -> ResponseReturnValue:
    with unit_of_work() as db:
        stats = today(db, now=now())
        abandonment = abandonment_by_campaign(db, now=now())
        pacing = ratios_in_force(db, now=now())
    hours = [(str(h), float(stats.calls_by_local_hour[h])) for h in range(24)]
    unusual = frozenset(str(h) for h in range(24) if str(h) not in LAWFUL_HOURS)
    cps = app_services().settings.calls_per_second
    charts = {
        "hours": bar_chart(hours, title=_("Calls by consumer local hour"), highlight=unusual),
        "outcomes": bar_chart(
            _labelled(sorted(stats.call_outcomes.items())), title=_("Call outcomes")
        ),
        "rpc": gauge(stats.right_party_rate, title=_("Right-party contact rate")),
        "sms": bar_chart(_labelled(sorted(stats.sms_outcomes.items())), title=_("SMS delivery")),
        "sms_rate": gauge(stats.sms_delivery_rate, title=_("SMS delivered")),
        "blocks": bar_chart(
            [(reason_text(r), float(n)) for r, n in stats.blocks_by_reason.most_common(10)],
            title=_("Blocks by reason"),
        ),
        "agents": bar_chart(
            [
                (_(state.value), float(stats.agents_by_availability[state.value]))
                for state in AgentAvailability
            ],
            title=_("Agents by availability"),
        ),
        "pacing": bar_chart(
            [(f"{k:%H:%M}", float(v)) for k, v in sorted(stats.pacing.items())][-24:],
            title=_("Calls per 30 minutes"),
        ),
    }
    return render_template(
        "dashboard.html",
        stats=stats,
        charts=charts,
        cps=cps,
        abandonment=abandonment,
        abandonment_cap=ABANDONMENT_CAP,
        pacing=pacing,
        refresh_seconds=REFRESH_SECONDS,
    )


def _labelled(items: list[tuple[str, int]]) -> list[tuple[str, float]]:
    """Outcome and status values in the reader's language."""
    return [(_(label), float(count)) for label, count in items]
