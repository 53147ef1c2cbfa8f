"""Short courses as they happened: kept by a re-plan, checked, refused when wrong, reported."""

from __future__ import annotations

from decimal import Decimal

import pytest
from click.testing import CliRunner
from trainplan.cli import main
from trainplan.models.actuals import actuals_problems, replan_scenario
from trainplan.models.loader import load_scenario
from trainplan.models.solution import Status
from trainplan.optimizer.replan import replan, verify_replan
from trainplan.reports.replan import plan_vs_actual, short_csv

from tests.conftest import FAST, SCENARIOS, scenario, solve_verified, tiny
from tests.test_replan import short_actuals_of

COMMUNE = {"id": "commune", "label_vi": "xã", "label_en": "commune", "units": 3,
           "staff_per_unit": 2, "quotas": {"A": 2, "B": 2}}
FACILITY = {"id": "facility", "label_vi": "cơ sở", "label_en": "facility", "units": 2,
            "staff_per_unit": 10, "quotas": {}}


def short_tiny(actuals: dict | None = None, **short) -> dict:
    """The tiny scenario with a facility type and a skills course: 40 person-times by 2024."""
    section = {"places": [{"id": "town"}, {"id": "district"}],
               "courses": [{"id": "skills", "label_vi": "kỹ năng", "label_en": "skills",
                            "days": 2, "min_class": 5, "max_class": 10, "cost_per_class": 3,
                            "cost_per_participant": 1}],
               "targets": [{"id": "total", "by_year": 2024, "at_least": 40}], **short}
    data = tiny(unit_types=[COMMUNE, FACILITY], short_courses=section)
    if actuals is not None:
        data["actuals"] = actuals
    return data


def held(year: int, n: int, people: int, place: str = "town", **more) -> dict:
    """One short-course actuals row of the skills course."""
    return {"year": year, "course": "skills", "place": place, "classes": n,
            "participants": people, **more}


def test_equal_short_actuals_return_the_original_classes():
    sc = scenario(short_tiny())
    original = solve_verified(sc)
    assert original.status == Status.optimal and original.roster.classes
    data = short_tiny({"short_courses": short_actuals_of(original.roster, 2022)})
    sc2 = scenario(data)
    assert actuals_problems(sc2, 2022) == []
    done = replan(sc2, 2022, FAST)
    assert done.result.status == Status.optimal
    assert done.check is not None and done.check.ok, done.check.violations
    assert done.result.roster.classes == original.roster.classes
    assert done.result.roster.attendance == original.roster.attendance


def test_past_classes_are_kept_and_the_target_counts_their_person_times():
    actuals = {"short_courses": [held(2020, 1, 8, by_unit_type={"facility": 6, "commune": 2}),
                                 held(2021, 2, 12, place="district")]}
    done = replan(scenario(short_tiny(actuals)), 2022, FAST)
    assert done.result.status == Status.optimal and done.check.ok, done.check.violations
    assert "past_kept" in done.check.rules_checked
    roster = done.result.roster
    past = {(r.year, r.place): (r.classes, r.participants) for r in roster.classes
            if r.year < 2022 and r.classes}
    assert past == {(2020, "town"): (1, 8), (2021, "district"): (2, 12)}
    split = {r.unit_type: r.participants for r in roster.attendance if r.year == 2020}
    assert split == {"facility": 6, "commune": 2}
    # 40 by 2024, 20 held: the remaining years hold 20 person-times (2 full classes)
    rest = [r for r in roster.classes if r.year >= 2022]
    assert sum(r.participants for r in rest) == 20 and sum(r.classes for r in rest) == 2


def test_the_checker_finds_a_past_class_changed():
    actuals = {"short_courses": [held(2020, 1, 8)]}
    sc = scenario(short_tiny(actuals))
    done = replan(sc, 2022, FAST)
    roster = done.result.roster
    changed = [r.model_copy(update={"participants": 9}) if r.year == 2020 and r.classes else r
               for r in roster.classes]
    bad = done.result.model_copy(update={"roster": roster.model_copy(
        update={"classes": changed})})
    check = verify_replan(done.replan, bad)
    msgs = [v.message for v in check.violations if v.rule == "past_kept"]
    assert msgs == ["skills, town, 2020: 1 classes, 9 person-times in the plan; "
                    "1 classes, 8 as it happened"]


def test_the_checker_finds_a_past_split_by_unit_type_changed():
    actuals = {"short_courses": [held(2020, 1, 8, by_unit_type={"facility": 8})]}
    done = replan(scenario(short_tiny(actuals)), 2022, FAST)
    roster = done.result.roster
    moved = [r.model_copy(update={"unit_type": "commune"}) if r.year == 2020 else r
             for r in roster.attendance]
    bad = done.result.model_copy(update={"roster": roster.model_copy(
        update={"attendance": moved})})
    msgs = [v.message for v in verify_replan(done.replan, bad).violations]
    assert "skills, town, 2020, commune: 8 person-times in the plan, 0 as it happened" in msgs
    assert "skills, town, 2020, facility: 0 person-times in the plan, 8 as it happened" in msgs


