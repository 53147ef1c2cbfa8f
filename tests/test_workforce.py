"""The workforce over time: a stock-flow case computed by hand, bad input, brute force."""

from __future__ import annotations

import copy
import itertools
import random
import subprocess
import sys
from decimal import Decimal

import pytest
from trainplan.models.checker import verify
from trainplan.models.loader import ScenarioError, load_scenario
from trainplan.models.measures import workforce_targets
from trainplan.models.scenario import MONEY_SCALE, Scenario
from trainplan.models.solution import RecruitRow, Roster, RosterRow, SolveSettings, Status
from trainplan.models.workforce import leavers, stock_by_year
from trainplan.optimizer.solve import solve

from tests.conftest import ROOT, scenario, solve_verified

#: 10 commune staff holding nothing, 10% leave each year, intermediate (1 year,
#: 10 million VND) universal by the end of the third year.
HAND: dict = {
    "name": "hand case",
    "horizon": {"first_year": 2021, "last_year": 2023},
    "levels": [{"id": "intermediate", "label_vi": "Trung cấp", "label_en": "Intermediate",
                "duration_years": 1, "cost_per_trainee_year": 10}],
    "unit_types": [{"id": "commune", "label_vi": "Xã", "label_en": "Commune", "units": 10,
                    "staff_per_unit": 2, "quotas": {"intermediate": {"at_least": 0}}}],
    "objective": ["min_cost"],
    "workforce": {
        "staff": [{"unit_type": "commune", "at_start": 10, "held_at_start": {"none": 10},
                   "attrition_percent": 10}],
        "coverage": [{"id": "universal", "by_year": 2023, "at_least": "intermediate"}],
    },
}


def hand(**staff) -> Scenario:
    data = copy.deepcopy(HAND)
    data["workforce"]["staff"][0].update(staff)
    return scenario(data)


def test_the_hand_computed_optimum():
    """10 staff, 10% attrition, intermediate universal by 2023: 100 million VND.

    Leavers of a qualification = floor(its stock at the start of the year x 10 / 100),
    so a stock of 10 loses 1 and a stock of 9 or fewer loses nobody.
    - Lower bound: all 10 staff in post at the end of 2023 must hold intermediate, and
      nobody can be hired holding it, so at least 10 people graduate: 10 x 10 = 100.
    - A plan at 100: 2021 starts with 10 holding none, 1 leaves (floor(10 x 0.1)) and is
      replaced by an unqualified recruit; train 4 of the 9 who stay. End of 2021: 4
      intermediate, 6 none; from now on every stock is below 10, so nobody leaves
      (floor(6 x 0.1) = floor(4 x 0.1) = 0). Train 3 in 2022 and the last 3 in 2023:
      10 graduates, none of whom leave, 10 x 10 = 100.
    - Training all 10 by 2022 is no cheaper and can be dearer: a stock of 10 holding
      intermediate at the start of 2023 loses 1 and its replacement holds none.
    """
    sc = hand()
    result = solve_verified(sc)
    assert result.status == Status.optimal
    assert result.goals[0].value == 100 * MONEY_SCALE
    stock = stock_by_year(sc, result.roster, "commune")
    assert [ys.leavers["none"] for ys in stock] == [1, 0, 0]
    assert stock[-1].end == {"none": 0, "intermediate": 10}
    assert all(r.met for r in workforce_targets(sc, result.roster))


def test_a_qualified_recruit_is_dearer_than_training_so_the_optimum_keeps_100():
    """Hiring a holder at 15 instead of training at 10 never pays here: still 100."""
    sc = hand(recruits={"intermediate": {"per_year": 2, "cost_per_person": 15}})
    result = solve_verified(sc)
    assert result.goals[0].value == 100 * MONEY_SCALE
    assert result.roster.recruits == []


def test_training_everyone_in_the_first_two_years_loses_one_in_the_third():
    """The checker's stock: 9 trained in 2021 and 1 in 2022 leaves 9 of 10 in 2023."""
    sc = hand()
    rows = [RosterRow(year=y, unit_type="commune", unit=f"commune-{i:03d}",
                      level="intermediate", starts=1, graduation_year=y,
                      cost_million_vnd=Decimal(10))
            for y, i in [(2021, u) for u in range(1, 10)] + [(2022, 10)]]
    roster = Roster(rows=rows)
    end = stock_by_year(sc, roster, "commune")[-1]
    assert end.leavers["intermediate"] == 1 and end.end["intermediate"] == 9
    assert {v.rule for v in verify(sc, roster).violations} == {"coverage"}


