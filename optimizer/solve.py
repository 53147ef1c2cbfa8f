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

import heapq
import math
import time
from decimal import Decimal

from ortools.sat.python import cp_model

from models.checker import Verification, verify
from models.scenario import MONEY_SCALE, Scenario, UnitType
from models.solution import (
    FundingRow,
    GoalResult,
    Roster,
    RosterRow,
    SolveResult,
    SolveSettings,
    Status,
)
from optimizer.model import (
    GOAL_REGISTRY,
    LinearExpr,
    PlanModel,
    UnitFlow,
    UnitStarts,
    build,
    canonical_order,
    unit_path,
)

#: Largest unit type the exact per-unit assignment model is tried on.
EXACT_SPLIT_UNITS = 2000
#: The tie-break stage's seed: fixed, so `--seed` cannot change the roster.
TIE_BREAK_SEED = 0

Course = tuple[int, int, str]
"""One course handed to a unit: start year, graduation year, level."""


class AssignmentError(Exception):
    """The per-type plan could not be handed to the individual units of `unit_type`."""

    def __init__(self, unit_type: str, message: str):
        super().__init__(message)
        self.unit_type = unit_type


def _solver(settings: SolveSettings, workers: int | None = None,
            seed: int | None = None) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.max_time_in_seconds = settings.time_limit_s
    p.num_workers = workers or settings.workers
    p.random_seed = settings.seed if seed is None else seed
    p.log_search_progress = settings.log
    return solver


def check_feasible(sc: Scenario, settings: SolveSettings,
                   rules: list[str] | None = None) -> SolveResult:
    """Is there any plan at all (under all, or the named, rules)? No objective: fast.

    The verdict is exact. The per-type model (per-unit rules as totals) is solved
    first: "infeasible" there is exact (it only relaxes), and a plan it finds that
    splits over the units is a plan. Otherwise the model that states the per-unit
    rules exactly (`optimizer.model.unit_path`) decides; for a type too large for it,
    "feasible" is claimed only once its plan splits, else there is no answer.
    """
    t0 = time.perf_counter()
    result = SolveResult(status=Status.unknown, settings=settings)
    for flows in (False, True):
        m = build(sc, rules=rules, flows=flows)
        built = time.perf_counter()
        result.build_seconds += built - t0
        solver = _solver(settings)
        code = solver.solve(m.model)
        t0 = time.perf_counter()
        result.solve_seconds += t0 - built
        result.status = _STATUS.get(code, Status.unknown)
        result.message = ""
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return result
        result.status = Status.optimal  # without objective: feasible, proven
        try:
            roster_rows(m, solver, settings,
                         no_exact_split=set() if flows else exactly_held(sc, rules))
        except AssignmentError as exc:
            result.status = Status.unassigned
            result.message = _too_large(m, exc)
            if flows or exc.unit_type not in exactly_held(sc, rules):
                return result
        else:
            return result
    return result


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


def solve(sc: Scenario, settings: SolveSettings, rules: list[str] | None = None) -> SolveResult:
    """Solve the scenario's goals in order (under all, or the named, rules) as a unit roster.

    First pass: the per-type model with the per-unit rules as per-type totals only
    (a relaxation), split by `assign_to_units`. If that split fails, the plan found
    is not one the units can hold, and the goals are solved again on the exact model
    (unit-state flows or starters per unit, `optimizer.model.unit_path`), which is
    split by its own per-unit values. Either way the roster is lexicographically
    optimal for the exact per-unit rules: the relaxation's optimum, once split, is
    feasible for them and no worse than their optimum, stage by stage. A type too
    large for an exact model that cannot be split gives no answer, never a verdict.
    """
    t0 = time.perf_counter()
    m = build(sc, rules=rules, flows=False)
    staged = _stages(m, sc, settings, t0)
    if isinstance(staged, SolveResult):
        return staged
    goals, solver, proven, build_seconds, solve_seconds = staged
    exact_later = exactly_held(sc, rules)
    try:
        rows = roster_rows(m, solver, settings, no_exact_split=exact_later)
    except AssignmentError as exc:
        if exc.unit_type not in exact_later:  # the exact model would hold that type no better
            return _no_split(exc, m, goals, build_seconds, solve_seconds, settings)
    else:
        return _solved(m, solver, goals, proven, rows, build_seconds, solve_seconds, settings)

    # Second pass: the exact model, split by its own per-unit values.
    t0 = time.perf_counter()
    m = build(sc, rules=rules)
    staged = _stages(m, sc, settings, t0)
    if isinstance(staged, SolveResult):
        staged.build_seconds += build_seconds
        staged.solve_seconds += solve_seconds
        return staged
    goals, solver, proven, build_2, solve_2 = staged
    build_seconds += build_2
    solve_seconds += solve_2
    try:
        rows = roster_rows(m, solver, settings)
    except AssignmentError as exc:
        return _no_split(exc, m, goals, build_seconds, solve_seconds, settings)
    return _solved(m, solver, goals, proven, rows, build_seconds, solve_seconds, settings)


