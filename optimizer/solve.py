"""Solve a scenario: lexicographic goals, truthful status, a roster per unit.

Stages: each goal of the scenario's objective is minimised in turn, with the
earlier goals held at the values found. A last stage minimises a fixed
tie-break with one worker and no hints, so the same scenario gives the same
roster whatever the number of workers. The per-type plan is then handed to
individual units by a deterministic rule that respects every per-unit limit: read
off the exact unit-state flow where the model has one, else a greedy hand-out with
an exact per-unit CP-SAT split as fallback (see `solve` for the two passes).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from ortools.sat.python import cp_model
from trainplan.models.checker import Verification, verify
from trainplan.models.scenario import MONEY_SCALE, Scenario
from trainplan.models.solution import (
    AttendanceRow,
    ClassRow,
    FundingRow,
    GoalResult,
    RecruitRow,
    Roster,
    RosterRow,
    SolveResult,
    SolveSettings,
    Status,
)
from trainplan.optimizer.assign import AssignmentError, Course, assign_to_units
from trainplan.optimizer.model import (
    GOAL_REGISTRY,
    LinearExpr,
    PlanModel,
    ShortVariables,
    UnitStarts,
    build,
    canonical_order,
    lp_search,
    unit_path,
)

#: The tie-break stage's seed: fixed, so `--seed` cannot change the roster.
TIE_BREAK_SEED = 0
#: Goal stages of models with at most this many variables run without CP-SAT's
#: presolve. Measured (benchmarks/profile_point.py, Bến Tre sweep points): the goal
#: stages take about half the time without it, on the per-type model (138 variables)
#: and on the exact unit-state model (1,035); larger models keep it, where presolve
#: pays for itself.
NO_PRESOLVE_VARS = 5_000


def new_solver(settings: SolveSettings, workers: int | None = None,
               seed: int | None = None) -> cp_model.CpSolver:
    """A CP-SAT solver with the settings' time limit, workers and seed (or those given)."""
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.max_time_in_seconds = settings.time_limit_s
    p.num_workers = workers or settings.workers
    p.random_seed = settings.seed if seed is None else seed
    p.log_search_progress = settings.log
    return solver


def goal_solver(m: PlanModel, settings: SolveSettings) -> cp_model.CpSolver:
    """The solver of one goal stage: the settings' solver, without presolve on a small model.

    Why the roster cannot change: a goal stage hands on only its goal's value (read as
    an exact integer and held as `goal <= value` for the later stages) and a hint. A
    proven optimal value is the minimum over the model's plans, the same whatever
    search finds it, so the constraints the tie-break stage sees are the same; the
    hints are cleared before it, and the tie-break keeps its own fixed solver (one
    worker, seed 0, default presolve). Its model and parameters are then identical,
    and so is its plan. (A stage stopped by the time limit was never deterministic.)
    """
    solver = new_solver(settings)
    if len(m.model.proto.variables) <= NO_PRESOLVE_VARS:
        solver.parameters.cp_model_presolve = False
    lp_search(m, solver)
    return solver


def tie_break_solver(m: PlanModel, settings: SolveSettings) -> cp_model.CpSolver:
    """The tie-break stage's solver: one worker, a fixed seed (and a workforce's LP search).

    Fixed parameters, whatever `--workers` and `--seed` say, so the tie-break's plan is
    a function of its model alone.
    """
    solver = new_solver(settings, workers=1, seed=TIE_BREAK_SEED)
    lp_search(m, solver)
    return solver


