"""Short courses: classes, person-times and trainers, planned with the long courses."""

from __future__ import annotations

import json
from decimal import Decimal

import openpyxl
import pytest
import yaml
from click.testing import CliRunner
from trainplan.cli import main
from trainplan.models.checker import verify
from trainplan.models.loader import load_scenario
from trainplan.models.measures import long_total_cost, short_target_results, total_cost
from trainplan.models.scenario import MONEY_SCALE, SHORT_COURSES
from trainplan.models.solution import ClassRow, Status
from trainplan.reports.i18n import t

from tests.conftest import SCENARIOS, scenario, solve_verified, tiny
from tests.test_rules import short, with_course


def ninety_five(**course) -> dict:
    """95 commune staff, each on the skills course once in 2020 (one-year plan, no long course)."""
    return {
        "name": "ninety-five",
        "horizon": {"first_year": 2020, "last_year": 2020},
        "levels": [{"id": "A", "label_vi": "A", "label_en": "A", "duration_years": 1,
                    "cost_per_trainee_year": 10}],
        "unit_types": [{"id": "commune", "label_vi": "xã", "label_en": "commune", "units": 95,
                        "staff_per_unit": 1, "quotas": {}}],
        "objective": ["min_cost"],
        "short_courses": {
            "places": [{"id": "town"}],
            "courses": [{"id": "skills", "label_vi": "kỹ năng", "label_en": "skills",
                         "days": 10, "min_class": 20, "max_class": 40, "cost_per_class": 30,
                         "cost_per_participant": 1, **course}],
            "targets": [{"id": "all", "exactly": 95}],
        },
    }


def test_95_people_in_classes_of_20_to_40_cost_three_classes():
    sc = scenario(ninety_five())
    result = solve_verified(sc)
    assert result.status == Status.optimal
    assert result.goals[0].value == (3 * 30 + 95) * MONEY_SCALE
    (row,) = result.roster.classes
    assert (row.classes, row.participants, row.cost_million_vnd) == (3, 95, 185)
    assert total_cost(sc, result.roster) == 185


def test_a_class_size_that_cannot_take_95_needs_more_classes():
    # classes of 20-30: 95 needs 4 classes (3 hold at most 90)
    result = solve_verified(scenario(ninety_five(max_class=30)))
    assert result.goals[0].value == (4 * 30 + 95) * MONEY_SCALE


def test_without_the_section_the_scenario_dumps_as_before():
    sc = scenario(tiny())
    assert "short_courses" not in sc.model_dump()
    assert "short_courses" not in sc.model_dump(mode="json")
    assert "short_courses" in scenario(short({"at_least": 2})).model_dump()


def test_short_course_cost_counts_in_the_total_budget():
    # long courses cost 100; one class of 2 costs 3 + 2 = 5
    assert solve_verified(scenario(short({"at_least": 2}, ) | {
        "budget": {"total": 105}})).status == Status.optimal
    assert solve_verified(scenario(short({"at_least": 2}) | {
        "budget": {"total": 104}})).status == Status.infeasible


def test_short_course_cost_counts_in_the_yearly_ceiling():
    data = short({"year": 2024, "at_least": 4}) | {"budget": {"per_year": 40}}
    data["short_courses"]["courses"] = with_course(cost_per_class=30)  # 30 + 4 = 34 in 2024
    result = solve_verified(scenario(data))
    assert result.status == Status.optimal
    data["budget"] = {"per_year": 33}
    assert solve_verified(scenario(data)).status == Status.infeasible


def test_a_source_for_short_courses_only_pays_them_and_nothing_else():
    data = short({"at_least": 2}) | {"budget": {"sources": [
        {"id": "state", "amount": 100},
        {"id": "training", "amount": 5, "levels": []}]}}
    data["short_courses"]["sources"] = ["training"]
    sc = scenario(data)
    result = solve_verified(sc)
    assert result.status == Status.optimal
    short_paid = {(f.source, f.level): f.amount for f in result.roster.funding
                  if f.level == SHORT_COURSES}
    assert short_paid == {("training", SHORT_COURSES): Decimal(5)}
    data["budget"]["sources"][1]["amount"] = 4  # the class costs 5: the state may not pay it
    assert solve_verified(scenario(data)).status == Status.infeasible


