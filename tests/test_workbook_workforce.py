"""The workforce section in the scenario workbook: its sheets round-trip, bad cells are named."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from trainplan.models.loader import load_scenario
from trainplan.models.scenario import Scenario
from trainplan.reports.excel import write_template

from tests.conftest import SCENARIOS, solve_verified
from tests.test_excel import edited, errors, run
from tests.test_workforce import HAND, ben_tre_first_phase

BEN_TRE_WORKFORCE = SCENARIOS / "ben_tre_workforce.yaml"


def template_from(tmp_path_factory, source: Path) -> Path:
    """`trainplan template --xlsx FILE --from SOURCE`, written by the command line."""
    path = tmp_path_factory.mktemp("template") / f"{source.stem}.xlsx"
    assert run("template", "--xlsx", str(path), "--from", str(source)).exit_code == 0
    return path


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return template_from(tmp_path_factory, BEN_TRE_WORKFORCE)


# ----- round trips -----------------------------------------------------------------


def test_ben_tre_workforce_template_reads_back_as_the_yaml_scenario(template):
    from_yaml = load_scenario(BEN_TRE_WORKFORCE)
    from_xlsx = load_scenario(template)
    assert from_yaml.scenario.workforce is not None
    assert from_xlsx.scenario == from_yaml.scenario
    assert from_xlsx.scenario.model_dump() == from_yaml.scenario.model_dump()
    assert [w.message for w in from_xlsx.warnings] == [w.message for w in from_yaml.warnings]


def test_the_sheets_hold_the_staff_growth_and_targets(template):
    wb = load_workbook(template)
    staff = wb["staff_in_post"]
    assert [c.value for c in staff[1]][:5] == ["unit_type", "at_start", "attrition_percent",
                                              "first_year_attrition_percent",
                                              "held_at_start.none"]
    assert [c.value for c in staff[3]][:9] == ["commune", 328, 5, None, 200, 100, 20, 8, None]
    by_year = wb["staff_by_year"]
    assert [c.value for c in by_year[1]][:3] == ["year", "by_year.commune",
                                                 "growth_percent.commune"]
    assert [c.value for c in by_year[8]][:3] == [2015, None, 15]
    assert wb["coverage"]["E3"].value == "intermediate"
    assert wb["trained"]["C4"].value == "2016-2020"


#: Every workforce field, on a small scenario: qualifications, staff per year, attrition per
#: qualification and in the first year, recruits with a cost, routes and all three targets.
RICH: dict = {
    "name": "every workforce field",
    "horizon": {"first_year": 2021, "last_year": 2023},
    "phases": [{"id": "all", "first_year": 2021, "last_year": 2023}],
    "levels": [{"id": "int", "label_vi": "Trung cấp", "label_en": "Intermediate",
                "duration_years": 1, "cost_per_trainee_year": 10},
               {"id": "col", "label_vi": "Cao đẳng", "label_en": "College",
                "duration_years": 1, "cost_per_trainee_year": 20}],
    "unit_types": [{"id": "commune", "label_vi": "Xã", "label_en": "Commune", "units": 5,
                    "staff_per_unit": 4, "quotas": {"int": {"at_least": 0},
                                                    "col": {"at_least": 0}}},
                   {"id": "district", "label_vi": "Huyện", "label_en": "District", "units": 2,
                    "staff_per_unit": 4, "quotas": {"col": {"at_least": 0}}}],
    "objective": ["min_cost"],
    "workforce": {
        "qualifications": ["int", "col"],
        "staff": [
            {"unit_type": "commune", "at_start": 10, "held_at_start": {"none": 7, "int": 3},
             "by_year": {2021: 10, 2022: 11, 2023: 12}, "attrition_percent": 10,
             "attrition_by_qualification": {"col": 12.5}, "first_year_attrition_percent": 20,
             "recruits": {"int": {"per_year": 1, "cost_per_person": 7.5}}},
            {"unit_type": "district", "at_start": 4, "held_at_start": {"int": 2, "col": 2},
             "growth_percent": {2023: 50}},
        ],
        "routes": [{"course": "int", "from_qualification": "none", "to_qualification": "int"},
                   {"course": "col", "from_qualification": "none", "to_qualification": "col"}],
        "coverage": [{"id": "int-2023", "label": "intermediate for all", "by_year": 2023,
                      "unit_types": ["commune"], "at_least": "int"}],
        "trained": [{"id": "half", "phase": "all", "share_percent": 50}],
        "staffed_units": [{"id": "col-units", "by_year": 2023, "unit_types": ["district"],
                           "at_least": "col", "staff": 2, "share_percent": 50}],
    },
}


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_every_workforce_field_round_trips(tmp_path, lang):
    sc = Scenario.model_validate(RICH)
    path = tmp_path / "rich.xlsx"
    write_template(path, sc, lang)
    assert load_scenario(path).scenario.model_dump() == sc.model_dump()


def test_solving_the_workbook_gives_the_same_roster(tmp_path):
    """Bến Tre's first phase (proven in about a second) and the hand case, via the sheets."""
    for sc in (ben_tre_first_phase(), Scenario.model_validate(HAND)):
        path = tmp_path / "solve.xlsx"
        write_template(path, sc, "en")
        back = load_scenario(path).scenario
        assert back == sc
        a, b = solve_verified(sc), solve_verified(back)
        assert b.roster is not None and b.roster.rows
        assert a.roster == b.roster
        assert [g.value for g in a.goals] == [g.value for g in b.goals]


