"""Actual results in a workbook: sheets of the scenario workbook, or a separate `--actuals` file."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from openpyxl import load_workbook
from trainplan.models.loader import load_scenario
from trainplan.models.scenario import Scenario
from trainplan.reports.excel import write_template

from tests.conftest import SCENARIOS
from tests.test_excel import edited, errors, run
from tests.test_workbook_workforce import template_from
from tests.test_workforce import HAND

BEN_TRE = SCENARIOS / "ben_tre_2010_2020.yaml"
BEN_TRE_ACTUALS = SCENARIOS / "ben_tre_actuals_2013.yaml"


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return template_from(tmp_path_factory, BEN_TRE_ACTUALS)


def hand_with_counts() -> Scenario:
    """The hand case (10 commune staff) with a course and a staff count of 2021."""
    data = copy.deepcopy(HAND)
    data["actuals"] = {
        "source": "counted", "spending": {2021: 40},
        "cohorts": [{"year": 2021, "unit_type": "commune", "level": "intermediate",
                     "starters": 4, "graduates": 4}],
        "staff": [{"year": 2021, "unit_type": "commune", "in_post": 12,
                   "held": {"none": 8, "intermediate": 4}}]}
    return Scenario.model_validate(data)


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_actuals_round_trip_through_the_workbook(tmp_path, lang):
    for sc in (load_scenario(BEN_TRE_ACTUALS).scenario, hand_with_counts()):
        assert sc.actuals is not None
        path = tmp_path / "actuals.xlsx"
        write_template(path, sc, lang)
        assert load_scenario(path).scenario.model_dump() == sc.model_dump()


def test_the_sheets_hold_courses_money_and_counts(template):
    wb = load_workbook(template)
    assert [c.value for c in wb["actual_cohorts"][3]] == [2010, "commune", "university", 40,
                                                          36, 4]
    assert [c.value for c in wb["actual_spending"][6]] == [2013, 4100]
    assert wb["actuals"]["B2"].value.startswith("ILLUSTRATION")


def test_replan_from_the_workbook_prints_what_the_yaml_prints(template):
    from_yaml = run("replan", str(BEN_TRE_ACTUALS), "--from", "2014")
    from_xlsx = run("replan", str(template), "--from", "2014")
    assert from_yaml.exit_code == from_xlsx.exit_code == 0
    assert from_xlsx.stdout == from_yaml.stdout
    assert "The remaining years must start 335 people (+39 against the first plan)." \
        in from_xlsx.stdout


def test_a_separate_actuals_workbook_is_read_against_the_scenario(template):
    result = run("replan", str(BEN_TRE), "--actuals", str(template), "--from", "2014")
    assert result.exit_code == 0, result.output
    assert "The remaining years must start 335 people (+39 against the first plan)." \
        in result.stdout


def test_an_actuals_workbook_without_figures_is_refused(tmp_path):
    path = tmp_path / "none.xlsx"
    assert run("template", "--xlsx", str(path)).exit_code == 0
    result = run("replan", str(BEN_TRE), "--actuals", str(path), "--from", "2014")
    assert result.exit_code == 2
    assert "none.xlsx: actuals: no actual figures found: fill sheets actual_cohorts" \
        in result.output


@pytest.mark.parametrize(("cells", "where", "words"), [
    ({("actual_cohorts", "E3"): 50}, "sheet 'actual_cohorts', cell E3, field "
     "actuals.cohorts[0].graduates", "50 graduates but only 40 starters"),
    ({("actual_spending", "A3"): 2025}, "sheet 'actual_spending', cell A3, field year",
     "year 2025 is outside the plan's years 2010-2020 (sheet 'plan')"),
])
def test_a_bad_actuals_cell_exits_2_naming_it(template, tmp_path, cells, where, words):
    path = edited(template, tmp_path, cells)
    for args in (["replan", path], ["replan", str(BEN_TRE), "--actuals", path]):
        result = run(*args, "--from", "2014", "--out", str(tmp_path / "out"))
        assert result.exit_code == 2
        assert f"edited.xlsx, {where}: {words}" in result.output
        assert not (tmp_path / "out").exists()


def test_staff_counts_that_do_not_add_up_name_the_count(tmp_path):
    from trainplan.models.actuals import with_actuals

    path = tmp_path / "counts.xlsx"
    write_template(path, hand_with_counts(), "en")
    wb = load_workbook(path)
    assert [c.value for c in wb["actual_staff"][1]] == ["year", "unit_type", "in_post",
                                                        "held.none", "held.intermediate"]
    wb["actual_staff"]["D3"] = 7
    wb.save(path)
    sc = load_scenario(path).scenario
    with pytest.raises(Exception) as info:
        with_actuals(sc, path, None, 2022)
    assert ("counts.xlsx, sheet 'actual_staff', cell C3, field actuals.staff[0].held: "
            in str(info.value))
    assert "add up to 7+4=11 but in_post says 12" in str(info.value)
    wb["actual_staff"]["D1"] = "held.master"
    wb.save(path)
    assert ("sheet 'actual_staff', cell D1: unknown qualification 'master' in column "
            "'held.master'") in errors(path)