def check_feasible(sc: Scenario, settings: SolveSettings,
                   rules: list[str] | None = None) -> SolveResult:
    """Is there any plan at all (under all, or the named, rules)? No objective: fast.

    The verdict is exact. The per-type model (per-unit rules as totals) is solved
    first: "infeasible" there is exact (it only relaxes), and a plan it finds that
    splits over the units is a plan. A type whose plan does not split is then held
    exactly (`optimizer.model.unit_path`) and the question asked again; for a type too
    large for that, "feasible" is claimed only once its plan splits, else no answer.
    """
    t0 = time.perf_counter()
    result = SolveResult(status=Status.unknown, settings=settings)
    exact: set[str] = set()
    while True:
        m = build(sc, rules=rules, exact=frozenset(exact))
        built = time.perf_counter()
        result.build_seconds += built - t0
        solver = new_solver(settings)
        code = solver.solve(m.model)
        t0 = time.perf_counter()
        result.solve_seconds += t0 - built
        result.status = _STATUS.get(code, Status.unknown)
        result.message = ""
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return result
        result.status = Status.optimal  # without objective: feasible, proven
        try:
            roster_rows(m, solver, settings, no_exact_split=exactly_held(sc, rules) - exact)
        except AssignmentError as exc:
            result.status = Status.unassigned
            result.message = _too_large(m, exc)
            more = _hold_next(exc.unit_type, exact, sc, rules)
            if not more:
                return result
            exact |= more
        else:
            return result


def split_or_next(m: PlanModel, solver: cp_model.CpSolver, settings: SolveSettings,
                  exact: set[str], rules: list[str] | None = None
                  ) -> list[RosterRow] | set[str]:
    """A pass's plan handed to the units, or the unit types to hold exactly next.

    The set is empty when no type is left to hold exactly: the plan has no answer.
    """
    sc = m.scenario
    try:
        return roster_rows(m, solver, settings, no_exact_split=exactly_held(sc, rules) - exact)
    except AssignmentError as exc:
        return _hold_next(exc.unit_type, exact, sc, rules)


def _hold_next(failed: str, exact: set[str], sc: Scenario, rules: list[str] | None
               ) -> set[str]:
    """The unit types to hold exactly next, after `failed` could not be split.

    That type, if it can be held exactly and is not yet, with every other type held by
    a flow (flows are small, and the old two-pass solve held them all: on the national
    case this takes two passes instead of three). Otherwise a type too large for an
    exact model may still split once others are held exactly: the types with a flow
    first, then those held per unit. None left: there is no answer.
    """
    staff_rule = rules is None or "unit_staff" in rules
    paths = {t: unit_path(sc, t, staff_rule) for t in exactly_held(sc, rules) - exact}
    if failed in paths:
        return {failed} | {t for t, path in paths.items() if path == "flow"}
    for kind in ("flow", "units"):
        more = {t for t, path in paths.items() if path == kind}
        if more:
            return more
    return set()


def exactly_held(sc: Scenario, rules: list[str] | None = None) -> set[str]:
    """Unit types whose per-unit limits the exact model states exactly (flow or per unit)."""
    if rules is not None and "unit_concurrency" not in rules:
        return set()
    staff_rule = rules is None or "unit_staff" in rules
    return {ut.id for ut in sc.unit_types if unit_path(sc, ut.id, staff_rule) in ("flow", "units")}


_STATUS = {cp_model.OPTIMAL: Status.optimal, cp_model.FEASIBLE: Status.feasible,
           cp_model.INFEASIBLE: Status.infeasible, cp_model.MODEL_INVALID: Status.invalid}


def _too_large(m: PlanModel, exc: AssignmentError) -> str:
    """Why there is no verdict: a plan on per-type totals that the units cannot hold."""
    if m.exact:
        return str(exc)
    return (f"no answer: {exc}; the per-unit limits of {', '.join(m.relaxed)} are too large "
            "to model exactly (see README, 'Exact per-unit limits')")


#: Starters per cohort (unit type, level, start year) of a known plan.
StartsHint = dict[tuple[str, str, int], int]


class GoalMemory(Protocol):
    """Proven optimal goal values of a pass's model, kept between solves (a sweep's `Known`)."""

    def recall(self, exact: frozenset[str]) -> list[GoalResult] | None:
        """Goal values proven for a model this one's plans are a subset of (None: none known)."""

    def remember(self, exact: frozenset[str], goals: list[GoalResult]) -> None:
        """The goal values just proven for the pass holding the types in `exact` exactly."""