def test_past_short_money_counts_in_the_budget_and_past_trainer_days_are_raised():
    actuals = {"short_courses": [held(2020, 2, 10)], "spending": {2020: 50}}
    data = short_tiny(actuals, trainer_days_per_year=2)
    data["budget"] = {"total": 1000}
    again = replan_scenario(scenario(data), 2022)
    # past counted at plan costs (2 x 3 + 10 x 1 = 16) + what is left (1000 - 50)
    assert again.budget.total == Decimal(16 + 950)
    assert again.short_courses.trainer_days_cap(2020) == 4
    assert again.short_courses.trainer_days_cap(2021) == 2
    del data["actuals"]["spending"]
    assert replan_scenario(scenario(data), 2022).budget.total == 1000


@pytest.mark.parametrize(("row", "field", "words"), [
    (held(2019, 1, 5), "year", "outside the plan 2020-2024"),
    (held(2022, 1, 5), "year", "not before --from 2022"),
    ({**held(2020, 1, 5), "course": "yoga"}, "course", "unknown short course 'yoga'"),
    (held(2020, 1, 5, place="moon"), "place", "not held at 'moon'"),
    (held(2020, 1, 5, by_unit_type={"ward": 5}), "by_unit_type.ward",
     "unit type 'ward' does not attend course 'skills'"),
    (held(2020, 1, 11), "participants", "11 participants in 1 classes of 5-10: give 5-10"),
    (held(2020, 2, 9), "participants", "give 10-20 participants"),
    (held(2020, 1, 6, by_unit_type={"commune": 2, "facility": 3}), "by_unit_type",
     "add up to 2+3=5 but participants says 6"),
])
def test_bad_short_actuals_are_named(row, field, words):
    sc = scenario(short_tiny({"short_courses": [row]}))
    problems = actuals_problems(sc, 2022)
    assert len(problems) == 1, problems
    loc, msg = problems[0]
    assert ".".join(str(p) for p in loc) == f"actuals.short_courses.0.{field}"
    assert words in msg


def test_a_slot_given_twice_and_actuals_without_a_short_section():
    sc = scenario(short_tiny({"short_courses": [held(2020, 1, 5), held(2020, 1, 6)]}))
    assert actuals_problems(sc, 2022) == [
        (("actuals", "short_courses", 1), "skills, town, 2020 is given twice (first as item 1)")]
    data = tiny(actuals={"short_courses": [held(2020, 1, 5)]})
    ((loc, msg),) = actuals_problems(scenario(data), 2022)
    assert loc == ("actuals", "short_courses") and "no short_courses section" in msg


def run(*args: str):
    return CliRunner().invoke(main, ["replan", *args, "--time-limit", "120"],
                              catch_exceptions=False)


def test_bad_short_actuals_file_names_file_line_and_field_and_writes_nothing(tmp_path):
    bad = tmp_path / "actuals.yaml"
    bad.write_text("actuals:\n  short_courses:\n"
                   "    - {year: 2012, course: skills, place: districts, classes: 2,\n"
                   "       participants: 700}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run(str(SCENARIOS / "binh_thuan_2010_2020.yaml"), "--actuals", str(bad),
                 "--from", "2018", "--out", str(out))
    assert result.exit_code == 2
    assert (f"{bad}:4: actuals.short_courses[0].participants: 700 participants in 2 classes "
            "of 100-300: give 200-600") in result.output
    assert not out.exists()


def test_binh_thuan_replan_keeps_its_30_classes_and_verifies():
    sc = load_scenario(SCENARIOS / "binh_thuan_2010_2020.yaml").scenario
    done = replan(sc, 2018, FAST)
    assert done.result.status == Status.optimal
    assert done.check is not None and done.check.ok, done.check.violations
    assert "past_kept" in done.check.rules_checked
    classes = done.result.roster.classes
    skills = [r for r in classes if r.course == "skills"]
    assert sum(r.classes for r in skills if r.year < 2018) == 30  # SEED
    assert sum(r.participants for r in skills if r.year < 2018) == 6456  # SEED
    assert sum(r.participants for r in classes
               if r.course == "three-month" and r.year < 2018) == 10  # SEED
    # the 8,600 target over 2010-2020 counts the past: 2,144 left for 2018-2020
    assert sum(r.participants for r in skills if r.year >= 2018) == 8600 - 6456
    p = plan_vs_actual(sc, done.original.roster, done.result.roster, 2018)
    assert short_csv(p).splitlines()[1] == "skills,29,30,1,8600,6456,-2144,0,2144"


def test_a_unit_type_for_short_courses_only_gives_no_quota_warning():
    # Bình Thuận's community staff take short courses only (quotas: {}): no
    # "per-level people 0 but 127 units x 10 staff" warning
    assert load_scenario(SCENARIOS / "binh_thuan_2010_2020.yaml").warnings == []
