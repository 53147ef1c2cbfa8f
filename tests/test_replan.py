"""Re-planning from actual results: the past kept, the rest re-planned, bad actuals refused."""

from __future__ import annotations

import re

import pytest
from trainplan.models.actuals import actuals_problems, replan_scenario
from trainplan.models.loader import load_scenario
from trainplan.models.solution import Status
from trainplan.optimizer.replan import cohort_starts, replan

from tests.conftest import FAST, SCENARIOS, scenario, solve_verified, tiny


def actuals_of(sc, roster, from_year: int) -> dict:
    """Actuals exactly as the plan had them for the years before `from_year`."""
    rows = [{"year": y, "unit_type": t, "level": lv, "starters": n}
            for (t, lv, y), n in sorted(cohort_starts(roster).items(), key=lambda kv: kv[0][::-1])
            if y < from_year]
    return {"cohorts": rows, "short_courses": short_actuals_of(roster, from_year)}


def short_actuals_of(roster, from_year: int) -> list[dict]:
    """Short-course classes exactly as the plan held them before `from_year`, split by type."""
    split: dict[tuple[str, str, int], dict[str, int]] = {}
    for r in roster.attendance:
        if r.year < from_year:
            by_type = split.setdefault((r.course, r.place, r.year), {})
            by_type[r.unit_type] = by_type.get(r.unit_type, 0) + r.participants
    return [{"year": r.year, "course": r.course, "place": r.place, "classes": r.classes,
             "participants": r.participants,
             "by_unit_type": split.get((r.course, r.place, r.year), {})}
            for r in roster.classes if r.year < from_year and r.classes]


@pytest.mark.parametrize(("file", "from_year"), [
    ("ben_tre_2010_2020.yaml", 2014), ("binh_thuan_2010_2020.yaml", 2016),
    ("kon_tum_2021_2025.yaml", 2023)])
def test_equal_actuals_return_the_original_plan_for_the_remaining_years(file, from_year):
    sc = load_scenario(SCENARIOS / file).scenario.model_copy(update={"actuals": None})
    original = solve_verified(sc)
    assert original.status == Status.optimal
    with_actuals = sc
    data = with_actuals.model_dump()
    data["actuals"] = actuals_of(sc, original.roster, from_year)
    sc2 = type(sc).model_validate(data)
    assert actuals_problems(sc2, from_year) == []
    done = replan(sc2, from_year, FAST)
    assert done.result.status == Status.optimal
    assert done.check is not None and done.check.ok, done.check.violations
    before = cohort_starts(original.roster)
    after = cohort_starts(done.result.roster)
    assert {k: v for k, v in after.items() if k[2] >= from_year} == \
        {k: v for k, v in before.items() if k[2] >= from_year}
    assert after == before
    assert done.result.roster.classes == original.roster.classes
    assert done.result.roster.attendance == original.roster.attendance
    assert [g.value for g in done.result.goals] == [g.value for g in original.goals]


def test_a_shortfall_moves_training_into_the_remaining_years():
    sc = scenario(tiny(actuals={"cohorts": [
        {"year": 2020, "unit_type": "commune", "level": "A", "starters": 2, "dropouts": 1}]}))
    done = replan(sc, 2021, FAST)
    assert done.result.status == Status.optimal
    assert done.check is not None and done.check.ok
    starts = cohort_starts(done.result.roster)
    assert starts[("commune", "A", 2020)] == 1  # the one who stayed
    assert sum(n for (t, lv, y), n in starts.items() if lv == "A" and y >= 2021) == 1


def test_the_past_is_fixed_even_when_it_was_more_than_the_plan_allowed():
    data = tiny(capacity={"starts_per_year": 2},
                actuals={"cohorts": [{"year": 2020, "unit_type": "commune", "level": "A",
                                      "starters": 2},
                                     {"year": 2020, "unit_type": "commune", "level": "B",
                                      "starters": 1}]})
    sc = scenario(data)
    again = replan_scenario(sc, 2021)
    assert again.starts_cap(2020) == 3 and again.starts_cap(2021) == 2
    done = replan(sc, 2021, FAST)
    assert done.result.status == Status.optimal and done.check.ok


@pytest.mark.parametrize(("row", "field", "words"), [
    ({"year": 2019, "unit_type": "commune", "level": "A", "starters": 1}, "year",
     "outside the plan"),
    ({"year": 2022, "unit_type": "commune", "level": "A", "starters": 1}, "year",
     "not before --from 2022"),
    ({"year": 2020, "unit_type": "ward", "level": "A", "starters": 1}, "unit_type",
     "unknown unit type 'ward'"),
    ({"year": 2020, "unit_type": "commune", "level": "C", "starters": 1}, "level",
     "unknown level 'C'"),
    ({"year": 2020, "unit_type": "commune", "level": "A", "starters": 1, "graduates": 2},
     "graduates", "2 graduates but only 1 starters"),
    ({"year": 2021, "unit_type": "commune", "level": "B", "starters": 2, "graduates": 1},
     "graduates", "no graduates yet"),
    ({"year": 2020, "unit_type": "commune", "level": "A", "starters": 3, "graduates": 1,
      "dropouts": 1}, "graduates", "must add up"),
])
def test_bad_actuals_are_named(row, field, words):
    sc = scenario(tiny(actuals={"cohorts": [row]}))
    problems = actuals_problems(sc, 2022)
    assert len(problems) == 1
    loc, msg = problems[0]
    assert loc == ("actuals", "cohorts", 0, field) and words in msg, problems


