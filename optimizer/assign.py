"""Hand a per-type plan to individual units, deterministically, within every unit limit.

A type modelled by a unit-state flow is split by that flow (exact); one modelled
per unit comes with its courses; any other type goes through a greedy hand-out
(with swaps between units when the greedy choice went wrong), and, if that
fails, an explicit per-unit CP-SAT model. Each step is a small function below.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from ortools.sat.python import cp_model
from trainplan.models.scenario import Scenario, UnitType
from trainplan.models.solution import RosterRow
from trainplan.optimizer.model import UnitFlow

#: Largest unit type the exact per-unit assignment model is tried on.
EXACT_SPLIT_UNITS = 2000


Course = tuple[int, int, str]
"""One course handed to a unit: start year, graduation year, level."""




class AssignmentError(Exception):
    """The per-type plan could not be handed to the individual units of `unit_type`."""

    def __init__(self, unit_type: str, message: str):
        super().__init__(message)
        self.unit_type = unit_type




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


# ----- the greedy hand-out ---------------------------------------------------------------


@dataclass
class _Units:
    """The units of one type during the greedy: their courses, staff left, staff away now."""

    courses: list[list[Course]]
    remaining: list[int]
    busy: list[int]
    cap: int

    def has_room(self, u: int) -> bool:
        """Unit `u` has someone left to train and room for one more person away."""
        return self.remaining[u] > 0 and self.busy[u] < self.cap


def _fits(held: list[Course], add: Course, drop: Course, cap: int) -> bool:
    """Whether `held` minus `drop` plus `add` stays within `cap` away every year."""
    rest = list(held)
    rest.remove(drop)
    return all(sum(s <= t <= e for s, e, _ in rest) < cap
               for t in range(add[0], add[1] + 1))


def _stuck_groups(st: _Units) -> tuple[dict[tuple[Course, ...], list[int]],
                                       dict[tuple[Course, ...], list[int]]]:
    """Identical units grouped: those with untrained staff but no room, and the reverse."""
    full: dict[tuple[Course, ...], list[int]] = {}   # untrained staff, no room
    spare: dict[tuple[Course, ...], list[int]] = {}  # room, no one left
    for u, held in enumerate(st.courses):
        if st.remaining[u] > 0 and st.busy[u] >= st.cap:
            full.setdefault(tuple(sorted(held)), []).append(u)
        elif st.remaining[u] == 0 and st.busy[u] < st.cap:
            spare.setdefault(tuple(sorted(held)), []).append(u)
    return full, spare


SwapEnd = tuple[tuple[Course, ...], list[int], Course]
"""One side of a swap: the group's courses, its units, and the course it gives away."""


def _swap_candidates(st: _Units, year: int) -> Iterator[tuple[SwapEnd, SwapEnd]]:
    """Pairs (a course under way in a full group, a finished one in a spare group), in order."""
    full, spare = _stuck_groups(st)
    under_way = [(sig, units, c) for sig, units in full.items()
                 for c in sorted({c for c in sig if c[0] <= year <= c[1]})]
    finished = [(sig, units, c) for sig, units in spare.items()
                for c in sorted({c for c in sig if c[1] < year})]
    return itertools.product(under_way, finished)


def _exchange(st: _Units, units_a: list[int], units_b: list[int], a: Course, b: Course,
              wanted: int) -> list[int]:
    """Swap course `a` of units_a with course `b` of units_b, for up to `wanted` pairs."""
    pairs = list(zip(units_a, units_b, strict=False))[:wanted]
    for ua, ub in pairs:
        st.courses[ua].remove(a)
        st.courses[ua].append(b)
        st.courses[ub].remove(b)
        st.courses[ub].append(a)
        st.busy[ua] -= 1
        st.busy[ub] += 1
    return [ua for ua, _ in pairs]


def _swap(st: _Units, year: int, wanted: int) -> list[int]:
    """Free up to `wanted` units for `year` by swapping courses; the units freed."""
    for (sig_a, units_a, a), (sig_b, units_b, b) in _swap_candidates(st, year):
        if _fits(list(sig_a), b, a, st.cap) and _fits(list(sig_b), a, b, st.cap):
            return _exchange(st, units_a, units_b, a, b, wanted)
    return []


def _cohort_key(sc: Scenario, cohort: tuple[str, int]) -> tuple[int, int]:
    """Longest courses first, then levels in scenario order."""
    level = cohort[0]
    return -sc.level(level).duration_years, [lv.id for lv in sc.levels].index(level)


def _cohorts_of_year(sc: Scenario, ut: UnitType, per_type: dict[tuple[str, str, int], int],
                     year: int) -> list[tuple[str, int]]:
    """The type's starters of `year` by level, longest courses first."""
    return sorted(((lv, n) for (t, lv, y), n in per_type.items()
                   if t == ut.id and y == year and n), key=partial(_cohort_key, sc))


