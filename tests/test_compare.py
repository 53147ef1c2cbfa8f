"""`trainplan compare`: scenarios side by side, differing rows marked, CSV/JSON output."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner
from trainplan.cli import main
from trainplan.models.errors import ScenarioError
from trainplan.optimizer.whatif import labels, parse_spec

from tests.conftest import SCENARIOS

OPTIONS = str(SCENARIOS / "ben_tre_options.yaml")
VARIANTS = str(SCENARIOS / "ben_tre_variants.yaml")


def run(*args: str):
    return CliRunner().invoke(main, ["compare", *args, "--time-limit", "120"])


def measures(output: str) -> dict[str, dict]:
    return {m["measure"]: m for m in json.loads(output)["measures"]}


def test_two_known_variants_differ_where_their_plans_differ():
    result = run(f"{OPTIONS}:lean-years", f"{OPTIONS}:slow-start", "--json")
    assert result.exit_code == 0, result.output
    rows = measures(result.stdout)
    assert rows["status"]["values"] == {"lean-years": "optimal", "slow-start": "optimal"}
    assert not rows["status"]["differs"]
    assert rows["total cost (million VND)"]["values"]["slow-start"] == "37640"
    assert not rows["total cost (million VND)"]["differs"]
    assert rows["spending 2010"]["values"] == {"lean-years": "1120", "slow-start": "540"}
    assert rows["spending 2010"]["differs"]
    assert rows["quota commune intermediate"]["values"]["lean-years"] == "100 of 100: met"
    assert rows["milestone intermediate-2015"]["values"]["slow-start"].endswith(": met")
    starts_2010 = sum(int(rows[f"starts 2010 {lv}"]["values"]["slow-start"])
                      for lv in ("intermediate", "college", "university", "postgraduate"))
    assert starts_2010 <= 30  # the variant's 30 places in 2010
    diff = json.loads(result.stdout)["roster_differences"]
    assert diff and all(r["lean-years"] != r["slow-start"] for r in diff)


def test_text_marks_only_the_rows_that_differ():
    result = run(f"{OPTIONS}:lean-years", f"{OPTIONS}:slow-start")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any(line.startswith("*  spending 2010 ") for line in lines)
    assert any(line.startswith("   status ") for line in lines)
    assert "Roster rows that differ (starters): " in result.stdout


def test_an_infeasible_variant_is_compared_not_an_error():
    result = run(VARIANTS, f"{VARIANTS}:cut-budget", "--json")
    assert result.exit_code == 0, result.output
    rows = measures(result.stdout)
    assert rows["status"]["values"] == {"base": "optimal", "cut-budget": "infeasible"}
    assert rows["status"]["differs"]
    assert rows["spending 2010"]["values"]["cut-budget"] == "-"
    assert not rows["spending 2010"]["differs"]  # only one scenario has spending


def test_out_writes_table_roster_differences_and_json(tmp_path):
    result = run(f"{OPTIONS}:lean-years", f"{OPTIONS}:early-university",
                 f"{OPTIONS}:slow-start", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    with (tmp_path / "comparison.csv").open() as fh:
        table = list(csv.DictReader(fh))
    assert list(table[0]) == ["measure", "lean-years", "early-university", "slow-start",
                              "differs"]
    with (tmp_path / "roster_differences.csv").open() as fh:
        header = next(csv.reader(fh))
    assert header == ["year", "unit_type", "unit", "level", "lean-years", "early-university",
                      "slow-start"]
    data = json.loads((tmp_path / "comparison.json").read_text())
    assert [s["label"] for s in data["scenarios"]] == ["lean-years", "early-university",
                                                       "slow-start"]


@pytest.mark.parametrize("args, words", [
    ((OPTIONS,), "at least two scenarios"),
    ((OPTIONS, f"{OPTIONS}:nope"), "unknown variant 'nope'"),
    ((OPTIONS, f"{OPTIONS}:"), "name a variant after ':'"),
    ((OPTIONS, "missing.yaml"), "file not found"),
])
def test_bad_arguments_exit_2_without_traceback(args, words):
    result = run(*args)
    assert result.exit_code == 2
    assert words in result.stderr
    assert "Traceback" not in result.output


def test_spec_syntax_and_labels(tmp_path):
    odd = tmp_path / "a:b.yaml"
    odd.write_text("name: x\n")
    assert parse_spec("plan.yaml") == ("plan.yaml", [])
    assert parse_spec("plan.yaml:a+b") == ("plan.yaml", ["a", "b"])
    assert parse_spec(str(odd)) == (str(odd), [])
    with pytest.raises(ScenarioError):
        parse_spec("plan.yaml:+")
    assert labels([("p.yaml", []), ("p.yaml", ["x"]), ("p.yaml", ["x"])]) == [
        "base", "x", "x#3"]
    assert labels([("a/p.yaml", ["x"]), ("b/q.yaml", [])]) == ["p:x", "q:base"]


def test_a_warning_shared_by_the_scenarios_is_printed_once():
    result = run(f"{OPTIONS}:lean-years", f"{OPTIONS}:slow-start", "--json")
    assert result.exit_code == 0, result.output
    assert result.output.count("the plan's text says at least 2 per unit") == 1