def test_without_a_workforce_the_sheets_are_empty_and_read_back_as_none(tmp_path):
    result = run("template", "--xlsx", str(tmp_path / "blank.xlsx"), "--blank")
    assert result.exit_code == 0, result.output
    wb = load_workbook(tmp_path / "blank.xlsx")
    for sheet in ("staff_in_post", "staff_by_year", "routes", "coverage", "trained",
                  "staffed_units"):
        assert wb[sheet]["A1"].value and wb[sheet].max_row <= 2, sheet
    assert wb["staff_in_post"]["E1"].value == "held_at_start.none"
    path = tmp_path / "ben_tre.xlsx"
    assert run("template", "--xlsx", str(path)).exit_code == 0
    assert load_scenario(path).scenario.workforce is None


# ----- bad cells ---------------------------------------------------------------------


@pytest.mark.parametrize(("cells", "where", "words"), [
    ({("coverage", "F3"): 120}, "sheet 'coverage', cell F3, field "
     "workforce.coverage[intermediate-2015].share_percent", "120 is too large: at most 100"),
    ({("staff_in_post", "C4"): 100}, "sheet 'staff_in_post', cell C4, field "
     "workforce.staff[district].attrition_percent", "100 is too large: with 100% attrition "
     "everyone leaves every year; give a share below 100 (at most 99.99)"),
    ({("staff_in_post", "E3"): 201}, "sheet 'staff_in_post', cell B3, field "
     "workforce.staff[commune].held_at_start", "unit type 'commune': qualifications held at "
     "start add up to 201+100+20+8=329 but at_start says 328 staff in post"),
    ({("coverage", "E4"): "master"}, "sheet 'coverage', cell E4, field "
     "workforce.coverage[college-university-2020].at_least",
     "unknown qualification 'master' (known: intermediate, college, university, postgraduate)"),
    ({("staff_in_post", "I1"): "held_at_start.master"}, "sheet 'staff_in_post', cell I1",
     "unknown qualification 'master' in column 'held_at_start.master'; the qualifications are "
     "none, intermediate, college, university, postgraduate"),
    ({("staff_by_year", "A8"): 2030}, "sheet 'staff_by_year', cell A8, field year",
     "year 2030 is outside the plan's years 2010-2020 (sheet 'plan')"),
    ({("staff_by_year", "B4"): 330}, "sheet 'staff_in_post', row 3, field "
     "workforce.staff[commune]", "give by_year or growth_percent, not both"),
])
def test_a_bad_cell_is_named_with_what_would_be_right(template, tmp_path, cells, where, words):
    message = errors(edited(template, tmp_path, cells))
    assert f"edited.xlsx, {where}: {words}" in message


def test_figures_for_a_unit_type_without_a_staff_row_are_refused(template, tmp_path):
    wb = load_workbook(template)
    wb["staff_in_post"].delete_rows(4)  # district
    path = tmp_path / "edited.xlsx"
    wb.save(path)
    assert ("sheet 'staff_by_year', cell E8, field growth_percent.district: unit type "
            "'district' has no row on sheet 'staff_in_post'") in errors(path)


def test_a_bad_workforce_cell_exits_2_and_writes_nothing(template, tmp_path):
    path = edited(template, tmp_path, {("staff_in_post", "C3"): 100})
    out = tmp_path / "out"
    result = run("solve", path, "--out", str(out), "--xlsx", str(tmp_path / "plan.xlsx"))
    assert result.exit_code == 2
    assert "sheet 'staff_in_post', cell C3" in result.output
    assert not out.exists() and not (tmp_path / "plan.xlsx").exists()