def test_targets_are_reported_met_with_the_person_times():
    sc = scenario(short({"each_year": True, "at_least": 2}, {"at_most": 12}))
    result = solve_verified(sc)
    rows = short_target_results(sc, result.roster)
    assert [r.span for r in rows] == ["2020", "2021", "2022", "2023", "2024", "2020-2024"]
    assert all(r.met for r in rows)
    assert rows[-1].achieved == 10  # least cost: 2 a year


def test_the_checker_catches_a_class_row_whose_cost_is_wrong():
    sc = scenario(short({"at_least": 2}))
    roster = solve_verified(sc).roster
    (row,) = roster.classes
    bad = roster.model_copy(update={"classes": [ClassRow(
        **(row.model_dump() | {"cost_million_vnd": row.cost_million_vnd - 1}))]})
    messages = [v.message for v in verify(sc, bad).violations]
    assert any("does not match the course's costs" in m for m in messages), messages


BAD = {
    "min above max": (with_course(min_class=5, max_class=4),
                      "short_courses.courses[skills]", "min_class 5 is above max_class 4"),
    "unknown unit type": (with_course(unit_types=["district"]),
                          "short_courses.courses[skills].unit_types",
                          "unknown unit type 'district'"),
    "qualification no one holds": (None, "short_courses.courses[skills].qualification",
                                   "which no one may attend with"),
}


def _bad_data(case: str) -> dict:
    courses, _, _ = BAD[case]
    data = short({"at_least": 2})
    if case == "qualification no one holds":
        data["levels"].append({"id": "C", "label_vi": "C", "label_en": "C", "duration_years": 1,
                               "cost_per_trainee_year": 10})
        courses = with_course(qualification="C")
    data["short_courses"]["courses"] = courses
    return data


@pytest.mark.parametrize("case", [*sorted(BAD), "zero trainer-days", "unknown course"])
def test_bad_short_course_input_is_a_clear_error_with_exit_2(tmp_path, case):
    if case == "zero trainer-days":
        data, field, words = (short({"year": 2021, "at_least": 2}, trainer_days_per_year=0),
                              "short_courses.trainer_days_per_year", "0 trainer-days in 2021")
    elif case == "unknown course":
        data = short({"courses": ["nope"], "at_least": 2})
        field, words = "short_courses.targets[t0].courses", "unknown course 'nope'"
    else:
        data, (_, field, words) = _bad_data(case), BAD[case]
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert f"error: {path}:" in result.output
    assert field in result.output and words in result.output, result.output


def test_a_long_course_trainee_may_attend_when_the_plan_allows_it():
    # 2020-2021: the 2 on the 2-year course B are away in 2020; all 6 staff are asked for
    data = short({"year": 2020, "exactly": 6}) | {
        "horizon": {"first_year": 2020, "last_year": 2021}}
    assert solve_verified(scenario(data)).status == Status.infeasible
    data["short_courses"]["long_course_trainees_attend"] = True
    assert solve_verified(scenario(data)).status == Status.optimal


def test_kon_tum_short_course_targets_solve_and_verify(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["solve", str(SCENARIOS / "kon_tum_2021_2025.yaml"),
                                       "--out", str(out), "--time-limit", "120"])
    assert result.exit_code == 0, result.output
    lines = (out / "classes.csv").read_text("utf-8").splitlines()
    assert lines[0] == "year,course,place,classes,participants,cost_million_vnd"
    assert len(lines) > 1


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_every_report_shows_classes_targets_and_the_long_short_split(tmp_path, lang):
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(short({"each_year": True, "at_least": 2}),
                                   allow_unicode=True), "utf-8")
    out, xlsx, html = tmp_path / "out", tmp_path / "plan.xlsx", tmp_path / "plan.html"
    result = CliRunner().invoke(main, ["solve", str(path), "--out", str(out), "--xlsx", str(xlsx),
                                       "--html", str(html), "--lang", lang])
    assert result.exit_code == 0, result.output
    for key in ("short_classes", "short_targets"):
        assert t(key, lang) in result.output
    assert t("short_split", lang, long="100", short="25", total="125") in result.output
    assert (out / "classes.csv").read_text("utf-8").splitlines()[1] == "2020,skills,town,1,2,5"
    assert (out / "participants.csv").read_text("utf-8").splitlines()[1] == \
        "2020,skills,town,commune,2"
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["short_courses"]["spending_million_vnd"] == {
        "long_courses": 100, "short_courses": 25, "total": 125}
    assert summary["total_cost_million_vnd"] == 125
    sheet = openpyxl.load_workbook(xlsx)[t("short_roster", lang)]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[6][:6] == (t("total", lang), None, None, 5, 10, 25)
    page = html.read_text("utf-8")
    for table in ("classes-table", "short-places-table", "short-targets-table",
                  "short-split-table"):
        assert f'id="{table}"' in page