def test_spending_after_from_and_a_bad_from_year_are_refused():
    sc = scenario(tiny(actuals={"spending": {2023: 5}}))
    assert "not a past year" in actuals_problems(sc, 2022)[0][1]
    assert actuals_problems(sc, 2020)[0][0] == ("--from",)


# ----- the command -------------------------------------------------------------------

def run(*args: str):
    from click.testing import CliRunner
    from trainplan.cli import main

    return CliRunner().invoke(main, ["replan", *args, "--time-limit", "120"],
                              catch_exceptions=False)


def test_binh_thuan_replan_runs_as_in_the_readme(tmp_path):
    out = tmp_path / "out"
    result = run(str(SCENARIOS / "binh_thuan_2010_2020.yaml"), "--from", "2018",
                 "--out", str(out), "--xlsx", str(tmp_path / "r.xlsx"),
                 "--html", str(tmp_path / "r.html"), "--png", str(tmp_path / "png"))
    assert result.exit_code == 0, result.output
    assert re.search(r"verified: \d+ rules, 0 violations", result.output)
    assert "128 of 127 graduates, met" in result.output  # the 2015 milestone, on actuals
    csv_text = (out / "plan_vs_actual.csv").read_text()
    assert "facility,intermediate,31,25,-6,25,21,-4,44,13,23,10" in csv_text
    assert (out / "plan_vs_actual_short.csv").read_text().splitlines()[1:] == [
        "skills,29,30,1,8600,6456,-2144,0,2144", "three-month,0,2,2,0,10,10,0,0"]
    assert {p.name for p in out.iterdir()} == {
        "roster.csv", "summary.json", "plan_vs_actual.csv", "classes.csv", "participants.csv",
        "plan_vs_actual_short.csv"}
    page = (tmp_path / "r.html").read_text()
    assert 'id="plan-vs-actual-short"' in page
    assert 'class="plan-vs-actual"' in page and 'id="chart-plan-vs-actual"><svg' in page
    from openpyxl import load_workbook
    sheet = load_workbook(tmp_path / "r.xlsx")["Plan vs actual"]
    assert len(sheet._charts) == 1
    assert (tmp_path / "png" / "plan-vs-actual.png").read_bytes()[:4] == b"\x89PNG"


def test_ben_tre_illustration_in_vietnamese(tmp_path):
    result = run(str(SCENARIOS / "ben_tre_actuals_2013.yaml"), "--from", "2014",
                 "--lang", "vi")
    assert result.exit_code == 0, result.output
    assert "Kế hoạch so với thực hiện, 2010-2013" in result.output
    assert "Các năm còn lại phải tuyển 335 người (+39" in result.output


def test_targets_out_of_reach_are_explained_and_priced(tmp_path):
    result = run(str(SCENARIOS / "binh_thuan_2010_2020.yaml"), "--from", "2018",
                 "--set", "unit_types.facility.max_in_training_per_unit=2",
                 "--out", str(tmp_path))
    assert result.exit_code == 3, result.output
    assert "can no longer be met from 2018" in result.output
    assert "facility, intermediate: 44 graduates" in result.output
    assert "Cheapest combination" in result.output and "[checked feasible]" in result.output
    assert "No re-plan of the remaining years meets every rule" in result.output
    assert "must start" not in result.output
    assert "facility,intermediate,22,25,3,22,21,-1,44,22,," in \
        (tmp_path / "plan_vs_actual.csv").read_text()
    assert not (tmp_path / "roster.csv").exists()


def test_bad_actuals_file_names_file_line_and_field_and_writes_nothing(tmp_path):
    bad = tmp_path / "actuals.yaml"
    bad.write_text("actuals:\n  cohorts:\n"
                   "    - {year: 2014, unit_type: commune, level: intermediate, starters: 5}\n"
                   "    - {year: 2012, unit_type: commune, level: university,\n"
                   "       starters: 5, graduates: 6}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run(str(SCENARIOS / "ben_tre_2010_2020.yaml"), "--actuals", str(bad),
                 "--from", "2014", "--out", str(out))
    assert result.exit_code == 2
    assert f"{bad}:3: actuals.cohorts[0].year: year 2014 is not before --from 2014" \
        in result.output
    assert f"{bad}:5: actuals.cohorts[1].graduates: 6 graduates but only 5 starters" \
        in result.output
    assert not out.exists()