def _no_split(exc: AssignmentError, m: PlanModel, goals: list[GoalResult], build_seconds: float,
              solve_seconds: float, settings: SolveSettings) -> SolveResult:
    """No answer: the best per-type plan found cannot be handed to the units.

    Its goal values are no plan's values (no roster reaches them), so none is
    reported; the message gives the first as a lower bound.
    """
    paths = "; ".join(f"{t}: {p}" for t, p in m.unit_paths.items())
    bound = f"; {goals[0].name} is at least {goals[0].bound}" if goals else ""
    return SolveResult(status=Status.unassigned, build_seconds=build_seconds,
                       solve_seconds=solve_seconds, settings=settings,
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


def solve_verified(sc: Scenario, settings: SolveSettings
                   ) -> tuple[SolveResult, Verification | None]:
    """Solve, then re-check any roster with the independent checker (None: no roster).

    Every command that prints or writes a roster goes through here.
    """
    result = solve(sc, settings)
    check = verify(sc, result.roster, result.goals) if result.roster is not None else None
    return result, check


Staged = tuple[list[GoalResult], cp_model.CpSolver, bool, float, float]


def _stages(m: PlanModel, sc: Scenario, settings: SolveSettings, t0: float
            ) -> Staged | SolveResult:
    """The lexicographic stages and the tie-break; the last plan's values, or a failure.

    Goal values are read as exact integers (never through the float objective).
    Each stage starts from the previous stage's plan (a hint), so a later stage that
    runs out of time still has that plan: the result is then that plan, "feasible,
    not proven optimal". The tie-break runs on one worker with a fixed seed and no
    hint, so the same scenario gives the same roster whatever `--workers` and `--seed`.
    """
    stages = [(name, GOAL_REGISTRY[name](m)) for name in sc.objective]
    tie_break = canonical_order(m)
    build_seconds = time.perf_counter() - t0
    t1 = time.perf_counter()

    goals: list[GoalResult] = []
    proven = True
    last: cp_model.CpSolver | None = None  # the solver holding the latest plan
    for name, expr in stages:
        m.model.minimize(expr)
        solver = _solver(settings)
        code = solver.solve(m.model)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if last is None or code != cp_model.UNKNOWN:
                return _failed(code, settings, build_seconds, time.perf_counter() - t1, goals)
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
    solver = _solver(settings, workers=1, seed=TIE_BREAK_SEED)
    code = solver.solve(m.model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if last is None or code != cp_model.UNKNOWN:
            return _failed(code, settings, build_seconds, time.perf_counter() - t1, goals)
        return goals, last, False, build_seconds, time.perf_counter() - t1
    proven &= code == cp_model.OPTIMAL
    return goals, solver, proven, build_seconds, time.perf_counter() - t1


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
    return goals, last, False, build_seconds, time.perf_counter() - t1


def _solved(m: PlanModel, solver: cp_model.CpSolver, goals: list[GoalResult], proven: bool,
            rows: list[RosterRow], build_seconds: float, solve_seconds: float,
            settings: SolveSettings) -> SolveResult:
    funding = [FundingRow(source=s, level=lv, year=y,
                          amount=Decimal(solver.value(v)) / MONEY_SCALE)
               for (s, lv, y), v in m.vars.pay.items() if solver.value(v)]
    return SolveResult(
        status=Status.optimal if proven else Status.feasible,
        goals=goals, build_seconds=build_seconds, solve_seconds=solve_seconds,
        settings=settings, roster=Roster(rows=rows, funding=funding),
    )


def _failed(code: int, settings: SolveSettings, build_s: float, solve_s: float,
            goals: list[GoalResult]) -> SolveResult:
    status = {cp_model.INFEASIBLE: Status.infeasible,
              cp_model.MODEL_INVALID: Status.invalid}.get(code, Status.unknown)
    return SolveResult(status=status, goals=goals, build_seconds=build_s,
                       solve_seconds=solve_s, settings=settings)


def _split_flow(sc: Scenario, ut: UnitType, per_type: dict[tuple[str, str, int], int],
                flow: UnitFlow, counts: list[int]) -> list[list[tuple[int, int, str]]]:
    """Each unit's courses, read off the type's unit-state flow (exact, deterministic).

    Year by year, the units in each state (in id order) take that state's transitions
    in their canonical order, as many units as each transition carries; then each
    start year's courses of one duration go to the units starting that many courses
    of that duration, in unit order, levels in scenario order.
    """
    years = sc.years
    arcs_at: dict[tuple[int, object], list[tuple[tuple[int, ...], object, int]]] = {}
    for (t, before, new, after), n in zip(flow.arcs, counts, strict=True):
        if n:
            arcs_at.setdefault((t, before), []).append((new, after, n))
    state = [flow.arcs[0][1]] * ut.units  # every unit starts in the empty state
    courses: list[list[tuple[int, int, str]]] = [[] for _ in range(ut.units)]
    for t, year in enumerate(years):
        members: dict[object, list[int]] = {}
        for u in range(ut.units):
            members.setdefault(state[u], []).append(u)
        started: list[tuple[int, ...]] = [()] * ut.units
        for st, units in members.items():
            i = 0
            for new, after, n in arcs_at.get((t, st), []):
                for u in units[i:i + n]:
                    started[u] = new
                    state[u] = after
                i += n
            if i != len(units):
                raise AssignmentError(ut.id, f"{ut.id}, {year}: the unit flow does not "
                                      "conserve units")
        for d in flow.durations:
            slots = [u for u in range(ut.units) for _ in range(started[u].count(d))]
            wanted = [lv.id for lv in sc.levels
                      if lv.id in ut.quotas and lv.duration_years == d
                      for _ in range(per_type.get((ut.id, lv.id, year), 0))]
            if len(slots) != len(wanted):
                raise AssignmentError(ut.id, f"{ut.id}, {year}: the unit flow does not match the "
                                      f"plan's {d}-year starters")
            for u, lv in zip(slots, wanted, strict=True):
                courses[u].append((year, sc.graduation_year(lv, year), lv))
    return courses


def _split_exact(sc: Scenario, ut: UnitType, per_type: dict[tuple[str, str, int], int],
                 time_limit_s: float) -> list[list[tuple[int, int, str]]]:
    """Each unit's courses from an explicit per-unit CP-SAT model (one worker, fixed seed).

    Used when the type has no flow and the greedy split failed; raises AssignmentError
    when the model proves no split exists or finds none in time.
    """
    cohorts = sorted(((lv, y, n) for (t, lv, y), n in per_type.items() if t == ut.id and n),
                     key=lambda c: (c[1], [lv.id for lv in sc.levels].index(c[0])))
    model = cp_model.CpModel()
    units = range(ut.units)
    x = {(u, i): model.new_int_var(0, min(n, ut.concurrency), f"x[{u},{i}]")
         for u in units for i, (_, _, n) in enumerate(cohorts)}
    for i, (_, _, n) in enumerate(cohorts):
        model.add(sum(x[u, i] for u in units) == n)
    for u in units:
        model.add(sum(x[u, i] for i in range(len(cohorts))) <= ut.staff_per_unit)
        for year in sc.years:
            away = [x[u, i] for i, (lv, y, _) in enumerate(cohorts)
                    if y <= year <= sc.graduation_year(lv, y)]
            if len(away) > 0:
                model.add(sum(away) <= ut.concurrency)
    # units are interchangeable: order them by their courses (first cohort decreasing)
    if cohorts:
        for u in units[1:]:
            model.add(x[u - 1, 0] >= x[u, 0])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    # deterministic time, not wall time: the same split (or none) on every machine load
    solver.parameters.max_deterministic_time = time_limit_s
    code = solver.solve(model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        why = ("no split exists" if code == cp_model.INFEASIBLE
               else "none found within the time limit")
        raise AssignmentError(ut.id, f"{ut.id}: the per-type plan cannot be split over individual "
                              f"units ({why}, exact per-unit model)")
    courses: list[list[tuple[int, int, str]]] = [[] for _ in units]
    for (u, i), v in x.items():
        lv, y, _ = cohorts[i]
        courses[u] += [(y, sc.graduation_year(lv, y), lv)] * solver.value(v)
    return courses


def assign_to_units(sc: Scenario, per_type: dict[tuple[str, str, int], int],
                    flows: dict[str, tuple[UnitFlow, list[int]]] | None = None,
                    units: dict[str, list[list[Course]]] | None = None,
                    time_limit_s: float = 60.0,
                    no_exact_split: frozenset[str] | set[str] = frozenset()
                    ) -> list[RosterRow]:
    """Hand each type's starters to its units, deterministically, within every unit limit.

    A type modelled by a unit-state flow is split by that flow (`_split_flow`: exact);
    one modelled per unit comes with its `units` courses already.
    Any other type goes through the greedy below and, if that fails, an explicit
    per-unit CP-SAT model (`_split_exact`, up to EXACT_SPLIT_UNITS units, not for the
    types in `no_exact_split`).

    The greedy: hand each type's starters to its units, year by year, longest courses first.

    Each starter goes to the unit with the most staff still untrained among those
    with room for one more person away now (ties: the first unit in the list).
    A unit free in the start year stays free for the whole course, since every
    course already handed out began in that year or earlier.

    When no unit has both an untrained person and room, while one unit has untrained
    staff but is full and another has room but no one left (the greedy choice went
    wrong earlier, not the plan), the two swap courses handed out before: a course
    under way in the full unit moves to the other and one of the other's finished
    courses moves back, each unit keeping its head count and every year's limit.
    Units with the same courses are interchangeable, so swaps are searched between
    groups of identical units and made for as many units as the year needs. If a
    type still cannot be split, it is tried once more filling the units with the
    fewest staff left first (which pairs long courses with units already used);
    only when both fail is the plan reported as impossible to split.
    """
    def fits(held: list[Course], add: Course, drop: Course, cap: int) -> bool:
        """Whether `held` minus `drop` plus `add` stays within `cap` away every year."""
        rest = list(held)
        rest.remove(drop)
        return all(sum(s <= t <= e for s, e, _ in rest) < cap
                   for t in range(add[0], add[1] + 1))

    def swap(courses: list[list[Course]], remaining: list[int], busy: list[int], year: int,
             cap: int, wanted: int) -> list[int]:
        """Free up to `wanted` units for `year` by swapping courses; the units freed."""
        full: dict[tuple[Course, ...], list[int]] = {}   # untrained staff, no room
        spare: dict[tuple[Course, ...], list[int]] = {}  # room, no one left
        for u, held in enumerate(courses):
            if remaining[u] > 0 and busy[u] >= cap:
                full.setdefault(tuple(sorted(held)), []).append(u)
            elif remaining[u] == 0 and busy[u] < cap:
                spare.setdefault(tuple(sorted(held)), []).append(u)
        for sig_a, units_a in full.items():
            for a in sorted({c for c in sig_a if c[0] <= year <= c[1]}):
                for sig_b, units_b in spare.items():
                    for b in sorted({c for c in sig_b if c[1] < year}):
                        if not (fits(list(sig_a), b, a, cap) and fits(list(sig_b), a, b, cap)):
                            continue
                        pairs = list(zip(units_a, units_b, strict=False))[:wanted]
                        for ua, ub in pairs:
                            courses[ua].remove(a)
                            courses[ua].append(b)
                            courses[ub].remove(b)
                            courses[ub].append(a)
                            busy[ua] -= 1
                            busy[ub] += 1
                        return [ua for ua, _ in pairs]
        return []

    level_order = {lv.id: i for i, lv in enumerate(sc.levels)}

    def split(ut: UnitType, sign: int) -> list[list[Course]]:
        """Each unit's courses; `sign` -1 picks the unit with most staff left, +1 least."""
        cap = ut.concurrency
        remaining = [ut.staff_per_unit] * ut.units
        courses: list[list[Course]] = [[] for _ in range(ut.units)]
        for year in sc.years:
            cohorts = sorted(
                ((lv, n) for (t, lv, y), n in per_type.items() if t == ut.id and y == year and n),
                key=lambda c: (-sc.level(c[0]).duration_years, level_order[c[0]]),
            )
            if not cohorts:
                continue
            busy = [sum(s <= year <= e for s, e, _ in courses[u]) for u in range(ut.units)]
            free = [(sign * remaining[u], u) for u in range(ut.units)
                    if remaining[u] > 0 and busy[u] < cap]
            heapq.heapify(free)
            left = sum(n for _, n in cohorts)
            for lv, n in cohorts:
                grad = sc.graduation_year(lv, year)
                for _ in range(n):
                    if not free:
                        for u in swap(courses, remaining, busy, year, cap, left):
                            heapq.heappush(free, (sign * remaining[u], u))
                    if not free:
                        raise AssignmentError(ut.id,
                            f"{ut.id}, {year}: no unit has a free person for {lv}; the "
                            f"per-type plan cannot be split over individual units")
                    _, u = heapq.heappop(free)
                    remaining[u] -= 1
                    busy[u] += 1
                    left -= 1
                    courses[u].append((year, grad, lv))
                    if remaining[u] > 0 and busy[u] < cap:
                        heapq.heappush(free, (sign * remaining[u], u))
        return courses

    rows: list[RosterRow] = []
    for ut in sc.unit_types:
        ids = ut.unit_ids
        if units and ut.id in units:
            courses = units[ut.id]
        elif flows and ut.id in flows:
            courses = _split_flow(sc, ut, per_type, *flows[ut.id])
        else:
            try:
                courses = split(ut, -1)
            except AssignmentError as first:
                try:
                    courses = split(ut, +1)
                except AssignmentError:
                    if ut.units > EXACT_SPLIT_UNITS or ut.id in no_exact_split:
                        raise first from None
                    courses = _split_exact(sc, ut, per_type, time_limit_s)
        got: dict[tuple[int, str, int], int] = {}
        for u, held in enumerate(courses):
            for year, _, lv in held:
                got[u, lv, year] = got.get((u, lv, year), 0) + 1
        for (u, lv, year), n in got.items():
            level = sc.level(lv)
            rows.append(RosterRow(
                year=year, unit_type=ut.id, unit=ids[u], level=lv, starts=n,
                graduation_year=sc.graduation_year(lv, year),
                cost_million_vnd=n * level.duration_years * level.cost_per_trainee_year,
            ))
    type_order = {ut.id: i for i, ut in enumerate(sc.unit_types)}
    unit_order = {(ut.id, uid): i for ut in sc.unit_types for i, uid in enumerate(ut.unit_ids)}
    rows.sort(key=lambda r: (r.year, type_order[r.unit_type], unit_order[r.unit_type, r.unit],
                             level_order[r.level]))
    return rows


__all__ = ["AssignmentError", "PlanModel", "assign_to_units", "check_feasible", "solve",
           "solve_verified"]
