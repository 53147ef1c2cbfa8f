"""Risk by simulation: seeded, reproducible, and certain when nothing is left to chance."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from trainplan.cli import main
from trainplan.models.loader import load_scenario
from trainplan.models.simulate import simulate
from trainplan.optimizer.replan import cohort_starts

from tests.conftest import SCENARIOS, scenario, solve_verified, tiny

SHIPPED = sorted(SCENARIOS.glob("*.yaml"))
EXPECTED_INFEASIBLE = {"ben_tre_dropout_whatif.yaml"}
KON_TUM = ["simulate", str(SCENARIOS / "kon_tum_variants.yaml"), "--variant",
           "observed-dropout", "--runs", "300"]


def run(*args: str):
    return CliRunner().invoke(main, [*args, "--time-limit", "120"], catch_exceptions=False)


def test_full_completion_meets_every_target_in_every_run():
    sc = load_scenario(SCENARIOS / "ben_tre_2010_2020.yaml").scenario
    plan = cohort_starts(solve_verified(sc).roster)
    sim = simulate(sc, plan, runs=500, seed=3)
    assert len(sim.targets) == 13 + 2  # every quota and both milestones
    assert all(r.held == r.runs == 500 for r in sim.targets)
    assert sim.fan[5] == sim.fan[95] == sim.planned  # nothing random: the fan is a line


def test_completion_below_100_makes_a_quota_uncertain_and_shares_are_counted():
    sc = scenario(tiny(levels=[
        {"id": "A", "label_vi": "A", "label_en": "A", "duration_years": 1,
         "cost_per_trainee_year": 10, "completion_rate_percent": 50},
        {"id": "B", "label_vi": "B", "label_en": "B", "duration_years": 2,
         "cost_per_trainee_year": 20}],
        unit_types=[{"id": "commune", "label_vi": "xã", "label_en": "commune", "units": 3,
                     "staff_per_unit": 2, "quotas": {"A": 1, "B": 2}}]))
    # 2 starters at 50 %: the quota of 1 fails only when both leave, 1 run in 4
    sim = simulate(sc, {("commune", "A", 2020): 2, ("commune", "B", 2020): 2}, 20_000, 1)
    a = next(r for r in sim.targets if r.id == "commune/A")
    assert abs(a.share - 0.75) < 0.02
    assert next(r for r in sim.targets if r.id == "commune/B").share == 1


def test_same_seed_same_output_and_different_seeds_differ(tmp_path):
    first = run(*KON_TUM, "--seed", "11", "--out", str(tmp_path / "a"), "--png",
                str(tmp_path / "a"), "--html", str(tmp_path / "a" / "risk.html"))
    again = run(*KON_TUM, "--seed", "11", "--out", str(tmp_path / "b"), "--png",
                str(tmp_path / "b"), "--html", str(tmp_path / "b" / "risk.html"))
    other = run(*KON_TUM, "--seed", "12", "--out", str(tmp_path / "c"))
    assert first.exit_code == again.exit_code == other.exit_code == 0, first.output
    assert first.output.replace("/a/", "/b/") == again.output
    for name in ("simulation.csv", "graduates-fan.png", "risk.html"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (tmp_path / "a" / "simulation.csv").read_text() != \
        (tmp_path / "c" / "simulation.csv").read_text()


def test_vietnamese_report():
    result = run(*KON_TUM, "--seed", "11", "--lang", "vi")
    assert result.exit_code == 0
    assert "lần mô phỏng" in result.output and "đạt trong" in result.output


def test_a_negative_seed_is_invalid_input():
    result = run(*KON_TUM, "--seed", "-1")
    assert result.exit_code == 2 and "--seed" in result.output


def test_an_output_may_not_replace_the_scenario(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text((SCENARIOS / "kon_tum_2021_2025.yaml").read_text(encoding="utf-8"),
                    encoding="utf-8")
    before = path.read_bytes()
    result = run("simulate", str(path), "--html", str(tmp_path / "plan.html"),
                 "--out", str(tmp_path), "--png", str(tmp_path))
    assert result.exit_code == 0
    result = run("simulate", str(path), "--html", str(path))
    assert result.exit_code == 2 and path.read_bytes() == before


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_simulate_runs_on_every_shipped_scenario(path):
    result = run("simulate", str(path), "--runs", "50")
    expected = 3 if path.name in EXPECTED_INFEASIBLE else 0
    assert result.exit_code == expected, result.output
    if expected == 0:
        assert "Met in" in result.output
    else:
        assert "no plan to simulate" in result.output


# ----- with a workforce section: attrition drawn too -----------------------------------

def _hand(attrition):
    from tests.test_workforce import hand

    return hand(attrition_percent=attrition)


def _plan(sc):
    result = solve_verified(sc)
    hired = {(r.unit_type, r.qualification, r.year): r.people for r in result.roster.recruits}
    return result, cohort_starts(result.roster), hired


def test_no_attrition_and_full_completion_meet_every_workforce_target_every_time():
    sc = _hand(0)
    _, plan, hired = _plan(sc)
    sim = simulate(sc, plan, 400, 5, hired)
    kinds = {r.kind for r in sim.targets}
    assert "coverage" in kinds and sim.measure == "qualified"
    assert all(r.held == 400 for r in sim.targets)
    assert sim.fan[5] == sim.fan[95] == sim.planned


def test_the_planned_path_follows_the_models_integer_rule_and_attrition_adds_risk():
    from trainplan.models.workforce import stock_by_year

    sc = _hand(10)
    result, plan, hired = _plan(sc)
    stock = stock_by_year(sc, result.roster, "commune")
    sim = simulate(sc, plan, 2000, 5, hired)
    assert sim.planned == [ys.at_least(sc, "intermediate") for ys in stock]
    universal = next(r for r in sim.targets if r.id == "universal")
    assert 0 < universal.share < 1  # random leavers replaced by unqualified recruits
    assert simulate(sc, plan, 2000, 5, hired) == sim
    assert simulate(sc, plan, 2000, 6, hired) != sim


def test_simulate_command_with_a_workforce_section(tmp_path):
    import yaml

    from tests.test_workforce import HAND

    path = tmp_path / "hand.yaml"
    path.write_text(yaml.safe_dump(HAND, allow_unicode=True), encoding="utf-8")
    result = run("simulate", str(path), "--runs", "500", "--seed", "2", "--png",
                 str(tmp_path / "png"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "universal: met in" in result.output and "coverage" in result.output
    assert "coverage,universal,universal,10,500," in (tmp_path / "out" /
                                                     "simulation.csv").read_text()
    assert (tmp_path / "png" / "graduates-fan.png").exists()


@pytest.mark.parametrize(("staff", "first_year", "growth", "share"), [
    (10, None, {}, 100), (10, 30, {}, 100), (20, None, {2022: 25}, 50),
    (20, 30, {2022: 25}, 50)])
def test_with_the_plans_floors_the_simulated_stock_is_the_checkers_stock(staff, first_year,
                                                                          growth, share):
    # cheap qualified recruits: their first-year leavers are where the two floor rules part
    """The draws replaced by the integer rule give `models.workforce`'s stock, year by year."""
    import copy

    import numpy as np
    from trainplan.models import simulate as sim_module
    from trainplan.models.scenario import RATE_SCALE, qualification_ids
    from trainplan.models.workforce import stock_by_year

    from tests.test_workforce import HAND

    data = copy.deepcopy(HAND)
    data["unit_types"][0]["units"] = staff
    data["workforce"]["staff"][0].update(at_start=staff, held_at_start={"none": staff},
                                         attrition_percent=10, growth_percent=growth,
                                         first_year_attrition_percent=first_year,
                                         recruits={"intermediate": {"per_year": 9,
                                                                    "cost_per_person": 1}})
    data["workforce"]["coverage"][0]["share_percent"] = share
    sc = scenario(data)
    result, plan, hired = _plan(sc)
    cohorts = sorted(c for c, n in plan.items() if n > 0)
    starters = np.array([plan[c] for c in cohorts], dtype=np.int64)
    rates = np.array([sc.level(lv).rate_scaled for _, lv, _ in cohorts], dtype=np.int64)
    grads = ((starters * rates) // RATE_SCALE)[np.newaxis, :]
    ends, _ = sim_module._type_stock(sc, "commune", cohorts, starters, grads, hired,
                                     sim_module._floor_draw)
    stock = stock_by_year(sc, result.roster, "commune")
    assert sum(sum(ys.leavers.values()) for ys in stock) > 0  # the rule is exercised
    assert result.roster.recruits
    for ys in stock:
        assert {q: int(ends[ys.year][q][0]) for q in qualification_ids(sc)} == ys.end


def test_one_floor_per_qualification_without_a_first_year_rate():
    """20 holding intermediate, 5 of them last year's recruits, 10 % attrition: the plan's
    rule takes floor(20 x 10 %) = 2 leavers, not floor(5 x 10 %) + floor(15 x 10 %) = 1."""
    import copy
    from decimal import Decimal

    import numpy as np
    from trainplan.models import simulate as sim_module
    from trainplan.models.solution import RecruitRow, Roster, RosterRow
    from trainplan.models.workforce import stock_by_year

    from tests.test_workforce import HAND

    data = copy.deepcopy(HAND)
    data["unit_types"][0]["units"] = 20
    data["workforce"]["staff"][0].update(
        at_start=30, held_at_start={"none": 30}, by_year={2021: 35, 2022: 35, 2023: 35},
        recruits={"intermediate": {"per_year": 5, "cost_per_person": 1}})
    sc = scenario(data)
    roster = Roster(rows=[RosterRow(year=2021, unit_type="commune", unit="commune-001",
                                    level="intermediate", starts=15, graduation_year=2021,
                                    cost_million_vnd=Decimal(150))],
                    recruits=[RecruitRow(year=2021, unit_type="commune",
                                         qualification="intermediate", people=5,
                                         cost_million_vnd=Decimal(5))])
    stock = stock_by_year(sc, roster, "commune")
    assert stock[1].start["intermediate"] == 20 and stock[1].leavers["intermediate"] == 2
    cohorts = [("commune", "intermediate", 2021)]
    ends, _ = sim_module._type_stock(sc, "commune", cohorts, np.array([15]),
                                     np.array([[15]]), {("commune", "intermediate", 2021): 5},
                                     sim_module._floor_draw)
    assert [int(ends[ys.year]["intermediate"][0]) for ys in stock] == \
        [ys.end["intermediate"] for ys in stock]


def test_the_robust_plan_holds_its_targets_more_often(tmp_path):
    import copy

    import yaml

    from tests.test_workforce import HAND

    data = copy.deepcopy(HAND)
    data["workforce"]["staff"][0].update(
        attrition_percent=10, recruits={"intermediate": {"per_year": 3, "cost_per_person": 15}})
    path = tmp_path / "hand.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    def share(*extra: str) -> float:
        result = run("simulate", str(path), "--runs", "2000", "--seed", "4",
                     "--out", str(tmp_path), *extra)
        assert result.exit_code == 0, result.output
        row = next(line for line in (tmp_path / "simulation.csv").read_text().splitlines()
                   if line.startswith("coverage,universal"))
        return float(row.rsplit(",", 1)[1])

    plain, robust = share(), share("--robust", "10")
    assert plain < 0.25 < robust
    result = run("simulate", str(SCENARIOS / "kon_tum_2021_2025.yaml"), "--robust", "5")
    assert result.exit_code == 2 and "--robust needs a workforce section" in result.output
