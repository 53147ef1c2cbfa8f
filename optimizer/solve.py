"""Solve a scenario: lexicographic goals, truthful status, a roster per unit.

Stages: each goal of the scenario's objective is minimised in turn, with the
earlier goals held at the values found. A last stage minimises a fixed
tie-break with one worker and no hints, so the same scenario gives the same
roster whatever the number of workers. The per-type plan is then handed to
individual units by a deterministic rule that respects every per-unit limit.
"""

from __future__ import annotations

import heapq
import time
from decimal import Decimal

from ortools.sat.python import cp_model

from models.scenario import MONEY_SCALE, Scenario
from models.solution import (
    FundingRow,
    GoalResult,
    Roster,
    RosterRow,
    SolveResult,
    SolveSettings,
    Status,
)
from optimizer.model import GOAL_REGISTRY, PlanModel, build, canonical_order


class AssignmentError(Exception):
    """The per-type plan could not be handed to individual units."""


def _solver(settings: SolveSettings, workers: int | None = None) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.max_time_in_seconds = settings.time_limit_s
    p.num_workers = workers or settings.workers
    p.random_seed = settings.seed
    p.log_search_progress = settings.log
    return solver


def check_feasible(sc: Scenario, settings: SolveSettings,
                   rules: list[str] | None = None) -> SolveResult:
    """Is there any plan at all (under all, or the named, rules)? No objective: fast."""
    t0 = time.perf_counter()
    m = build(sc, rules=rules)
    built = time.perf_counter()
    solver = _solver(settings)
    code = solver.solve(m.model)
    status = {
        cp_model.OPTIMAL: Status.optimal,  # without objective: feasible, proven
        cp_model.FEASIBLE: Status.optimal,
        cp_model.INFEASIBLE: Status.infeasible,
        cp_model.MODEL_INVALID: Status.invalid,
    }.get(code, Status.unknown)
    return SolveResult(status=status, build_seconds=built - t0,
                       solve_seconds=time.perf_counter() - built, settings=settings)


def solve(sc: Scenario, settings: SolveSettings, rules: list[str] | None = None) -> SolveResult:
    """Solve the scenario's goals in order (under all, or the named, rules) as a unit roster."""
    t0 = time.perf_counter()
    m = build(sc, rules=rules)
    stages = [(name, GOAL_REGISTRY[name](m)) for name in sc.objective]
    tie_break = canonical_order(m)
    build_seconds = time.perf_counter() - t0
    t1 = time.perf_counter()

    goals: list[GoalResult] = []
    proven = True
    for name, expr in stages:
        m.model.minimize(expr)
        solver = _solver(settings)
        code = solver.solve(m.model)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return _failed(code, settings, build_seconds, time.perf_counter() - t1, goals)
        value = round(solver.objective_value)
        optimal = code == cp_model.OPTIMAL
        proven &= optimal
        goals.append(GoalResult(name=name, value=value, optimal=optimal,
                                bound=round(solver.best_objective_bound)))
        m.model.add(expr <= value)

    # Tie-break stage: one worker, no hints, fixed seed -> the same plan every time.
    m.model.minimize(tie_break)
    solver = _solver(settings, workers=1)
    code = solver.solve(m.model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _failed(code, settings, build_seconds, time.perf_counter() - t1, goals)
    proven &= code == cp_model.OPTIMAL
    solve_seconds = time.perf_counter() - t1

    per_type = {c: solver.value(m.vars.start(*c)) for c in m.vars.cohorts()}
    try:
        rows = assign_to_units(sc, per_type)
    except AssignmentError as exc:
        return SolveResult(status=Status.unassigned, goals=goals, build_seconds=build_seconds,
                           solve_seconds=solve_seconds, settings=settings, message=str(exc))
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


def assign_to_units(sc: Scenario, per_type: dict[tuple[str, str, int], int]) -> list[RosterRow]:
    """Hand each type's starters to its units, year by year, longest courses first.

    Each starter goes to the unit with the most staff still untrained among those
    with room for one more person away now (ties: the first unit in the list).
    A unit free in the start year stays free for the whole course, since every
    course already handed out began in that year or earlier.
    """
    rows: list[RosterRow] = []
    level_order = {lv.id: i for i, lv in enumerate(sc.levels)}
    for ut in sc.unit_types:
        ids = ut.unit_ids
        remaining = [ut.staff_per_unit] * ut.units
        ends: list[list[int]] = [[] for _ in ids]  # graduation years of courses under way
        got: dict[tuple[int, str, int], int] = {}
        for year in sc.years:
            cohorts = sorted(
                ((lv, n) for (t, lv, y), n in per_type.items() if t == ut.id and y == year and n),
                key=lambda c: (-sc.level(c[0]).duration_years, level_order[c[0]]),
            )
            if not cohorts:
                continue
            for u in range(ut.units):
                ends[u] = [e for e in ends[u] if e >= year]
            free = [(-remaining[u], u) for u in range(ut.units)
                    if remaining[u] > 0 and len(ends[u]) < ut.concurrency]
            heapq.heapify(free)
            for lv, n in cohorts:
                grad = sc.graduation_year(lv, year)
                for _ in range(n):
                    if not free:
                        raise AssignmentError(
                            f"{ut.id}, {year}: no unit has a free person for {lv}; the "
                            f"per-type plan cannot be split over individual units")
                    _, u = heapq.heappop(free)
                    remaining[u] -= 1
                    ends[u].append(grad)
                    got[u, lv, year] = got.get((u, lv, year), 0) + 1
                    if remaining[u] > 0 and len(ends[u]) < ut.concurrency:
                        heapq.heappush(free, (-remaining[u], u))
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


__all__ = ["AssignmentError", "PlanModel", "assign_to_units", "check_feasible", "solve"]
