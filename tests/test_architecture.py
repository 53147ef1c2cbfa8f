"""The import directions of the house, read from the source with `ast` (runs in CI).

models/    the solver-free core: no optimizer, reports, cli, ortools or pandas;
           openpyxl only inside a function (the workbook reader), never at import.
optimizer/ never imports reports/ or cli.
reports/   never imports optimizer/.
web/       the web page: models/ and reports/, optimizer/ (and so ortools) only inside a
           function (what its worker processes run); never cli. Nothing but cli imports web/.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(os.environ.get("TRAINPLAN_ROOT", Path(__file__).resolve().parent.parent))

#: Package -> top-level import names it must never import, anywhere in a module.
FORBIDDEN = {
    "models": {"optimizer", "reports", "cli", "ortools", "pandas", "web"},
    "optimizer": {"reports", "cli", "web"},
    "reports": {"optimizer", "web"},
    "web": {"cli"},
}
#: Package -> top-level names it may import only inside a function body.
ONLY_IN_FUNCTIONS = {"models": {"openpyxl"}, "web": {"optimizer", "ortools"}}


@dataclass(frozen=True)
class Import:
    """One import statement: the module it names, where, and whether it runs at import time."""

    module: str
    line: int
    at_import_time: bool

    @property
    def top(self) -> str:
        """The top-level package name, e.g. `ortools` for `ortools.sat.python`; our own
        folders by their name under the one `trainplan` import name (`models` for
        `trainplan.models.scenario`)."""
        parts = self.module.split(".")
        return parts[1] if parts[0] == "trainplan" and len(parts) > 1 else parts[0]


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _walk(node: ast.AST, in_function: bool, out: list[Import]) -> None:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import):
            out += [Import(alias.name, child.lineno, not in_function) for alias in child.names]
        elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
            if child.module == "trainplan":  # from trainplan import cli, models
                out += [Import(f"trainplan.{alias.name}", child.lineno, not in_function)
                        for alias in child.names]
            else:
                out.append(Import(child.module, child.lineno, not in_function))
        elif isinstance(child, ast.If) and _type_checking_only(child):
            _walk(ast.Module(body=child.orelse, type_ignores=[]), in_function, out)
        else:
            nested = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef
                                               | ast.Lambda)
            _walk(child, nested, out)


def imports_of(source: str) -> list[Import]:
    """Every absolute import of a module's source (type-checking-only ones left out)."""
    out: list[Import] = []
    _walk(ast.parse(source), False, out)
    return out


def violations(package: str, name: str, source: str) -> list[str]:
    """What a module of `package` imports against the house's directions."""
    found = []
    for imp in imports_of(source):
        if imp.top in FORBIDDEN.get(package, set()):
            found.append(f"{name}:{imp.line}: {package}/ imports {imp.module}")
        elif imp.top in ONLY_IN_FUNCTIONS.get(package, set()) and imp.at_import_time:
            found.append(f"{name}:{imp.line}: {package}/ imports {imp.module} at import time "
                         "(only inside a function)")
    return found


def modules(package: str) -> list[Path]:
    """The package's modules, sub-folders included."""
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_follow_the_house_directions(package):
    files = modules(package)
    assert files, f"no modules found under {ROOT / package}"
    found = [v for path in files
             for v in violations(package, str(path.relative_to(ROOT)), path.read_text("utf-8"))]
    assert not found, "\n".join(found)


def test_the_check_sees_what_it_must_refuse():
    source = """
import pandas as pd
from trainplan.optimizer.solve import solve
from openpyxl import load_workbook
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from openpyxl import Workbook

def read():
    from openpyxl import load_workbook
    import trainplan.reports.tables
"""
    found = violations("models", "m.py", source)
    assert found == [
        "m.py:2: models/ imports pandas",
        "m.py:3: models/ imports trainplan.optimizer.solve",
        "m.py:4: models/ imports openpyxl at import time (only inside a function)",
        "m.py:11: models/ imports trainplan.reports.tables",
    ]
    assert violations("optimizer", "o.py", "import cli\nfrom reports import tables\n") == [
        "o.py:1: optimizer/ imports cli", "o.py:2: optimizer/ imports reports"]
    assert violations("reports", "r.py", "def f():\n    import optimizer.model\n") == [
        "r.py:2: reports/ imports optimizer.model"]


def test_the_web_rules_see_what_they_must_refuse():
    source = ("from trainplan.optimizer.solve import solve\n"
              "def f():\n    import trainplan.optimizer\n")
    assert violations("web", "w.py", source) == [
        "w.py:1: web/ imports trainplan.optimizer.solve at import time (only inside a function)"]
    assert violations("web", "w.py", "from trainplan import cli\n") == ["w.py:1: web/ imports "
                                                                       "trainplan.cli"]
    assert violations("reports", "r.py", "from trainplan.web.app import serve\n") == [
        "r.py:1: reports/ imports trainplan.web.app"]