def test_leavers_round_down():
    assert [leavers(n, Decimal(10)) for n in (9, 10, 19, 20)] == [0, 1, 1, 2]
    assert leavers(1000, Decimal("8.25")) == 82


def test_staff_growth_rounds_half_up_at_named_years_and_down_between():
    st = hand(growth_percent={2022: 15, 2023: 50}).workforce.staff[0]
    # 2022: 10 x 1.15 = 11.5 -> 12; 2021 halfway from 10 to 12 -> 11; 2023: 15
    assert st.staff_in_post([2021, 2022, 2023]) == {2021: 11, 2022: 12, 2023: 15}


def test_robust_margin_raises_attrition_and_caps_it():
    wf = hand(first_year_attrition_percent=98).workforce
    raised = wf.with_attrition_margin(Decimal(3))
    assert raised.staff[0].attrition("none") == 13
    assert raised.staff[0].first_year_attrition("none") == Decimal("99.99")


def test_a_recruit_row_the_scenario_does_not_allow_is_a_violation():
    sc = hand()
    result = solve_verified(sc)
    roster = result.roster.model_copy(update={"recruits": [RecruitRow(
        year=2021, unit_type="commune", qualification="intermediate", people=1,
        cost_million_vnd=Decimal(0))]})
    assert "qualified_recruits" in {v.rule for v in verify(sc, roster).violations}


def test_without_a_workforce_the_roster_and_scenario_dump_are_unchanged():
    sc = scenario({k: v for k, v in HAND.items() if k != "workforce"})
    assert "workforce" not in sc.model_dump()
    assert "recruits" not in Roster(rows=[]).model_dump()


# ----- bad input: one clear error naming file, line and field; exit code 2 ---------------

YAML = """\
name: hand case
horizon: {first_year: 2021, last_year: 2023}
levels:
  - {id: intermediate, label_vi: Trung cấp, label_en: Intermediate, duration_years: 1,
     cost_per_trainee_year: 10}
unit_types:
  - {id: commune, label_vi: Xã, label_en: Commune, units: 10, staff_per_unit: 2,
     quotas: {intermediate: {at_least: 0}}}
workforce:
  staff:
    - unit_type: commune
      at_start: 10
      held_at_start: {none: 10}
      attrition_percent: 10
  coverage:
    - id: universal
      by_year: 2023
      at_least: intermediate
      share_percent: 100
"""


