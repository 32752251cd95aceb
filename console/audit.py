"""The audit log (supervisors and admins): who changed what, when, before and after, and why."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, Response, render_template, request
from flask.typing import ResponseReturnValue

from console.authz import requires
from console.context import unit_of_work
from console.forms import AuditFilterForm
from dialer.admin.accounts import Permission
from dialer.admin.audit_log import PAGE_SIZE, AuditFilter, audit_csv, find_audit_entries
from dialer.db.ids import parse_record_id

bp = Blueprint("audit", __name__)
CSV_ROWS = 10_000


@bp.get("/audit")
@requires(Permission.AUDIT)
def index() -> ResponseReturnValue:
    form = AuditFilterForm(request.args)
    before = request.args.get("before", type=parse_record_id)
    wanted = AuditFilter(
        actor=form.actor.data, action=form.action.data, entity_id=form.entity_id.data
    )
    with unit_of_work() as db:
        if request.args.get("format") == "csv":
            rows = find_audit_entries(db, wanted, limit=CSV_ROWS)
            return Response(
                audit_csv(rows),
                mimetype="text/csv",
                headers={"Content-Disposition": "attachment; filename=audit-log.csv"},
            )
        entries = find_audit_entries(db, replace(wanted, before_id=before))
        older = entries[-1].id if len(entries) == PAGE_SIZE else None
        return render_template("audit.html", form=form, entries=entries, older=older)
