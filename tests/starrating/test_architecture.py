"""The house is a contract (docs/architecture.md): ``lint-imports`` keeps it, and breaks when any
rule is broken. Each case copies the product's packages, adds one offending import, and runs the
real linter on the copy with the real configuration: it must fail and name the contract."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import ROOT

CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
    "importlinter"
]
PACKAGES = CONFIG["root_packages"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", "--config", str(tree / "pyproject.toml")],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """A copy of the product's packages and the linter configuration."""
    root = tmp_path_factory.mktemp("house")
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            root / package,
            ignore=shutil.ignore_patterns("__pycache__", "templates", "static", "migrations"),
        )
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


def test_the_house_keeps_every_contract(tree):
    result = _lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "offending_import", "contract"),
    [
        # an engine importing Django
        ("assessments/scoring/rules.py", "import django.db", "The scoring engine is pure"),
        # the core importing an app built on it
        ("assessments/services/rounds.py", "import workbooks.report", "Apps in their order"),
        # the API importing the pages
        ("assessments/api/views.py", "import assessments.views.sheets", "Layers inside each app"),
        # a service importing a task (the circle of issue #8)
        ("jobs/services.py", "import jobs.tasks", "Layers inside each app"),
        # a selector importing a service
        (
            "assessments/selectors/rounds.py",
            "import assessments.services",
            "Layers inside each app",
        ),
        # two modules of one package importing each other
        (
            "assessments/services/common.py",
            "import assessments.services.sheets",
            "No import circles",
        ),
    ],
)
def test_a_broken_rule_fails_the_lint(tree, module, offending_import, contract):
    path = tree / module
    original = path.read_text(encoding="utf-8")
    path.write_text(original + f"\n{offending_import}  # broken on purpose\n", encoding="utf-8")
    try:
        result = _lint(tree)
    finally:
        path.write_text(original, encoding="utf-8")
    assert result.returncode != 0, result.stdout
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken, result.stdout
