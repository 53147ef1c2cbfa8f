"""Start-up: commands load what they use when they use it; Ctrl-C while loading ends quietly."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

from tests.conftest import SCENARIOS

ROOT = Path(__file__).resolve().parent.parent
BEN_TRE = str(SCENARIOS / "ben_tre_2010_2020.yaml")
#: Modules no command loads before it needs them (ortools brings pandas and numpy).
HEAVY = ("ortools", "pandas", "numpy", "matplotlib", "openpyxl", "jinja2", "distributed",
         "dask", "trainplan.models.workbook", "trainplan.reports.tables",
         "trainplan.reports.whatif", "trainplan.reports.html", "trainplan.reports.charts",
         "trainplan.reports.excel")


def loaded_after(*args: str) -> list[str]:
    """The HEAVY modules loaded once `trainplan ARGS` has run (nothing but `import cli` if none)."""
    run = "" if not args else textwrap.dedent(f"""
        try:
            cli.main({list(args)!r})
        except SystemExit:
            pass
        """)
    show = f"print('\\nloaded:', *(m for m in {HEAVY!r} if m in sys.modules))"
    code = f"import sys\nfrom trainplan import cli\n{run}\n{show}"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=True)
    return done.stdout.splitlines()[-1].split()[1:]


def test_importing_the_command_line_loads_nothing_heavy():
    assert loaded_after() == []


def test_help_loads_nothing_heavy():
    assert loaded_after("--help") == []


@pytest.mark.parametrize(("args", "not_loaded"), [
    (["explain", "--help"], ["matplotlib", "openpyxl", "jinja2", "trainplan.reports.tables"]),
    (["show", BEN_TRE], ["ortools", "matplotlib", "openpyxl", "jinja2",
                         "trainplan.models.workbook"]),
    (["check", BEN_TRE, "--time-limit", "120"],
     ["matplotlib", "openpyxl", "jinja2", "trainplan.reports.tables", "distributed"]),
])
def test_a_command_loads_only_what_it_uses(args, not_loaded):
    loaded = loaded_after(*args)
    assert [m for m in not_loaded if m in loaded] == []


def test_the_console_script_goes_through_the_entry_function():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["scripts"]["trainplan"] == "trainplan.trainplan_entry:main"
    assert project["tool"]["setuptools"]["package-dir"]["trainplan"] == "."  # root modules


#: Runs `trainplan --help` through the entry function, stalling when cli imports click.
STALLED = """
import importlib.abc, sys, time

class Stall(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "click":
            sys.meta_path.remove(self)
            print("loading", flush=True)
            time.sleep(60)
        return None

sys.meta_path.insert(0, Stall())
sys.argv = ["trainplan", "--help"]
from trainplan import trainplan_entry
trainplan_entry.main()
"""


def test_ctrl_c_while_the_command_line_loads_says_interrupted():
    proc = subprocess.Popen([sys.executable, "-c", STALLED], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline() == "loading\n"  # inside cli's imports now
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert err == "interrupted\n"
    assert "Usage" not in out
