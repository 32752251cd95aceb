"""Campaigns: list, pause and resume (supervisors), edit the YAML definition (admins)."""

from __future__ import annotations

import yaml
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from console.authz import requires, signed_in
from console.context import app_services, now, packs, unit_of_work
from console.error_text import error_of
from console.forms import CampaignEditForm, EmptyForm
from dialer.admin.accounts import Permission
from dialer.campaigns import create_campaign, list_campaigns, parse_definition, set_status
from dialer.db.models import Campaign
from dialer.errors import InputError
from dialer.vocabulary import CampaignStatus

bp = Blueprint("campaigns", __name__)


@bp.get("/campaigns")
@requires(Permission.RUN_CAMPAIGNS)
def index() -> ResponseReturnValue:
    with unit_of_work() as db:
        return render_template("campaigns.html", campaigns=list_campaigns(db), form=EmptyForm())


@bp.post("/campaigns/<int:campaign_id>/pause")
@requires(Permission.RUN_CAMPAIGNS)
def pause(campaign_id: int) -> ResponseReturnValue:
    return _move(campaign_id, CampaignStatus.PAUSED)


@bp.post("/campaigns/<int:campaign_id>/resume")
@requires(Permission.RUN_CAMPAIGNS)
def resume(campaign_id: int) -> ResponseReturnValue:
    return _move(campaign_id, CampaignStatus.ACTIVE)


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_CAMPAIGNS)
def edit(campaign_id: int) -> ResponseReturnValue:
    with unit_of_work() as db:
        campaign = db.get(Campaign, campaign_id)
        if campaign is None:
            abort(404)
        name, text = (
            campaign.name,
            yaml.safe_dump(campaign.definition, sort_keys=False, allow_unicode=True),
        )
    form = CampaignEditForm(definition=text)
    if form.validate_on_submit():
        try:
            definition = parse_definition(
                yaml.safe_load(form.definition.data or ""), source="definition"
            )
            if definition.name != name:
                raise InputError(f"the name must stay {name!r}")
            with unit_of_work() as db:
                create_campaign(
                    db,
                    definition,
                    packs=packs(),
                    now=now(),
                    collector=app_services().collector,
                    actor=signed_in().username,
                )
        except (InputError, yaml.YAMLError) as exc:
            flash(error_of(exc), "error")
            return render_template("campaign_edit.html", form=form, name=name), 422
        flash(_("Campaign saved as a new version."), "ok")
        return redirect(url_for("campaigns.index"))
    return render_template("campaign_edit.html", form=form, name=name)


def _move(campaign_id: int, status: CampaignStatus) -> ResponseReturnValue:
    EmptyForm()
    try:
        with unit_of_work() as db:
            campaign = db.get(Campaign, campaign_id)
            if campaign is None:
                abort(404)
            set_status(db, campaign.name, status, now=now(), actor=signed_in().username)
    except InputError as exc:
        flash(error_of(exc), "error")
    return redirect(url_for("campaigns.index"))
