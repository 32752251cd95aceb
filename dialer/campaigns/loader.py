"""Reading campaign YAML files into validated definitions, with errors naming file and field."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from dialer.campaigns.definition import CampaignDefinition
from dialer.errors import InputError


def parse_definition(data: object, *, source: str) -> CampaignDefinition:
    """Validate a mapping; an error lists `source: field: reason` for every problem."""
    if not isinstance(data, dict):
        raise InputError(f"{source}: a campaign file must be a mapping (name, audience, steps...)")
    try:
        return CampaignDefinition.model_validate(data)
    except ValidationError as exc:
        raise InputError(_describe(exc, source)) from exc


def load_definition(path: Path) -> CampaignDefinition:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML ({exc})") from exc
    return parse_definition(data, source=str(path))


def _describe(exc: ValidationError, source: str) -> str:
    lines = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "(file)"
        reason = str(error["msg"]).removeprefix("Value error, ")
        lines.append(f"{source}: {where}: {reason}")
    return "\n".join(lines)