def _next_unit(st: _Units, free: list[tuple[int, int]], year: int, sign: int, left: int,
               unit_type: str, level: str) -> int:
    """The unit the next starter goes to (swapping courses if none is free)."""
    if not free:
        for u in _swap(st, year, left):
            heapq.heappush(free, (sign * st.remaining[u], u))
    if not free:
        raise AssignmentError(unit_type,
                              f"{unit_type}, {year}: no unit has a free person for {level}; "
                              "the per-type plan cannot be split over individual units")
    return heapq.heappop(free)[1]


def _hand_out_year(sc: Scenario, ut: UnitType, st: _Units, year: int,
                   cohorts: list[tuple[str, int]], sign: int) -> None:
    """Give each of the year's starters to a unit with someone left and room now."""
    st.busy = [sum(s <= year <= e for s, e, _ in st.courses[u]) for u in range(ut.units)]
    free = [(sign * st.remaining[u], u) for u in range(ut.units) if st.has_room(u)]
    heapq.heapify(free)
    left = sum(n for _, n in cohorts)
    for lv, n in cohorts:
        grad = sc.graduation_year(lv, year)
        for _ in range(n):
            u = _next_unit(st, free, year, sign, left, ut.id, lv)
            st.remaining[u] -= 1
            st.busy[u] += 1
            left -= 1
            st.courses[u].append((year, grad, lv))
            if st.has_room(u):
                heapq.heappush(free, (sign * st.remaining[u], u))


def _split_greedy(sc: Scenario, ut: UnitType, per_type: dict[tuple[str, str, int], int],
                  sign: int) -> list[list[Course]]:
    """Each unit's courses; `sign` -1 picks the unit with most staff left, +1 least."""
    st = _Units(courses=[[] for _ in range(ut.units)],
                remaining=[ut.staff_per_unit] * ut.units, busy=[], cap=ut.concurrency)
    for year in sc.years:
        cohorts = _cohorts_of_year(sc, ut, per_type, year)
        if cohorts:
            _hand_out_year(sc, ut, st, year, cohorts, sign)
    return st.courses


# ----- one type, then the roster ---------------------------------------------------------


def _split_by_search(sc: Scenario, ut: UnitType, per_type: dict[tuple[str, str, int], int],
                     time_limit_s: float, no_exact_split: frozenset[str] | set[str]
                     ) -> list[list[Course]]:
    """The greedy (most staff left first, then least), else the exact per-unit model."""
    try:
        return _split_greedy(sc, ut, per_type, -1)
    except AssignmentError as first:
        try:
            return _split_greedy(sc, ut, per_type, +1)
        except AssignmentError:
            if ut.units > EXACT_SPLIT_UNITS or ut.id in no_exact_split:
                raise first from None
    return _split_exact(sc, ut, per_type, time_limit_s)


def _unit_rows(sc: Scenario, ut: UnitType, courses: list[list[Course]]) -> list[RosterRow]:
    """Roster rows of one type: starters per unit, level and start year."""
    ids = ut.unit_ids
    got: dict[tuple[int, str, int], int] = {}
    for u, held in enumerate(courses):
        for year, _, lv in held:
            got[u, lv, year] = got.get((u, lv, year), 0) + 1
    rows = []
    for (u, lv, year), n in got.items():
        level = sc.level(lv)
        rows.append(RosterRow(
            year=year, unit_type=ut.id, unit=ids[u], level=lv, starts=n,
            graduation_year=sc.graduation_year(lv, year),
            cost_million_vnd=n * level.duration_years * level.cost_per_trainee_year,
        ))
    return rows


class _RosterOrder:
    """Roster order: start year, unit type, unit, level (each in scenario order)."""

    def __init__(self, sc: Scenario):
        self.types = {ut.id: i for i, ut in enumerate(sc.unit_types)}
        self.units = {(ut.id, uid): i for ut in sc.unit_types
                      for i, uid in enumerate(ut.unit_ids)}
        self.levels = {lv.id: i for i, lv in enumerate(sc.levels)}

    def key(self, row: RosterRow) -> tuple[int, int, int, int]:
        """The sort key of one row."""
        return (row.year, self.types[row.unit_type], self.units[row.unit_type, row.unit],
                self.levels[row.level])


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
    rows: list[RosterRow] = []
    for ut in sc.unit_types:
        if units and ut.id in units:
            courses = units[ut.id]
        elif flows and ut.id in flows:
            courses = _split_flow(sc, ut, per_type, *flows[ut.id])
        else:
            courses = _split_by_search(sc, ut, per_type, time_limit_s, no_exact_split)
        rows += _unit_rows(sc, ut, courses)
    rows.sort(key=_RosterOrder(sc).key)
    return rows
