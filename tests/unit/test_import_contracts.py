"""The import-linter contracts hold what their names say: each forbidden import, planted in a
scratch copy of the source tree, makes `lint-imports` fail naming the contract it breaks; the
copy as it is passes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("dialer", "web", "webhooks", "console", "config", "twilio_emulator")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

PURE = "The compliance engine, dispatch/choose, the attempt state machine and the wording are pure"
TWILIO = "Only the telephony adapter imports twilio"
CORE_WEB = "The core imports no web framework and no web package"
BLUEPRINTS = "The webhooks and the console are independent"
WEB_SHARED = "What the web package shares imports neither the webhooks nor the console"
CONFIG = "Config depends on nothing of the service"
EMULATOR = "Production code never imports the emulator"


@dataclass(frozen=True)
class Plant:
    module: str  # a path under the source tree
    statement: str
    broken: str  # the contract that must fail


PLANTS = (
    Plant("dialer/agents/manual_call.py", "import twilio.rest", TWILIO),
    Plant("console/cases.py", "import twilio.rest", TWILIO),
    Plant("dialer/dispatch/choose.py", "import sqlalchemy", PURE),
    Plant("dialer/agents/pool.py", "import werkzeug", CORE_WEB),
    Plant("dialer/importing/runner.py", "import twilio_emulator.shapes", EMULATOR),
    Plant("dialer/compliance/engine.py", "import flask", PURE),
    Plant("webhooks/voice.py", "import console.cases", BLUEPRINTS),
    Plant("console/cases.py", "from webhooks import voice", BLUEPRINTS),
    Plant("web/extensions.py", "import console.context", WEB_SHARED),
    Plant("config/settings.py", "import dialer.errors", CONFIG),
)


def _copy_tree(into: Path) -> Path:
    """The Python sources and pyproject.toml (import-linter reads nothing else)."""
    into.mkdir()
    shutil.copy2(ROOT / "pyproject.toml", into / "pyproject.toml")
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            into / package,
            ignore=lambda folder, names: [
                name
                for name in names
                if name == "__pycache__"
                or (not name.endswith(".py") and not Path(folder, name).is_dir())
            ],
        )
    return into


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` with the copy first on the path, so it analyses the copy's packages."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _planted(base: Path, index: int, plant: Plant) -> Path:
    tree = _copy_tree(base / f"plant{index}")
    target = tree / plant.module
    target.write_text(target.read_text() + f"\n{plant.statement}  # planted\n")
    return tree


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[int, str]]:
    """The output of `lint-imports` for the copy as it is (key -1) and for each planted copy."""
    base = tmp_path_factory.mktemp("contracts")
    trees = {-1: _copy_tree(base / "clean")}
    trees.update({i: _planted(base, i, plant) for i, plant in enumerate(PLANTS)})
    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = dict(zip(trees, pool.map(_lint, trees.values()), strict=True))
    outputs = {key: f"exit {run.returncode}\n{run.stdout}{run.stderr}" for key, run in runs.items()}
    yield outputs
    shutil.rmtree(base, ignore_errors=True)


def _one_line(output: str) -> str:
    """The contract lines are wrapped at the terminal's width: join them again."""
    return " ".join(output.split())


def test_the_tree_as_it_is_keeps_every_contract(results: dict[int, str]) -> None:
    output = results[-1]
    assert output.startswith("exit 0"), output
    text = _one_line(output)
    for name in (PURE, TWILIO, CORE_WEB, BLUEPRINTS, WEB_SHARED, CONFIG, EMULATOR):
        assert f"{name} KEPT" in text


@pytest.mark.parametrize(
    "index", range(len(PLANTS)), ids=[f"{p.module}:{p.statement}" for p in PLANTS]
)
def test_a_planted_forbidden_import_breaks_its_contract(
    results: dict[int, str], index: int
) -> None:
    plant = PLANTS[index]
    output = results[index]
    assert output.startswith("exit 1"), output
    text = _one_line(output)
    assert f"{plant.broken} BROKEN" in text, output
    importer = plant.module.removesuffix(".py").replace("/", ".")
    assert importer in text  # the report names the planted import's module
