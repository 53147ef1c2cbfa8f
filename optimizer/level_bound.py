"""The least flat yearly ceiling on starters per level and year: a bound, and a guide.

Every year's spending on long courses depends only on how many people start each
level in each year, whatever their unit type. The per-level model keeps just those
counts and the rules that hold for them summed over the unit types (places, seats,
each level's starters needed, milestones, the ceiling), so it relaxes the plan model:
every plan's counts are a plan of it, with the same spending. Its least ceiling is
therefore a lower bound of the plan model's, proven when the solve is optimal. It
guides `optimizer.explain._least_ceiling`: the plan model with the counts held at the
per-level optimum, if it has a plan, reaches that bound, so the bound is the answer
(measured on Bến Tre: the per-type model takes seconds to find a plan at its least
ceiling; the per-level model proves it and the counts are carried in a fraction).
The answer still rests on a plan of the exact model; the bound never gives it alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from ortools.sat.python import cp_model
from trainplan.models.scenario import MONEY_SCALE, RATE_SCALE, LevelCapacity, QuotaMode, Scenario
from trainplan.models.solution import SolveSettings
from trainplan.optimizer.model import SLACK_LIMIT, PlanModel

#: Starters of one level in one start year.
LevelYear = tuple[str, int]


@dataclass
class LevelCeiling:
    """The per-level model's least ceiling (in steps of `step`) and its counts."""

    steps: int
    step: int
    starts: dict[LevelYear, int]