def test_schema_errors_in_actuals_and_a_bad_from_year(tmp_path):
    bad = tmp_path / "actuals.yaml"
    bad.write_text("actuals:\n  cohorts:\n    - {year: 2011, unit_type: commune,\n"
                   "       level: university, starters: lots}\n", encoding="utf-8")
    result = run(str(SCENARIOS / "ben_tre_2010_2020.yaml"), "--actuals", str(bad),
                 "--from", "2014")
    assert result.exit_code == 2 and f"{bad}:4: actuals.cohorts[0].starters" in result.output
    result = run(str(SCENARIOS / "binh_thuan_2010_2020.yaml"), "--from", "2030")
    assert result.exit_code == 2 and "error: --from: 2030 is not a year" in result.output
    other = tmp_path / "other.yaml"
    other.write_text("cohorts: []\n", encoding="utf-8")
    result = run(str(SCENARIOS / "ben_tre_2010_2020.yaml"), "--actuals", str(other),
                 "--from", "2014")
    assert result.exit_code == 2 and "one top-level key, 'actuals:'" in result.output


# ----- staff counted (with a workforce section) ------------------------------------------

def _hand_with(staff_rows, cohorts=None):
    import copy

    from tests.test_workforce import HAND
    data = copy.deepcopy(HAND)
    data["actuals"] = {"cohorts": cohorts if cohorts is not None else [
        {"year": 2021, "unit_type": "commune", "level": "intermediate", "starters": 4,
         "graduates": 4}], "staff": staff_rows}
    return scenario(data)


def test_staff_counted_replace_the_planned_staff_in_post_of_past_years():
    from trainplan.models.workforce import staff_in_post
    from trainplan.reports.replan import plan_vs_actual, terminal_text

    sc = _hand_with([{"year": 2021, "unit_type": "commune", "in_post": 12,
                      "held": {"none": 8, "intermediate": 4}}])
    assert actuals_problems(sc, 2022) == []
    done = replan(sc, 2022, FAST)
    assert staff_in_post(done.replan, "commune")[2021] == 12
    assert done.result.status == Status.optimal and done.check.ok, done.check.violations
    starts = cohort_starts(done.result.roster)
    assert sum(n for (t, lv, y), n in starts.items() if y >= 2022) >= 8  # 12 to hold it
    text = terminal_text(plan_vs_actual(sc, done.original.roster, done.result.roster, 2022),
                         "en")
    assert "end of 2021: 12 staff in post counted (10 planned), 4 holding a qualification" \
        in text


@pytest.mark.parametrize(("row", "loc", "words"), [
    ({"year": 2021, "unit_type": "commune", "in_post": 12, "held": {"none": 7,
                                                                     "intermediate": 4}},
     ("actuals", "staff", 0, "held"), "add up to 7+4=11 but in_post says 12"),
    ({"year": 2021, "unit_type": "commune", "in_post": 1, "held": {"college": 1}},
     ("actuals", "staff", 0, "held", "college"), "unknown qualification 'college'"),
    ({"year": 2022, "unit_type": "commune", "in_post": 1},
     ("actuals", "staff", 0, "year"), "not a past year"),
])
def test_bad_staff_counts_are_named(row, loc, words):
    problems = actuals_problems(_hand_with([row]), 2022)
    assert len(problems) == 1 and problems[0][0] == loc and words in problems[0][1], problems


def test_staff_counts_need_a_workforce_section():
    sc = scenario(tiny(actuals={"staff": [{"year": 2020, "unit_type": "commune",
                                           "in_post": 3}]}))
    (loc, msg), = actuals_problems(sc, 2021)
    assert loc == ("actuals", "staff", 0, "unit_type") and "no staff in the workforce" in msg


def test_a_limit_for_every_year_is_not_raised_for_the_remaining_years():
    data = tiny(capacity={"groups": [{"id": "all", "levels": ["A", "B"], "starts_per_year": 2}]},
                actuals={"cohorts": [{"year": 2020, "unit_type": "commune", "level": "A",
                                      "starters": 2},
                                     {"year": 2020, "unit_type": "commune", "level": "B",
                                      "starters": 1}]})
    again = replan_scenario(scenario(data), 2021)
    assert again.capacity.groups[0].starts_per_year == 2


def test_the_checker_catches_a_roster_that_changes_the_past():
    from trainplan.optimizer.replan import verify_replan

    sc = scenario(tiny(actuals={"cohorts": [
        {"year": 2020, "unit_type": "commune", "level": "A", "starters": 2, "dropouts": 1}]}))
    done = replan(sc, 2021, FAST)
    rows = [r for r in done.result.roster.rows if r.year >= 2021]  # the past left out
    bad = done.result.model_copy(update={"roster": done.result.roster.model_copy(
        update={"rows": rows})})
    check = verify_replan(done.replan, bad)
    assert [v.rule for v in check.violations if v.rule == "past_kept"] == ["past_kept"]
    assert "commune, A, 2020: 0 starters in the plan, 1 as it happened" in \
        " ".join(v.message for v in check.violations)