def test_a_plan_without_short_courses_writes_no_classes_file(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(tiny()), "utf-8")
    result = CliRunner().invoke(main, ["solve", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["roster.csv",
                                                                    "summary.json"]
    assert "Short" not in result.output


def test_without_the_section_no_short_rule_is_checked_or_counted():
    sc = scenario(tiny())
    check = verify(sc, solve_verified(sc).roster)
    assert not [r for r in check.rules_checked if r.startswith("short_")]
    with_short = scenario(short({"at_least": 2}))
    assert "short_class_size" in verify(with_short, solve_verified(with_short).roster).rules_checked


def test_a_target_by_a_year_counts_the_years_up_to_it():
    # 6 person-times by 2021 and at most 6 in all: none after 2021
    sc = scenario(short({"by_year": 2021, "at_least": 6}, {"at_most": 6}))
    result = solve_verified(sc)
    assert result.status == Status.optimal
    assert {r.year for r in result.roster.attendance} <= {2020, 2021}
    rows = short_target_results(sc, result.roster)
    assert (rows[0].span, rows[0].achieved) == ("2020-2021", 6)


@pytest.mark.parametrize("file, targets", [
    ("ben_tre_short_courses.yaml", {"skills-500": 500, "long-skills": 30}),
    ("thua_thien_hue_short_courses.yaml", {"staff-5000": 5000, "in-depth-300": 300,
                                           "half-by-2025": 2500}),
])
def test_shipped_short_course_plans_meet_their_seed_targets(file, targets):
    sc = load_scenario(SCENARIOS / file).scenario
    result = solve_verified(sc)
    assert result.status == Status.optimal
    got = {r.id: r for r in short_target_results(sc, result.roster)}
    for target, figure in targets.items():
        assert got[target].met and got[target].achieved >= figure, got[target]
    if file.startswith("ben_tre"):  # the long courses are Bến Tre's, unchanged
        assert long_total_cost(sc, result.roster) == 37640


def test_classes_are_byte_identical_whatever_the_worker_count(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(short({"each_year": True, "at_least": 3},
                                         places=[{"id": "town"}, {"id": "district"}]),
                                   allow_unicode=True), "utf-8")
    files = []
    for workers in ("1", "2"):
        out = tmp_path / workers
        result = CliRunner().invoke(main, ["solve", str(path), "--out", str(out),
                                           "--workers", workers])
        assert result.exit_code == 0, result.output
        files.append([(out / name).read_bytes() for name in ("classes.csv", "participants.csv")])
    assert files[0] == files[1]


def test_a_template_from_a_plan_with_short_courses_warns_they_are_left_out(tmp_path):
    kon_tum = str(SCENARIOS / "kon_tum_2021_2025.yaml")
    result = CliRunner().invoke(main, ["template", "--xlsx", str(tmp_path / "t.xlsx"),
                                       "--from", kon_tum])
    assert result.exit_code == 0, result.output
    assert f"warning: {kon_tum}: the short_courses section is not in the workbook" \
        in result.output
    plain = CliRunner().invoke(main, ["template", "--xlsx", str(tmp_path / "b.xlsx")])
    assert "short_courses" not in plain.output


def test_old_short_course_rosters_go_when_a_run_has_none(tmp_path):
    out = tmp_path / "out"
    with_short, without = tmp_path / "short.yaml", tmp_path / "plain.yaml"
    with_short.write_text(yaml.safe_dump(short({"at_least": 2}), allow_unicode=True), "utf-8")
    without.write_text(yaml.safe_dump(tiny(), allow_unicode=True), "utf-8")
    assert CliRunner().invoke(main, ["solve", str(with_short), "--out", str(out)]).exit_code == 0
    assert (out / "classes.csv").exists() and (out / "participants.csv").exists()
    assert CliRunner().invoke(main, ["solve", str(without), "--out", str(out)]).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["roster.csv", "summary.json"]


def test_short_course_costs_too_large_for_exact_sums_are_refused(tmp_path):
    data = short({"at_least": 2}, courses=with_course(cost_per_class=10**15))
    data["unit_types"][0]["units"] = 100_000
    data["unit_types"][0]["staff_per_unit"] = 1000
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 2, result.output
    assert "short_courses.courses[skills].cost_per_class" in result.output
    assert "too large to keep the plan's sums exact" in result.output