def solve(sc: Scenario, settings: SolveSettings, rules: list[str] | None = None,
          hint: StartsHint | None = None, memory: GoalMemory | None = None) -> SolveResult:
    """Solve the scenario's goals in order (under all, or the named, rules) as a unit roster.

    `hint`: the starters of a plan known to hold (e.g. the least flat ceiling's), for
    the first goal stage to start from; like every goal-stage hint it is cleared
    before the tie-break, so it changes no proven result and no roster.

    First pass: the per-type model with the per-unit rules as per-type totals only
    (a relaxation), split by `assign_to_units`. If a type's split fails, the plan
    found is not one its units can hold: the goals are solved again with that type
    held exactly (unit-state flow or starters per unit, `optimizer.model.unit_path`;
    its roster read off that model), and so on while another type fails. Either way
    the roster is lexicographically optimal for the exact per-unit rules: the
    relaxation's optimum, once split, is feasible for them and no worse than their
    optimum, stage by stage. A type too large for an exact model that cannot be
    split gives no answer, never a verdict.

    `memory` (a sweep's): a pass whose goal values it recalls skips its goal stages and
    holds those values as the stages would (`_stages`), so the tie-break stage sees the
    model a full solve gives it and returns the same plan. The values are proven
    optimal for a model whose plans include all of this one's (a point with higher
    ceilings): any plan here that reaches them is then optimal here too, so a
    tie-break stage that finds one proves them. If it finds none, the pass is solved
    in full. Proven values of a pass solved in full are remembered.
    """
    build_seconds = solve_seconds = 0.0
    exact: set[str] = set()
    while True:
        t0 = time.perf_counter()
        held = frozenset(exact)
        m = build(sc, rules=rules, exact=held)
        known = memory.recall(held) if memory is not None else None
        try:
            staged = _stages(m, sc, settings, t0, hint, known)
        except NoPlan as none:
            if known is not None:
                memory = None  # the values were not this model's: solve every pass in full
                build_seconds += none.result.build_seconds
                solve_seconds += none.result.solve_seconds
                continue
            none.result.build_seconds += build_seconds
            none.result.solve_seconds += solve_seconds
            return none.result
        if memory is not None and known is None and all(g.optimal for g in staged.goals):
            memory.remember(held, staged.goals)
        staged.build_seconds += build_seconds
        staged.solve_seconds += solve_seconds
        build_seconds, solve_seconds = staged.build_seconds, staged.solve_seconds
        try:
            rows = roster_rows(m, staged.solver, settings,
                               no_exact_split=exactly_held(sc, rules) - exact)
        except AssignmentError as exc:
            more = _hold_next(exc.unit_type, exact, sc, rules)
            if not more:
                return _no_split(exc, m, staged, settings)
            exact |= more
        else:
            return _solved(m, staged, rows, settings)


def _no_split(exc: AssignmentError, m: PlanModel, staged: Staged,
              settings: SolveSettings) -> SolveResult:
    """No answer: the best per-type plan found cannot be handed to the units.

    Its goal values are no plan's values (no roster reaches them), so none is
    reported; the message gives the first as a lower bound.
    """
    paths = "; ".join(f"{t}: {p}" for t, p in m.unit_paths.items())
    goals = staged.goals
    bound = f"; {goals[0].name} is at least {goals[0].bound}" if goals else ""
    return SolveResult(status=Status.unassigned, build_seconds=staged.build_seconds,
                       solve_seconds=staged.solve_seconds, settings=settings,
                       message=f"{exc} (per-unit limits by type: {paths}){bound}")


def roster_rows(m: PlanModel, solver: cp_model.CpSolver, settings: SolveSettings,
                 no_exact_split: set[str] | frozenset[str] = frozenset()) -> list[RosterRow]:
    """The roster of one solution: each type's starters handed to its units."""
    per_type = {c: solver.value(m.vars.start(*c)) for c in m.vars.cohorts()}
    flows = {tid: (f, [solver.value(x) for x in f.x]) for tid, f in m.flows.items()}
    units = {tid: _unit_courses(m.scenario, us, solver) for tid, us in m.units.items()}
    return assign_to_units(m.scenario, per_type, flows=flows, units=units,
                           time_limit_s=settings.time_limit_s, no_exact_split=no_exact_split)