@pytest.mark.parametrize(("old", "new", "line", "field", "words"), [
    ("share_percent: 100", "share_percent: 120", 19, "workforce.coverage[universal].share_percent",
     "too large: at most 100"),
    ("attrition_percent: 10", "attrition_percent: 100", 14,
     "workforce.staff[commune].attrition_percent", "everyone leaves every year"),
    ("held_at_start: {none: 10}", "held_at_start: {none: 6, intermediate: 3}", 13,
     "workforce.staff[commune].held_at_start", "add up to 6+3=9 but at_start says 10"),
    ("unit_type: commune", "unit_type: comune", 11, "workforce.staff[comune].unit_type",
     "unknown unit type 'comune'"),
    ("at_least: intermediate", "at_least: college", 18, "workforce.coverage[universal].at_least",
     "unknown qualification 'college'"),
    ("held_at_start: {none: 10}", "held_at_start: {nothing: 10}", 13,
     "workforce.staff[commune].held_at_start.nothing", "unknown qualification 'nothing'"),
])
def test_bad_workforce_input_names_file_line_and_field(tmp_path, old, new, line, field, words):
    path = tmp_path / "bad.yaml"
    path.write_text(YAML.replace(old, new), encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    (problem,) = err.value.problems
    assert (problem.line, problem.field) == (line, field)
    assert words in problem.message


def test_bad_workforce_input_exits_2_and_writes_nothing(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(YAML.replace("attrition_percent: 10", "attrition_percent: 100"),
                    encoding="utf-8")
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "trainplan", "solve", str(path), "--out",
                          str(out)], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 2
    assert f"{path}:14: workforce.staff[commune].attrition_percent" in run.stderr
    assert "Traceback" not in run.stderr and not out.exists()


# ----- brute force: every plan of tiny random cases, priced by the checker --------------


def _random_case(rng: random.Random) -> dict:
    """One level, three years, at most 4 staff; random attrition, growth and target."""
    staff = rng.randint(2, 4)
    none = rng.randint(staff - 1, staff)
    data = copy.deepcopy(HAND)
    data["unit_types"][0].update(units=4, staff_per_unit=4)
    data["workforce"]["staff"][0] = {
        "unit_type": "commune", "at_start": staff,
        "held_at_start": {"none": none, "intermediate": staff - none},
        "attrition_percent": rng.choice([0, 25, 34, 50]),
        "first_year_attrition_percent": rng.choice([None, 50]),
        "growth_percent": {2023: rng.choice([0, 25, 50])},
        "recruits": {"intermediate": {"per_year": rng.randint(0, 1), "cost_per_person": 12}},
    }
    data["workforce"]["coverage"][0].update(by_year=rng.choice([2022, 2023]),
                                            share_percent=rng.choice([75, 100]))
    return data


def _plans(sc: Scenario):
    """Every roster of starters 0..4 a year (on commune-001) and 0..1 recruits a year."""
    years = sc.years
    for starts in itertools.product(range(5), repeat=3):
        for hires in itertools.product(range(2), repeat=3):
            rows = [RosterRow(year=y, unit_type="commune", unit="commune-001",
                              level="intermediate", starts=n, graduation_year=y,
                              cost_million_vnd=Decimal(10 * n))
                    for y, n in zip(years, starts, strict=True) if n]
            recruits = [RecruitRow(year=y, unit_type="commune", qualification="intermediate",
                                   people=n, cost_million_vnd=Decimal(12 * n))
                        for y, n in zip(years, hires, strict=True) if n]
            yield Roster(rows=rows, recruits=recruits)


@pytest.mark.parametrize("seed", range(8))
def test_the_optimum_matches_brute_force_on_tiny_random_cases(seed):
    sc = scenario(_random_case(random.Random(seed)))
    best = None
    for roster in _plans(sc):
        check = verify(sc, roster)
        # per-unit rules do not bind here (one unit may send 4); the per-type plan counts
        if not [v for v in check.violations if v.rule != "unit_staff"]:
            cost = check.goal_values["min_cost"]
            best = cost if best is None else min(best, cost)
    result = solve_verified(sc)
    if best is None:
        assert result.status == Status.infeasible
    else:
        assert result.status == Status.optimal
        assert result.goals[0].value == best


# ----- reports in stock terms ------------------------------------------------------------


def test_terminal_and_summary_report_the_stock_and_targets_in_both_languages():
    from trainplan.reports.tables import summary_dict, terminal_report

    sc = hand()
    result = solve_verified(sc)
    check = verify(sc, result.roster, result.goals)
    en = terminal_report(sc, result, check, "en")
    assert "Staff by qualification at the end of each year: Commune:" in en
    rows = [" ".join(line.split()) for line in en.splitlines()]
    assert any(r.startswith("2023 10 0 10 0 ") for r in rows)  # in post, none, held, left
    assert "universal 2023 10 10 met" in rows
    vi = terminal_report(sc, result, check, "vi")
    assert "Cán bộ theo trình độ cuối mỗi năm: Xã:" in vi and "chưa qua đào tạo" in vi
    summary = summary_dict(sc, result, check)["workforce"]
    assert summary["stock"]["commune"][-1]["held"] == {"none": 0, "intermediate": 10}
    assert summary["targets"][0] == {"kind": "coverage", "id": "universal", "label": "",
                                     "when": "2023", "required": 10, "achieved": 10,
                                     "met": True}


def test_reports_without_a_workforce_have_no_workforce_block():
    from trainplan.reports.tables import summary_dict, terminal_report

    sc = scenario({k: v for k, v in HAND.items() if k != "workforce"})
    result = solve_verified(sc)
    assert "Staff by qualification" not in terminal_report(sc, result, None)
    assert "workforce" not in summary_dict(sc, result, None)


# ----- --robust: attrition raised by a margin --------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "trainplan", *args], capture_output=True,
                          text=True, cwd=ROOT)


