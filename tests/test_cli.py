"""The command line through click's runner: outputs, exit codes, bad input."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from trainplan.cli import main
from trainplan.models.checker import SHORT_CHECKS
from trainplan.models.rules import RULES
from trainplan.models.solution import ROSTER_COLUMNS

from tests.conftest import SCENARIOS, tiny

BEN_TRE = str(SCENARIOS / "ben_tre_2010_2020.yaml")


def run(*args: str):
    return CliRunner().invoke(main, [*args, "--time-limit", "120"], catch_exceptions=False)


def write(tmp_path: Path, text: str, name: str = "plan.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_solve_ben_tre_writes_roster_and_summary(tmp_path):
    out = tmp_path / "out"
    result = run("solve", BEN_TRE, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"verified: {len(RULES) - len(SHORT_CHECKS)} rules, 0 violations" in result.output
    assert "optimal" in result.output
    lines = (out / "roster.csv").read_text().splitlines()
    assert lines[0] == ",".join(ROSTER_COLUMNS)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status_code"] == "optimal"
    assert summary["verification"] == {"rules_checked": len(RULES) - len(SHORT_CHECKS),
                                       "violations": [], "ok": True}
    assert summary["totals"]["people"] == 500
    assert summary["totals"]["per_level"] == {
        "intermediate": 108, "college": 144, "university": 200, "postgraduate": 48}
    assert summary["totals"]["per_unit_type"] == {
        "commune": 328, "district": 27, "facility": 72, "province": 13, "school": 60}
    assert max(summary["totals"]["per_year"].values()) <= 70
    assert sum(y["spent"] for y in summary["spending_million_vnd"]["per_year"]) <= 52500


def test_roster_is_byte_identical_whatever_the_worker_count(tmp_path):
    for workers in ("1", "2", "4"):
        result = run("solve", BEN_TRE, "--out", str(tmp_path / workers), "--workers", workers)
        assert result.exit_code == 0
    one = (tmp_path / "1" / "roster.csv").read_bytes()
    assert one == (tmp_path / "2" / "roster.csv").read_bytes()
    assert one == (tmp_path / "4" / "roster.csv").read_bytes()


def test_check_feasible_and_infeasible(tmp_path):
    assert run("check", BEN_TRE).exit_code == 0
    broken = tiny(capacity={"starts_per_year": 0})
    result = run("check", write(tmp_path, yaml.safe_dump(broken)))
    assert result.exit_code == 3
    assert "infeasible" in result.output


def test_solve_infeasible_writes_summary_without_roster(tmp_path):
    broken = tiny(budget={"total": 1})
    out = tmp_path / "out"
    result = run("solve", write(tmp_path, yaml.safe_dump(broken)), "--out", str(out))
    assert result.exit_code == 3
    assert not (out / "roster.csv").exists()
    assert json.loads((out / "summary.json").read_text())["status_code"] == "infeasible"


def test_consistency_warning_names_both_numbers():
    result = CliRunner().invoke(main, ["check", BEN_TRE])
    assert "says at least 2 per unit but its table uses 3 per unit" in result.output


GOOD = yaml.safe_dump(tiny(), sort_keys=False)

BAD_INPUTS = {
    "yaml syntax": ("name: x\nhorizon: {first_year: 2020\n", ["YAML syntax error"]),
    "empty file": ("", ["file is empty"]),
    "missing field": (GOOD.replace("name: tiny\n", ""), ["name", "missing"]),
    "unknown level": (GOOD.replace("B: 2", "C: 2"), ["unknown level 'C'"]),
    "negative capacity": (GOOD + "capacity: {starts_per_year: -5}\n",
                          ["capacity.starts_per_year", "greater than or equal to 0"]),
    "year outside horizon": (GOOD + "capacity: {starts_by_year: {2031: 5}}\n",
                             ["year 2031 is outside the horizon 2020-2024"]),
    "text for a number": (GOOD.replace("duration_years: 2", "duration_years: two"),
                          ["levels[B].duration_years", "valid integer", "'two'"]),
    "not a mapping": ("- a\n- b\n", ["is a mapping of fields"]),
    "unknown field": (GOOD + "budjet: {total: 5}\n", ["budjet", "unknown field"]),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
@pytest.mark.parametrize("command", ["solve", "check"])
def test_bad_input_is_one_clear_error_and_nothing_written(tmp_path, case, command):
    text, expected = BAD_INPUTS[case]
    path = write(tmp_path, text)
    out = tmp_path / "out"
    args = [command, path] + (["--out", str(out)] if command == "solve" else [])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"error: {path}" in result.output
    for words in expected:
        assert words in result.output
    assert not out.exists()


def test_error_names_the_line(tmp_path):
    text = GOOD.replace("duration_years: 2", "duration_years: two")
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "two" in s)
    result = CliRunner().invoke(main, ["check", write(tmp_path, text)])
    assert f"plan.yaml:{line}: levels[B].duration_years" in result.output


def test_missing_file_is_invalid_input(tmp_path):
    result = CliRunner().invoke(main, ["check", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "file not found" in result.output


def test_unwritable_output_folder_is_a_clear_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    result = CliRunner().invoke(main, ["solve", write(tmp_path, GOOD), "--out",
                                       str(blocker / "out")])
    assert result.exit_code == 2
    assert f"error: cannot write {blocker / 'out'}" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert blocker.read_text() == "not a folder\n"


def test_outputs_get_the_usual_permissions(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["solve", write(tmp_path, GOOD), "--out", str(out)])
    assert result.exit_code == 0, result.output
    mask = os.umask(0)
    os.umask(mask)
    assert (out / "roster.csv").stat().st_mode & 0o777 == 0o666 & ~mask
