"""Explain and repairs with fewer solves, the same answers (issue 13).

Known verdicts answer subsets and supersets (`ProvedSets`), a proven least slack
proves a repair minimal (`LEAST_BY_SLACK`), and stages whose least is zero are found
by feasibility trials (`_zero_run`). The shipped cases' explanations and repairs are
those main gave before these changes (`trainplan explain --json`, solve count aside).
"""

from __future__ import annotations

import contextlib

import pytest
from ortools.sat.python import cp_model
from trainplan.models.loader import load_scenario
from trainplan.optimizer import explain as ex
from trainplan.optimizer.explain import (
    SLACK_LEVERS,
    Switchboard,
    apply_changes,
    cheapest_combination,
    explain,
    is_feasible,
    repairs,
)

from tests.conftest import FAST, SCENARIOS, scenario, tiny
from tests.test_rules import CASES


@contextlib.contextmanager
def counted_solves(monkeypatch):
    """Every CP-SAT solve in the block: whether its model had an objective."""
    real = cp_model.CpSolver.solve
    seen: list[bool] = []

    def solve(solver, model, *args, **kwargs):
        seen.append(model.has_objective())
        return real(solver, model, *args, **kwargs)

    monkeypatch.setattr(cp_model.CpSolver, "solve", solve)
    yield seen


def test_known_verdicts_answer_subsets_and_supersets_without_solving():
    sc = scenario(tiny(budget={"total": 90}))  # the plan costs 100
    exp = explain(sc, FAST)
    board = Switchboard(sc, FAST, seconds=60)
    member = exp.conflict[0]
    rest = [c for c in exp.conflict if c != member]
    assert board.infeasible(exp.conflict) is True
    assert board.infeasible(rest) is False
    solves = board.solves
    assert board.infeasible(rest[:-1]) is False  # inside a feasible set
    assert board.infeasible([*exp.conflict, *board.m.instances[:3]]) is True  # holds the conflict
    assert board.solves == solves


def test_explain_proves_each_member_necessary_on_the_way(monkeypatch):
    # QuickXplain kept each member against a set solved feasible that holds the rest of
    # the conflict: "without it the rest is feasible" needs no solve (was: one each)
    answered: dict[frozenset, bool | None] = {}
    real = ex.ProvedSets.verdict

    def verdict(self, chosen):
        answered[chosen] = real(self, chosen)
        return answered[chosen]

    monkeypatch.setattr(ex.ProvedSets, "verdict", verdict)
    exp = explain(scenario(CASES["annual_places"][1]), FAST)
    assert exp.irreducible and len(exp.conflict) >= 2
    for member in exp.conflict:
        rest = frozenset((c.rule, c.key) for c in exp.conflict if c != member)
        assert answered[rest] is False, member.label


def test_total_budget_repair_is_proved_minimal_by_its_least_slack(monkeypatch):
    sc = scenario(tiny(budget={"total": 90}))  # the plan costs 100
    calls = []
    real = ex.is_feasible
    monkeypatch.setattr(ex, "is_feasible", lambda s, st: calls.append(s) or real(s, st))
    (repair,) = repairs(sc, FAST, ["total_budget"])
    assert repair.changes[0].new == 100 and repair.minimal_checked
    assert len(calls) == 1  # the repaired scenario only (was: and 99, one unit less)
    one_less = [type(c)(c.key, c.old, c.new - 1, "") for c in repair.changes]
    assert is_feasible(apply_changes(sc, one_less), FAST) is False  # what the proof says


def test_a_value_shaping_other_rules_is_still_checked_one_unit_less(monkeypatch):
    sc = scenario(tiny(budget={"total": 90}))
    calls = []
    real = ex.is_feasible
    monkeypatch.setattr(ex, "is_feasible", lambda s, st: calls.append(s) or real(s, st))
    (repair,) = repairs(sc, FAST, ["quota"])
    assert repair.minimal_checked
    assert len(calls) == 1 + len([c for c in repair.changes if c.new != c.old])


