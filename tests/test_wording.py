"""The planner's words (issue 9, items 11 and 12): goals, repairs, tables, --lang, --help."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from trainplan.cli import main
from trainplan.models.results import Change
from trainplan.models.scenario import MONEY_SCALE
from trainplan.reports.explain import change_words
from trainplan.reports.i18n import goal_words
from trainplan.reports.whatif import time_left

from tests.conftest import tiny

COMMANDS = ["check", "explain", "min-budget", "compare", "sweep", "show", "solve", "template"]


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def write(tmp_path: Path, data: dict, name: str = "plan.yaml") -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def costly(**changes) -> dict:
    """The tiny scenario with costs in the thousands (so separators show)."""
    data = tiny(**changes)
    data["levels"][0]["cost_per_trainee_year"] = 1500
    data["levels"][1]["cost_per_trainee_year"] = 2500
    return data


# ----- item 11: goals, repairs and tables in the planner's words ------------------------


def test_goal_words_say_what_each_goal_means():
    assert goal_words("min_cost", 37_640 * MONEY_SCALE, "en") == \
        "lowest total training cost: 37,640 million VND"
    assert goal_words("min_cost", 37_640 * MONEY_SCALE, "vi") == \
        "tổng kinh phí đào tạo thấp nhất: 37.640 triệu đồng"
    assert goal_words("smooth_intake", 51, "en") == \
        "smoothest intake: yearly starters change by 51 in total (persons)"
    assert goal_words("earliest_completion", 3249, "en").startswith(
        "earliest completion: 3,249 person-years from plan start")


def test_solve_prints_goals_in_words_not_ids(tmp_path):
    plan = write(tmp_path, costly(objective=["min_cost", "smooth_intake",
                                             "earliest_completion"]))
    result = run("solve", plan, "--time-limit", "120")
    assert result.exit_code == 0, result.output
    assert "lowest total training cost: 13,000 million VND" in result.stdout
    assert "smoothest intake: yearly starters change by" in result.stdout
    assert "person-years from plan start" in result.stdout
    assert "goal min_cost" not in result.stdout
    assert "goal smooth_intake" not in result.stdout


def test_repairs_in_plain_words():
    quota = Change("unit_types.commune.quotas.college", 10, {"people": 9, "mode": "exact"},
                   "lower the commune college quota from 10 to 9 (-1 people)")
    assert change_words(quota) == "lower the commune quota at college from 10 to 9 (1 fewer person)"
    places = Change("capacity.starts_by_year.2014", 40, 48, "")
    assert change_words(places) == "raise the training places in 2014 from 40 to 48 (8 more places)"
    money = Change("budget.total", Decimal(36000), Decimal(37640), "")
    assert change_words(money) == ("raise the total training budget from 36,000 million VND to "
                                   "37,640 million VND (1,640 million VND more)")
    assert change_words(money, "vi") == ("tăng tổng kinh phí đào tạo từ 36.000 triệu đồng lên "
                                         "37.640 triệu đồng (thêm 1.640 triệu đồng)")


def test_explain_says_the_lever_order_in_words(tmp_path):
    plan = write(tmp_path, tiny(capacity={"starts_per_year": 1},
                            horizon={"first_year": 2020, "last_year": 2022}))
    result = run("explain", plan, "--time-limit", "120")
    assert result.exit_code == 3, result.output
    out = result.stdout
    assert "pull first" not in out and " > " not in out
    assert "changing training places first, then seats" in out
    assert "(+" not in out and "(-" not in out
    assert "(1 more place)" in out


def test_compare_table_has_thousands_separators_but_files_do_not(tmp_path):
    plan = write(tmp_path, costly())
    rich = write(tmp_path, costly(budget={"total": 100000}), "rich.yaml")
    out = tmp_path / "cmp"
    result = run("compare", plan, rich, "--out", str(out), "--time-limit", "120")
    assert result.exit_code == 0, result.output
    cost_row = next(line for line in result.stdout.splitlines()
                    if "total cost (million VND)" in line)
    assert "13,000" in cost_row
    csv = (out / "comparison.csv").read_text()
    assert "13000" in csv and "13,000" not in csv


def test_compare_in_vietnamese(tmp_path):
    plan = write(tmp_path, costly())
    rich = write(tmp_path, costly(budget={"total": 100000}), "rich.yaml")
    result = run("compare", plan, rich, "--lang", "vi", "--time-limit", "120")
    assert result.exit_code == 0, result.output
    assert "So sánh 2 kịch bản" in result.stdout
    assert "tổng kinh phí (triệu đồng)" in result.stdout
    assert "13.000" in result.stdout


def _sweep(tmp_path: Path, *extra: str):
    plan = write(tmp_path, costly())
    return run("sweep", plan, "--grid", "budget.total=20000,30000", "--grid",
               "capacity.starts_per_year=2,6", "--jobs", "1", "--time-limit", "120", *extra)


def test_sweep_table_fits_100_columns_with_separators(tmp_path):
    result = _sweep(tmp_path)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert all(len(line) <= 100 for line in lines), max(lines, key=len)
    assert "13,000" in result.stdout
    assert "--wide" in result.stdout  # the columns left out are named
    vi = _sweep(tmp_path, "--lang", "vi")
    assert all(len(line) <= 100 for line in vi.stdout.splitlines())
    assert "13.000" in vi.stdout and "--wide" in vi.stdout


def test_sweep_wide_shows_every_column(tmp_path):
    result = _sweep(tmp_path, "--wide")
    assert result.exit_code == 0, result.output
    assert "grad. A" in result.stdout and "grad. B" in result.stdout
    assert "peak spending" in result.stdout
    assert "--wide" not in result.stdout


# ----- item 11: --lang on every command -------------------------------------------------


def _args(command: str, plan: str, tmp_path: Path) -> list[str]:
    """A quick run of `command` on `plan` that writes one file where it can."""
    return {
        "check": ["check", plan],
        "explain": ["explain", plan],
        "min-budget": ["min-budget", plan, "--shares", "100", "--out", str(tmp_path / "mb")],
        "compare": ["compare", plan, plan, "--out", str(tmp_path / "cmp")],
        "sweep": ["sweep", plan, "--grid", "budget.total=30000", "--jobs", "1",
                  "--out", str(tmp_path / "s.csv")],
        "show": ["show", plan],
        "solve": ["solve", plan, "--out", str(tmp_path / "out")],
        "template": ["template", "--xlsx", str(tmp_path / "t.xlsx"), "--from", plan],
    }[command]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_speaks_vietnamese(tmp_path, command):
    # the plan states 99 people, its table 4: a warning every command prints
    plan = write(tmp_path, costly(stated_total_people=99))
    args = _args(command, plan, tmp_path)
    result = run(*args, "--lang", "vi")
    assert result.exit_code == 0, result.output
    if command != "template":
        assert "cảnh báo: " in result.stderr and "warning:" not in result.stderr
    if command not in ("check", "explain", "show"):
        assert "đã ghi " in result.output and "wrote " not in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_help_has_an_example_and_exit_codes(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout
    assert f"trainplan {command}" in result.stdout.split("Example")[1]
    assert "Exit codes:" in result.stdout
    assert "  0  " in result.stdout and "  2  " in result.stdout
    assert "--lang" in result.stdout


# ----- item 12: check --json, the sweep's time estimate ---------------------------------


def test_check_json_feasible(tmp_path):
    result = run("check", write(tmp_path, tiny()), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"scenario": "tiny", "status": "feasible",
                                         "feasible": True}


def test_check_json_infeasible_has_the_explain_shape(tmp_path):
    plan = write(tmp_path, tiny(capacity={"starts_per_year": 1},
                            horizon={"first_year": 2020, "last_year": 2022}))
    checked = run("check", plan, "--json")
    explained = run("explain", plan, "--json")
    assert checked.exit_code == explained.exit_code == 3, checked.output
    verdict = json.loads(checked.stdout)
    assert verdict["status"] == "infeasible" and verdict["feasible"] is False
    assert set(verdict) == set(json.loads(explained.stdout))
    assert verdict["conflict"]


def test_sweep_time_left_is_known_after_the_first_point():
    assert time_left(0, 10, 0.0) == "estimating time left"
    assert time_left(1, 10, 20.0) == "about 3 min 00 s left"
    assert time_left(2, 4, 3.0) == "about 3 s left"
    assert time_left(1, 10, 20.0, "vi") == "còn khoảng 3 phút 00 giây"
