"""Reports for supervisors and admins: any date range in any time zone, cut by client, campaign,
agent, channel or day, on screen and as CSV (a user limited to clients sees only theirs)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Blueprint, Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice

from console.authz import requires, signed_in
from console.context import now, unit_of_work
from console.forms import ReportForm
from dialer.admin.accounts import Permission
from dialer.admin.reports import DayBasis, GroupBy, Report, ReportQuery, contact_report, report_csv
from dialer.clients.access import allowed_clients
from dialer.db.models import Campaign, Client, User
from dialer.errors import InputError
from dialer.vocabulary import Channel, Role

bp = Blueprint("reports", __name__)
DEFAULT_DAYS = 7


@bp.get("/reports")
@requires(Permission.DASHBOARD)
def index() -> ResponseReturnValue:
    form = ReportForm(request.args)
    with unit_of_work() as db:
        _choices(db, form)
        if not request.args:
            today = now().date()
            form.start.data, form.end.data = today - timedelta(days=DEFAULT_DAYS - 1), today
        report: Report | None = None
        problem: str | None = None
        if form.validate():
            try:
                report = contact_report(db, _query(form, allowed_clients(db, signed_in().id)))
            except InputError as exc:
                problem = str(exc)
        elif request.args:
            problem = "; ".join(
                f"{form[name].label.text}: {msgs[0]}" for name, msgs in form.errors.items()
            )
        if report is not None and request.args.get("format") == "csv":
            name = f"contacts-{form.start.data}-{form.end.data}-by-{form.group_by.data}.csv"
            return Response(
                report_csv(report),
                mimetype="text/csv",
                headers={"Content-Disposition": f"attachment; filename={name}"},
            )
    status = 422 if problem else 200
    return render_template("reports.html", form=form, report=report, problem=problem), status


def _query(form: ReportForm, allowed: frozenset[int] | None) -> ReportQuery:
    """The form as a query; a user limited to clients never sees another client's numbers."""
    zone_name = (form.zone.data or "UTC").strip()
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(_("unknown time zone %(zone)s", zone=zone_name)) from None
    assert form.start.data is not None  # validated
    assert form.end.data is not None
    clients = allowed
    if form.client.data:
        chosen = frozenset({int(form.client.data)})
        clients = chosen if allowed is None else chosen & allowed
    return ReportQuery(
        client_ids=clients,
        start=form.start.data,
        end=form.end.data,
        zone=zone,
        group_by=GroupBy(form.group_by.data or "campaign"),
        campaign_id=int(form.campaign.data) if form.campaign.data else None,
        agent_id=int(form.agent.data) if form.agent.data else None,
        channel=Channel(form.channel.data) if form.channel.data else None,
        days=DayBasis(form.days.data or "operator"),
    )


def _choices(db: Session, form: ReportForm) -> None:
    allowed = allowed_clients(db, signed_in().id)
    clients = db.execute(select(Client.id, Client.code).order_by(Client.code)).all()
    form.client.choices = [
        SelectChoice("", _("All")),
        *(SelectChoice(str(i), c) for i, c in clients if allowed is None or i in allowed),
    ]
    if form.client.data and not form.client.data.isdigit():
        form.client.data = ""
    campaigns = db.execute(select(Campaign.id, Campaign.name).order_by(Campaign.name)).all()
    form.campaign.choices = [
        SelectChoice("", _("All")),
        *(SelectChoice(str(i), n) for i, n in campaigns),
    ]
    agents = db.execute(
        select(User.id, User.username).where(User.role == Role.AGENT.value).order_by(User.username)
    ).all()
    form.agent.choices = [SelectChoice("", _("All")), *(SelectChoice(str(i), n) for i, n in agents)]
    if form.campaign.data and not form.campaign.data.isdigit():
        form.campaign.data = ""
    if form.agent.data and not form.agent.data.isdigit():
        form.agent.data = ""