@pytest.mark.parametrize("rule", sorted(CASES))
def test_repairs_proved_minimal_by_slack_are_minimal(rule):
    sc = scenario(CASES[rule][1])
    for repair in repairs(sc, FAST, ["places", "seats", "minimum_intake", "annual_budget",
                                     "total_budget"]):
        assert repair.minimal_checked, repair.words
        for i, change in enumerate(repair.changes):
            less = [*repair.changes[:i], ex._one_less(change), *repair.changes[i + 1:]]
            assert is_feasible(apply_changes(sc, less), FAST) is False, change.words


def test_zero_stages_are_not_minimised(monkeypatch):
    # budget too small and one place a year: the stages of the levers left unchanged
    # are proved zero by feasibility trials, not minimised
    sc = scenario(tiny(budget={"total": 90}, capacity={"starts_per_year": 1}))
    with counted_solves(monkeypatch) as seen:
        combo = cheapest_combination(sc, list(SLACK_LEVERS), FAST)
    assert combo is not None and combo.verified_feasible
    kinds = {c.key.split(".")[0] for c in combo.changes}
    assert sum(seen) <= 2 * len(kinds)  # was 2 per lever kind with slack


SHIPPED = {
    ("tay_ninh_variants.yaml", "cut-places"): (
        [("quota_met", "commune/intermediate/min"), ("quota_met", "commune/college/min"),
         ("quota_met", "commune/refresher/min"), ("quota_met", "district/university/min"),
         *[("annual_places", str(y)) for y in range(2016, 2021)]],
        [("places", True), ("quota", True)],
        "raise the places in 2016 from 60 to 73 (+13 places); raise the places in 2017 "
        "from 60 to 73 (+13 places); raise the places in 2018 from 60 to 73 (+13 places); "
        "raise the places in 2019 from 60 to 73 (+13 places); raise the places in 2020 "
        "from 60 to 70 (+10 places)"),
    ("kon_tum_variants.yaml", "early-deadline"): (
        [("annual_places", "2021"), ("milestones", "long-courses-2025")],
        [("milestone_size", True), ("milestone_year", True)],
        "raise the places in 2021 from 20 to 50 (+30 places); lower the minimum "
        "specialised starters per year from 3 to 0 (-3 starters); raise the budget "
        "ceiling of 2022 from 1,200 to 1,308 (+108 million VND)"),
}


@pytest.mark.parametrize("case", sorted(SHIPPED))
def test_shipped_explanations_are_unchanged(case):
    conflict, levers, combo_words = SHIPPED[case]
    sc = load_scenario(SCENARIOS / case[0], variants=(case[1],)).scenario
    exp = explain(sc, FAST)
    assert [(i.rule, i.key) for i in exp.conflict] == conflict and exp.irreducible
    assert [(r.lever, r.minimal_checked) for r in repairs(sc, FAST)] == levers
    assert cheapest_combination(sc, list(SLACK_LEVERS), FAST).words == combo_words


def test_quick_resolves_give_the_verdicts_of_full_solves(monkeypatch):
    # one worker without presolve first: a plan or a proof either way, as a full solve
    sc = load_scenario(SCENARIOS / "tay_ninh_variants.yaml", variants=("cut-places",)).scenario
    exp = explain(sc, FAST)
    sets = [exp.conflict] + [[c for c in exp.conflict if c != m] for m in exp.conflict]
    quick = [Switchboard(sc, FAST, seconds=60).infeasible(s) for s in sets]
    monkeypatch.setattr(ex, "QUICK_WORK", 0.0)  # the quick try never answers: full solves
    full = [Switchboard(sc, FAST, seconds=60).infeasible(s) for s in sets]
    assert quick == full == [True] + [False] * len(exp.conflict)


def test_repairs_build_only_the_lever_kinds_the_scenario_has(monkeypatch):
    sc = scenario(tiny(budget={"total": 90}))  # no workforce, sources or seats
    asked = []
    real = ex._elastic
    monkeypatch.setattr(ex, "_elastic",
                        lambda s, kinds, st: asked.append(kinds) or real(s, kinds, st))
    found = repairs(sc, FAST)
    assert ["recruits"] not in asked and ["source_amount"] not in asked
    assert "total_budget" in {r.lever for r in found}