def level_ceiling(sc: Scenario, step: int, settings: SolveSettings) -> LevelCeiling | None:
    """The least flat ceiling of the per-level model, proven (None: not proven in time).

    One worker and seed 0, so the counts are the same on every run.
    """
    model = cp_model.CpModel()
    n = _level_vars(model, sc)
    steps = model.new_int_var(0, SLACK_LIMIT // step, "ceiling_steps")
    for year in sc.years:
        model.add(_spending(sc, n, year) <= step * steps)
    _level_rules(model, sc, n)
    model.minimize(steps)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = settings.time_limit_s
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    if solver.solve(model) != cp_model.OPTIMAL:
        return None
    return LevelCeiling(solver.value(steps), step, {k: solver.value(v) for k, v in n.items()})


def hold_levels(m: PlanModel, counts: dict[LevelYear, int]) -> None:
    """Hold the plan model's starters per level and start year at the given counts."""
    for (level, year), people in counts.items():
        m.model.add(sum(m.vars.starts(level=level, year=year)) == people)


def _level_vars(model: cp_model.CpModel, sc: Scenario) -> dict[LevelYear, cp_model.IntVar]:
    """One count per level with a quota and start year whose course ends in the plan."""
    bound = 2 * sum(ut.units * ut.staff_per_unit for ut in sc.unit_types)
    taught = {lid for ut in sc.unit_types for lid in ut.quotas}
    return {(lv.id, y): model.new_int_var(0, bound, f"starts[{lv.id},{y}]")
            for lv in sc.levels if lv.id in taught for y in sc.start_years(lv.id)}


def _spending(sc: Scenario, n: dict[LevelYear, cp_model.IntVar], year: int
              ) -> cp_model.LinearExprT:
    """Long-course spending of a year (short courses only add to it)."""
    return sum(sc.level(lid).cost_scaled * v for (lid, y), v in n.items()
               if y <= year <= sc.graduation_year(lid, y))


def _level_rules(model: cp_model.CpModel, sc: Scenario,
                 n: dict[LevelYear, cp_model.IntVar]) -> None:
    """The plan's rules summed over the unit types (each implied by the plan model's)."""
    for lid in {lid for lid, _ in n}:
        needed = sum(sc.starters_needed(ut.id, lid) for ut in sc.unit_types
                     if lid in ut.quotas and ut.quotas[lid].mode != QuotaMode.at_most)
        model.add(sum(v for (lv, _), v in n.items() if lv == lid) >= needed)
    for year in sc.years:
        starting = [v for (_, y), v in n.items() if y == year]
        training = [v for (lid, y), v in n.items() if y <= year <= sc.graduation_year(lid, y)]
        _at_most(model, starting, sc.starts_cap(year))
        _at_most(model, training, sc.seats_cap(year))
        for lid in sc.capacity.by_level:
            _at_most(model, [v for (lv, y), v in n.items() if lv == lid and y == year],
                     sc.level_starts_cap(lid, year))
            _at_most(model, [v for (lv, y), v in n.items() if lv == lid
                             and y <= year <= sc.graduation_year(lv, y)],
                     sc.level_seats_cap(lid, year))
        for group in sc.capacity.groups:
            _at_most(model, [v for (lv, y), v in n.items() if lv in group.levels and y == year],
                     group.starts_per_year)
    if sc.actuals is not None:  # the past is kept: at least its starters
        kept: dict[LevelYear, int] = {}
        for (_, lid, year), people in sc.actuals.kept_starts(sc).items():
            kept[lid, year] = kept.get((lid, year), 0) + people
        for key, people in kept.items():
            if key in n:
                model.add(n[key] >= people)
    for ms in sc.milestones:
        levels = {lid for _, lid in sc.milestone_pairs(ms)}
        # graduates <= rate x starters of the named types <= rate x all starters
        model.add(sum(sc.level(lid).rate_scaled * v for (lid, y), v in n.items()
                      if lid in levels and sc.graduation_year(lid, y) <= ms.by_year)
                  >= sc.milestone_target(ms) * RATE_SCALE)


def _at_most(model: cp_model.CpModel, terms: list[cp_model.IntVar], cap: int | None) -> None:
    if cap is not None and terms:
        model.add(sum(terms) <= cap)


# ----- the plan at a budget ------------------------------------------------------------


def best_counts(sc: Scenario, settings: SolveSettings
                ) -> tuple[dict[LevelYear, int], dict[str, int]] | None:
    """The per-level model's one lexicographic optimum: its counts and goal values.

    None when a goal is not a function of the counts alone (`_level_goals`), a stage
    is not proven, or a second set of counts reaches the same values (the search for
    it is exhaustive: all solutions are enumerated, stopping at the second).
    """
    model = cp_model.CpModel()
    n = _level_vars(model, sc)
    _level_rules(model, sc, n)
    _level_budget(model, sc, n)
    goals = _level_goals(model, sc, n)
    if goals is None:
        return None
    values: dict[str, int] = {}
    for name, expr in goals.items():
        model.minimize(expr)
        solver = _one_worker(settings)
        if solver.solve(model) != cp_model.OPTIMAL:
            return None
        values[name] = int(solver.value(expr))
        model.add(expr <= values[name])
    model.clear_objective()
    counts = _unique(model, n, settings)
    return None if counts is None else (counts, values)


def capped_at(sc: Scenario, counts: dict[LevelYear, int]) -> Scenario:
    """The scenario with each level's places in each start year capped at the counts."""
    by_level = dict(sc.capacity.by_level)
    for (lid, year), people in counts.items():
        lc = by_level.get(lid, LevelCapacity())
        cap = sc.level_starts_cap(lid, year)
        by_year = {**lc.starts_by_year, year: people if cap is None else min(cap, people)}
        by_level[lid] = lc.model_copy(update={"starts_by_year": by_year})
    capacity = sc.capacity.model_copy(update={"by_level": by_level})
    return sc.model_copy(update={"capacity": capacity})


def _one_worker(settings: SolveSettings) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = settings.time_limit_s
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    return solver


def _level_budget(model: cp_model.CpModel, sc: Scenario,
                  n: dict[LevelYear, cp_model.IntVar]) -> None:
    """Each year's ceiling and the total budget, on long-course spending."""
    for year in sc.years:
        ceiling = sc.budget_ceiling(year)
        if ceiling is not None:
            model.add(_spending(sc, n, year) <= int(ceiling * MONEY_SCALE))
    if sc.budget.total is not None:
        model.add(_long_cost(sc, n) <= int(sc.budget.total * MONEY_SCALE))


def _long_cost(sc: Scenario, n: dict[LevelYear, cp_model.IntVar]) -> cp_model.LinearExprT:
    return sum(sc.level(lid).cost_scaled * sc.level(lid).duration_years * v
               for (lid, _), v in n.items())


def _level_goals(model: cp_model.CpModel, sc: Scenario, n: dict[LevelYear, cp_model.IntVar]
                 ) -> dict[str, cp_model.LinearExprT] | None:
    """The scenario's goals on the counts, each equal to the plan model's (`optimizer.model`).

    None when one is not: the least cost with short courses or a workforce (classes
    and recruits cost too).
    """
    goals: dict[str, cp_model.LinearExprT] = {}
    for name in sc.objective:
        if name == "min_cost" and sc.workforce is None and sc.short_courses is None:
            goals[name] = _long_cost(sc, n)
        elif name == "smooth_intake":
            goals[name] = _changes(model, sc, n)
        elif name == "earliest_completion":
            goals[name] = sum((sc.graduation_year(lid, y) - sc.horizon.first_year) * v
                              for (lid, y), v in n.items())
        else:
            return None
    return goals


def _changes(model: cp_model.CpModel, sc: Scenario, n: dict[LevelYear, cp_model.IntVar]
             ) -> cp_model.LinearExprT:
    """The sum of year-to-year changes in starters (as `optimizer.model.smooth_intake`)."""
    total = {year: sum(v for (_, y), v in n.items() if y == year) for year in sc.years}
    changes = []
    for prev, year in pairwise(sc.years):
        change = model.new_int_var(0, 2 * sum(ut.units * ut.staff_per_unit
                                              for ut in sc.unit_types), f"change[{year}]")
        model.add_abs_equality(change, total[year] - total[prev])
        changes.append(change)
    return sum(changes)


class _FirstTwo(cp_model.CpSolverSolutionCallback):
    """Collects the counts of each solution, stopping the search at the second."""

    def __init__(self, n: dict[LevelYear, cp_model.IntVar]):
        super().__init__()
        self._n = n
        self.found: list[dict[LevelYear, int]] = []

    def on_solution_callback(self) -> None:
        self.found.append({k: self.value(v) for k, v in self._n.items()})
        if len(self.found) > 1:
            self.stop_search()


def _unique(model: cp_model.CpModel, n: dict[LevelYear, cp_model.IntVar],
            settings: SolveSettings) -> dict[LevelYear, int] | None:
    """The model's only solution's counts; None if it has another (or no answer)."""
    solver = _one_worker(settings)
    solver.parameters.enumerate_all_solutions = True
    found = _FirstTwo(n)
    code = solver.solve(model, found)
    return found.found[0] if code == cp_model.OPTIMAL and len(found.found) == 1 else None