def _unit_courses(sc: Scenario, starts: UnitStarts, solver: cp_model.CpSolver
                  ) -> list[list[Course]]:
    """Each unit's courses, read off the per-unit starters of the exact model."""
    courses: list[list[Course]] = [[] for _ in range(sc.unit_type(starts.unit_type).units)]
    for (u, lv, y), var in starts.x.items():
        courses[u] += [(y, sc.graduation_year(lv, y), lv)] * solver.value(var)
    return courses


def solve_verified(sc: Scenario, settings: SolveSettings, memory: GoalMemory | None = None
                   ) -> tuple[SolveResult, Verification | None]:
    """Solve, then re-check any roster with the independent checker (None: no roster).

    Every command that prints or writes a roster goes through here. `memory`: see `solve`.
    """
    result = solve(sc, settings, memory=memory)
    check = verify(sc, result.roster, result.goals) if result.roster is not None else None
    return result, check


@dataclass
class Staged:
    """The lexicographic stages' outcome: goal values, the solver holding the plan, timings."""

    goals: list[GoalResult]
    solver: cp_model.CpSolver
    proven: bool
    build_seconds: float
    solve_seconds: float


class NoPlan(Exception):
    """The stages found no plan: `result` says why (infeasible, invalid, no answer in time)."""

    def __init__(self, result: SolveResult):
        super().__init__(result.status.value)
        self.result = result


