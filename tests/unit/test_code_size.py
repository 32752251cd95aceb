"""Small modules with one job, short functions (issue 16): every function in dialer/, webhooks/
and console/ is at most 60 lines and every module at most 300, so a newcomer can read each
in one sitting. Alembic revisions are history (never edited once released) and not counted."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("dialer", "webhooks", "console")
NOT_COUNTED = (ROOT / "dialer" / "db" / "migrations",)
MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 300


def _modules() -> list[Path]:
    found = [
        path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if not any(path.is_relative_to(skipped) for skipped in NOT_COUNTED)
    ]
    assert len(found) > 100  # the walk found the source tree
    return found


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_every_function_is_at_most_60_lines() -> None:
    too_long = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{_name(path)}:{node.lineno} {node.name} ({length} lines)")
    assert not too_long, "functions over 60 lines:\n" + "\n".join(too_long)


def test_every_module_is_at_most_300_lines() -> None:
    too_long = []
    for path in _modules():
        length = len(path.read_text(encoding="utf-8").splitlines())
        if length > MAX_MODULE_LINES:
            too_long.append(f"{_name(path)} ({length} lines)")
    assert not too_long, "modules over 300 lines:\n" + "\n".join(too_long)
