"""The console's templates and static files (served locally: no CDN)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint(
    "console",
    __name__,
    static_folder="static",
    static_url_path="/console/static",
    template_folder="templates",
)