def test_robust_solves_with_attrition_raised_and_reports_the_expected_case(tmp_path):
    """At 20% (10 + 10 points) a stock of 5..9 loses 1 a year and recruits hold none, so
    the robust plan trains more (or hires qualified) than the expected one (100)."""
    path = tmp_path / "hand.yaml"
    path.write_text(YAML.replace("attrition_percent: 10", "attrition_percent: 10\n"
                                 "      recruits: {intermediate: {per_year: 2, "
                                 "cost_per_person: 15}}"), encoding="utf-8")
    plain, robust = _cli("solve", str(path)), _cli("solve", str(path), "--robust", "10")
    assert plain.returncode == robust.returncode == 0
    assert "lowest total training cost: 100 million VND" in plain.stdout
    cost = next(line for line in robust.stdout.splitlines() if "lowest total" in line)
    assert int(cost.split(": ")[1].split()[0].replace(",", "")) > 100
    assert "robust: every attrition raised by 10 percentage points" in robust.stdout
    assert "the same plan at the expected attrition: 19 rules" in robust.stdout


def test_robust_without_a_workforce_is_refused_with_exit_2():
    run = _cli("solve", "scenarios/ben_tre_2010_2020.yaml", "--robust", "3")
    assert run.returncode == 2
    assert "--robust needs a workforce section" in run.stderr


# ----- Excel, HTML and PNG charts of the stock --------------------------------------------


def test_workbook_html_and_png_show_the_stock_per_unit_type(tmp_path):
    import openpyxl
    from trainplan.reports.charts import png_files
    from trainplan.reports.excel import workbook_bytes
    from trainplan.reports.html import html_report

    sc = hand()
    result = solve_verified(sc)
    check = verify(sc, result.roster, result.goals)
    path = tmp_path / "plan.xlsx"
    path.write_bytes(workbook_bytes(sc, result, check, "vi"))
    ws = openpyxl.load_workbook(path)["Đội ngũ cán bộ"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][:4] == ("năm", "đang làm việc", "chưa qua đào tạo", "Trung cấp")
    assert rows[4][:4] == (2023, 10, 0, 10)
    assert ("universal", "2023", 10, 10, "đạt") in [r[:5] for r in rows]
    assert len(ws._charts) == 1
    html = html_report(sc, result, check, "en")
    assert 'aria-label="Commune: staff holding at least each qualification"' in html
    pngs = png_files(tmp_path, sc, result, "en")
    assert (tmp_path / "workforce-commune.png") in pngs
    assert pngs == png_files(tmp_path, sc, result, "en")  # deterministic bytes


# ----- Bến Tre in stock terms ------------------------------------------------------------


def ben_tre_first_phase() -> Scenario:
    """Bến Tre workforce cut to its first phase (2010-2015) with the full objective.

    Same staff, attrition, recruits, places and courses; the 2015 growth (+15%), the
    2015 universal intermediate target and 50% trained in 2010-2015; the goals of the
    other Bến Tre scenarios. The whole 2010-2020 scenario takes tens of seconds on two
    cores: `benchmarks/workforce.py --ben-tre` times it.
    """
    data = load_scenario(ROOT / "scenarios" / "ben_tre_workforce.yaml").scenario.model_dump(
        mode="json", exclude_defaults=True)
    data["horizon"]["last_year"] = 2015
    data["phases"] = data["phases"][:1]
    for staff in data["workforce"]["staff"]:
        staff["growth_percent"] = {"2015": 15}
    data["workforce"]["coverage"] = data["workforce"]["coverage"][:1]
    data["workforce"]["trained"] = data["workforce"]["trained"][:1]
    data["objective"] = ["min_cost", "smooth_intake", "earliest_completion"]
    return scenario(data)


def test_ben_tre_workforce_reads_the_seed_growth():
    """The seed's growth: +15% by 2015 and +50% by 2020 of the 328 commune staff."""
    sc = load_scenario(ROOT / "scenarios" / "ben_tre_workforce.yaml").scenario
    assert sc.workforce.staff[0].staff_in_post(sc.years)[2015] == 377  # 328 x 1.15
    assert sc.workforce.staff[0].staff_in_post(sc.years)[2020] == 492  # 328 x 1.5


def test_ben_tre_workforce_first_phase_is_proven_optimal_and_meets_its_targets():
    """5% ASSUMPTION attrition, intermediate universal for commune and facility staff by
    2015 and 50% trained in 2010-2015: every goal proven optimal, verified, targets met."""
    sc = ben_tre_first_phase()
    result = solve_verified(sc)
    assert result.status == Status.optimal
    targets = workforce_targets(sc, result.roster)
    assert [r.id for r in targets] == ["intermediate-2015", "trained-2010-2015"]
    assert all(r.met for r in targets)
    assert [(g.name, g.value) for g in result.goals] == [
        ("min_cost", 8_640 * MONEY_SCALE), ("smooth_intake", 58),
        ("earliest_completion", 860)]


