"""Packaging: dependencies match what the code imports; optional extras stay optional."""

from __future__ import annotations

import ast
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
SOURCES = [p for folder in ("models", "optimizer", "reports") for p in (ROOT / folder).glob("*.py")]
SOURCES += list(ROOT.glob("*.py"))


def _name(requirement: str) -> str:
    return requirement.split(">")[0].split("<")[0].split("=")[0].split("[")[0].strip().lower()


def imported_top_level(path: Path) -> set[str]:
    """Top-level names a module imports, wherever in the module the import is."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_dask_is_an_optional_extra_that_dev_installs():
    required = {_name(r) for r in PROJECT["dependencies"]}
    extra = PROJECT["optional-dependencies"]["dask"]
    assert "dask" not in required and "distributed" not in required
    assert [_name(r) for r in extra] == ["dask"] and "distributed" in extra[0]
    assert set(extra) <= set(PROJECT["optional-dependencies"]["dev"])  # CI runs the Dask test


def test_numpy_is_a_dependency_only_if_the_code_imports_it():
    imported = set().union(*map(imported_top_level, SOURCES))
    required = {_name(r) for r in PROJECT["dependencies"]}
    assert ("numpy" in required) == ("numpy" in imported)


def test_every_third_party_import_is_a_dependency():
    imported = set().union(*map(imported_top_level, SOURCES))
    required = {_name(r) for r in PROJECT["dependencies"]}
    optional = {"distributed"}  # the dask extra, imported only by --backend dask
    ours = {"models", "optimizer", "reports", "cli", "trainplan_entry"}

    third_party = imported - set(sys.stdlib_module_names) - ours - optional - {"__future__"}
    names = {"yaml": "pyyaml"}
    missing = {n for n in third_party if names.get(n, n) not in required}
    assert missing == set()


def imported_modules(path: Path) -> set[str]:
    """Full names of the modules (and names from them) a module imports."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
    return names


def test_the_sweep_modules_import_no_reports_and_take_figures_from_measures():
    sweep = ["grid", "backends", "results", "whatif"]
    for name in sweep:
        imported = imported_modules(ROOT / "optimizer" / f"{name}.py")
        assert not [m for m in imported if m.split(".")[0] in ("reports", "cli")], name
        assert "optimizer.checker.Tally" not in imported, name
    for path in (ROOT / "optimizer" / "whatif.py", ROOT / "reports" / "whatif.py"):
        assert "models.measures" in imported_modules(path)
        assert "optimizer.checker.Tally" not in imported_modules(path)