def _stages(m: PlanModel, sc: Scenario, settings: SolveSettings, t0: float,
            hint: StartsHint | None = None, known: list[GoalResult] | None = None) -> Staged:
    """The lexicographic stages and the tie-break: the last plan's values (NoPlan: none).

    Goal values are read as exact integers (never through the float objective).
    Each stage starts from the previous stage's plan (a hint), so a later stage that
    runs out of time still has that plan: the result is then that plan, "feasible,
    not proven optimal". The tie-break runs on one worker with a fixed seed and no
    hint, so the same scenario gives the same roster whatever `--workers` and `--seed`.
    With `known` goal values (proven for this model, see `solve`), each stage only
    holds its value, exactly as a solved stage does.
    """
    stages = [(name, GOAL_REGISTRY[name](m)) for name in sc.objective]
    tie_break = canonical_order(m)
    if hint:  # replaces the model's own hint (a variable hinted twice is an invalid model)
        m.model.clear_hints()
        for cohort, value in hint.items():
            m.model.add_hint(m.vars.start(*cohort), value)
    build_seconds = time.perf_counter() - t0
    t1 = time.perf_counter()

    goals: list[GoalResult] = []
    proven = True
    last: cp_model.CpSolver | None = None  # the solver holding the latest plan
    for name, expr in stages:
        m.model.minimize(expr)
        if known is not None:
            goal = next(g for g in known if g.name == name)
            goals.append(goal)
            m.model.add(expr <= goal.value)
            continue
        solver = goal_solver(m, settings)
        code = solver.solve(m.model)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if last is None or code != cp_model.UNKNOWN:
                raise NoPlan(_failed(code, settings, build_seconds, time.perf_counter() - t1,
                                     goals))
            return _unfinished(stages, goals, last, build_seconds, t1)
        value = int(solver.value(expr))
        optimal = code == cp_model.OPTIMAL
        proven &= optimal
        bound = value if optimal else math.ceil(solver.best_objective_bound)
        goals.append(GoalResult(name=name, value=value, optimal=optimal, bound=min(bound, value)))
        m.model.add(expr <= value)
        last = solver
        _hint(m, last)

    # Tie-break stage: one worker, no hints, fixed seed -> the same plan every time.
    m.model.clear_hints()
    m.model.minimize(tie_break)
    solver = tie_break_solver(m, settings)
    code = solver.solve(m.model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if last is None or code != cp_model.UNKNOWN:
            raise NoPlan(_failed(code, settings, build_seconds, time.perf_counter() - t1, goals))
        return Staged(goals, last, False, build_seconds, time.perf_counter() - t1)
    proven &= code == cp_model.OPTIMAL
    return Staged(goals, solver, proven, build_seconds, time.perf_counter() - t1)


def _hint(m: PlanModel, solver: cp_model.CpSolver) -> None:
    """Start the next stage from this plan (every variable of the model)."""
    m.model.clear_hints()
    for i, value in enumerate(solver.response_proto.solution):
        m.model.add_hint(m.model.get_int_var_from_proto_index(i), value)


def _unfinished(stages: list[tuple[str, LinearExpr]], goals: list[GoalResult],
                last: cp_model.CpSolver, build_seconds: float, t1: float) -> Staged:
    """The last stage's plan when a later goal found nothing better in time.

    The goals not reached keep that plan's value, not proven (bound unknown: 0).
    """
    for name, expr in stages[len(goals):]:
        goals.append(GoalResult(name=name, value=int(last.value(expr)), optimal=False,
                                bound=0))
    return Staged(goals, last, False, build_seconds, time.perf_counter() - t1)


def _solved(m: PlanModel, staged: Staged, rows: list[RosterRow],
            settings: SolveSettings) -> SolveResult:
    """The roster of the stages' plan, with what each funding source pays."""
    solver = staged.solver
    funding = [FundingRow(source=s, level=lv, year=y,
                          amount=Decimal(solver.value(v)) / MONEY_SCALE)
               for (s, lv, y), v in m.vars.pay.items() if solver.value(v)]
    return SolveResult(
        status=Status.optimal if staged.proven else Status.feasible,
        goals=staged.goals, build_seconds=staged.build_seconds,
        solve_seconds=staged.solve_seconds,
        settings=settings, roster=Roster(rows=rows, funding=funding,
                                         recruits=_recruit_rows(m, solver),
                                         **short_roster(m.scenario, m.vars.short, solver)),
    )


def _recruit_rows(m: PlanModel, solver: cp_model.CpSolver) -> list[RecruitRow]:
    """The qualified recruits of the plan (none without a workforce section)."""
    sc, out = m.scenario, []
    for t, ts in (m.stock or {}).items():
        assert sc.workforce is not None
        st = sc.workforce.staff_of(t)
        assert st is not None
        for (q, year), v in ts.hired.items():
            if n := solver.value(v):
                out.append(RecruitRow(year=year, unit_type=t, qualification=q, people=n,
                                      cost_million_vnd=n * st.recruits[q].cost_per_person))
    return out


def short_roster(sc: Scenario, short: ShortVariables, solver: cp_model.CpSolver
                 ) -> dict[str, list]:
    """Short-course classes per course, place and year, and person-times per unit type."""
    if sc.short_courses is None:
        return {}
    attendance = [AttendanceRow(year=y, course=c, place=p, unit_type=t,
                                participants=solver.value(v))
                  for (c, p, t, y), v in short.people.items() if solver.value(v)]
    classes = []
    for (c, p, y), v in short.classes.items():
        held = solver.value(v)
        course = sc.short_courses.course(c)
        people = sum(solver.value(x) for x in short.participants(c, p, years=[y]))
        if not held and not people:
            continue
        classes.append(ClassRow(year=y, course=c, place=p, classes=held, participants=people,
                                cost_million_vnd=held * course.cost_per_class
                                + people * course.cost_per_participant))
    key = {c.id: i for i, c in enumerate(sc.short_courses.courses)}
    place = {pl.id: i for i, pl in enumerate(sc.short_courses.places)}
    classes.sort(key=lambda r: (r.year, key[r.course], place[r.place]))
    attendance.sort(key=lambda r: (r.year, key[r.course], place[r.place]))
    return {"classes": classes, "attendance": attendance}


def _failed(code: int, settings: SolveSettings, build_s: float, solve_s: float,
            goals: list[GoalResult]) -> SolveResult:
    status = {cp_model.INFEASIBLE: Status.infeasible,
              cp_model.MODEL_INVALID: Status.invalid}.get(code, Status.unknown)
    return SolveResult(status=status, goals=goals, build_seconds=build_s,
                       solve_seconds=solve_s, settings=settings)


__all__ = ["check_feasible", "exactly_held", "roster_rows", "solve", "solve_verified",
           "split_or_next"]
