"""Packaging: dependencies match what the code imports; optional extras stay optional."""

from __future__ import annotations

import ast
import os
import subprocess
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
    ours = {"trainplan"}

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
        assert not [m for m in imported
                    if m.startswith(("trainplan.reports", "trainplan.cli"))], name
        assert "trainplan.models.checker.Tally" not in imported, name
    for path in (ROOT / "optimizer" / "whatif.py", ROOT / "reports" / "whatif.py"):
        assert "trainplan.models.measures" in imported_modules(path)
        assert "trainplan.models.checker.Tally" not in imported_modules(path)


def test_a_plain_install_is_one_import_name_with_its_scenarios_and_templates(tmp_path):
    # `pip install .` (not editable): everything under `trainplan`, nothing that would
    # shadow a user's own `models` or `cli`; shipped scenarios and the HTML template
    # come along, and the commands that need them work from any folder.
    target, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    elsewhere.mkdir()
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(target), str(ROOT)], check=True, capture_output=True)
    assert sorted(p.name for p in target.iterdir() if not p.name.endswith(".dist-info")
                  and p.name != "bin") == ["trainplan"]
    assert (target / "trainplan" / "scenarios" / "ben_tre_2010_2020.yaml").is_file()
    assert (target / "trainplan" / "reports" / "templates" / "report.html.j2").is_file()
    env = {**os.environ, "PYTHONPATH": str(target)}

    def trainplan(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "trainplan", *args], cwd=elsewhere,
                              env=env, capture_output=True, text=True, timeout=300)

    where = subprocess.run([sys.executable, "-c", "import trainplan.cli as c; print(c.__file__)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, check=True)
    assert where.stdout.strip().startswith(str(target))  # the installed copy, not the repo
    listed = trainplan("examples")
    assert listed.returncode == 0 and "ben_tre_2010_2020.yaml" in listed.stdout
    assert trainplan("template", "--xlsx", "t.xlsx").returncode == 0
    assert trainplan("examples", "--copy", "mine").returncode == 0
    solved = trainplan("solve", "mine/ben_tre_2010_2020.yaml", "--out", "out", "--html",
                       "out/report.html")
    assert solved.returncode == 0, solved.stderr
    assert (elsewhere / "out" / "report.html").is_file()
    assert trainplan("examples", "--copy", "mine").returncode == 2  # never overwrites