def test_routes_a_bridging_course_beats_the_direct_course_when_cheaper():
    """4 staff hold none; college universal by 2022. Direct college course (none ->
    college): 2 years x 30 = 60 each; intermediate (1 x 10) then the bridge (1 x 10):
    20 each. Optimum: 4 x 20 = 80, every person along intermediate -> bridge."""
    level = {"label_vi": "x", "label_en": "x", "duration_years": 1,
             "cost_per_trainee_year": 10}
    sc = scenario({
        "name": "routes", "horizon": {"first_year": 2021, "last_year": 2022},
        "levels": [{**level, "id": "intermediate"}, {**level, "id": "bridge"},
                   {**level, "id": "college", "duration_years": 2,
                    "cost_per_trainee_year": 30}],
        "unit_types": [{"id": "commune", "label_vi": "Xã", "label_en": "Commune",
                        "units": 4, "staff_per_unit": 2,
                        "quotas": {lv: {"at_least": 0}
                                   for lv in ("intermediate", "bridge", "college")}}],
        "objective": ["min_cost"],
        "workforce": {
            "qualifications": ["intermediate", "college"],
            "staff": [{"unit_type": "commune", "at_start": 4, "held_at_start": {"none": 4}}],
            "routes": [{"course": "intermediate", "from_qualification": "none",
                        "to_qualification": "intermediate"},
                       {"course": "bridge", "from_qualification": "intermediate",
                        "to_qualification": "college"},
                       {"course": "college", "from_qualification": "none",
                        "to_qualification": "college"}],
            "coverage": [{"id": "college", "by_year": 2022, "at_least": "college"}]}})
    result = solve_verified(sc)
    assert result.goals[0].value == 80 * MONEY_SCALE
    assert {r.level for r in result.roster.rows} == {"intermediate", "bridge"}
    assert stock_by_year(sc, result.roster, "commune")[-1].end["college"] == 4


def test_a_route_to_a_lower_qualification_is_refused():
    data = copy.deepcopy(HAND)
    data["workforce"]["routes"] = [{"course": "intermediate",
                                    "from_qualification": "intermediate",
                                    "to_qualification": "intermediate"}]
    with pytest.raises(ValueError, match="is not above 'intermediate'"):
        scenario(data)


def test_a_given_hint_replaces_the_workforce_hint_instead_of_making_the_model_invalid():
    """min-budget --per-year hints the plan at the ceiling; a workforce model hints itself."""
    from trainplan.optimizer.model import build

    sc = hand()
    settings = SolveSettings(time_limit_s=20, workers=1)
    hint = dict.fromkeys(build(sc).vars.cohorts(), 0)
    hinted, plain = solve(sc, settings, hint=hint), solve(sc, settings)
    assert hinted.status == plain.status == Status.optimal
    assert hinted.roster == plain.roster


# ----- speed: how the stages search (benchmarks/workforce.py times them) --------------------


def test_workforce_stages_branch_on_the_lp_and_other_models_keep_the_default():
    """A workforce model's goal stages and tie-break search as the LP relaxation says;
    a model without a workforce keeps CP-SAT's default search (its rosters unchanged)."""
    from ortools.sat.python import cp_model
    from trainplan.optimizer.model import build
    from trainplan.optimizer.solve import goal_solver, tie_break_solver

    settings = SolveSettings(time_limit_s=5, workers=2, seed=7)
    with_staff = build(hand(), exact=frozenset())
    without = build(load_scenario(ROOT / "scenarios" / "ben_tre_2010_2020.yaml").scenario,
                    exact=frozenset())
    for m, search in ((with_staff, cp_model.LP_SEARCH), (without, cp_model.AUTOMATIC_SEARCH)):
        assert goal_solver(m, settings).parameters.search_branching == search
        tie = tie_break_solver(m, settings).parameters
        assert tie.search_branching == search
        assert (tie.num_workers, tie.random_seed) == (1, 0)


def test_a_workforce_roster_is_the_same_whatever_workers_and_seed():
    """Bến Tre's first phase: the same roster and recruits on 1 worker seed 0 and on
    2 workers seed 7 (the tie-break's fixed solver decides the plan)."""
    sc = ben_tre_first_phase()
    one = solve(sc, SolveSettings(time_limit_s=60, workers=1, seed=0))
    two = solve(sc, SolveSettings(time_limit_s=60, workers=2, seed=7))
    assert one.status == two.status == Status.optimal
    assert one.roster == two.roster
