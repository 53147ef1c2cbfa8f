"""The constraint model: one function per planning rule, listed in a registry.

Decision variables are the number of people of a unit type starting a level in
a year. Units of one type are interchangeable, so the model works per type;
`optimizer.solve` assigns starters to individual units afterwards. Per-type totals
alone do not make the per-unit rules exact (a plan can fit the totals yet no split
over units): where it fits, a unit-state flow per type (`UnitFlow`) makes them exact,
and the flow itself is the split. Money is in
1/MONEY_SCALE million VND and completion rates in 1/RATE_SCALE, so every
coefficient is an integer. Short courses (`ShortVariables`) are integer classes per
course, place and year and participants per unit type, in their own block of rules.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations_with_replacement, pairwise

from ortools.sat.python import cp_model
from trainplan.models.actuals import kept_classes, kept_people
from trainplan.models.results import Lever, RuleInstance
from trainplan.models.rules import RULES
from trainplan.models.scenario import (
    MONEY_SCALE,
    NO_QUALIFICATION,
    RATE_SCALE,
    SHORT_COURSES,
    Scenario,
    ShortTarget,
    course_routes,
    money_words,
    qualification_ids,
    short_attendees,
    short_places,
    short_target_courses,
    short_target_types,
    short_target_years,
)
from trainplan.models.workforce import (
    SHARE_SCALE,
    counted_start,
    coverage_needed,
    phase_years,
    scaled,
    staff_in_post,
    staffed_types,
    staffed_units_needed,
    target_types,
    trained_needed,
)

LinearExpr = cp_model.LinearExprT

#: Largest slack a repair may use (well inside 64-bit sums).
SLACK_LIMIT = 2**40
#: Most variables (units x cohorts) the exact per-unit model of one unit type may add
#: when its unit-state flow does not fit; a type too large for both keeps per-type
#: totals only, and no verdict rests on them alone (see `optimizer.solve.feasibility`).
UNIT_VAR_LIMIT = 2_000
#: Most transition variables the exact unit-state flow of one unit type may add;
#: a larger type keeps the per-type relaxation and is split by `optimizer.solve`.
#: Measured on the national benchmark (11 years, 2 cores): communes and districts
#: (115 and 360 transitions) solve in 0.3 s; adding facilities (7,971) took 6.7 s,
#: and all types (27,000 variables, 9 years) found no plan in 60 s.
FLOW_VAR_LIMIT = 2_000


class PlanVariables:
    """The decision variables, reached by what they mean, never by index."""

    def __init__(self, model: cp_model.CpModel, sc: Scenario, loose: bool = False):
        self._sc = sc
        self._starts: dict[tuple[str, str, int], cp_model.IntVar] = {}
        # The staff rule bounds every cohort; when rules can be switched off (to explain
        # infeasibility) the bound must not be a hidden rule, so it is loosened.
        everyone = sum(ut.units * ut.staff_per_unit for ut in sc.unit_types)
        needed = sum(sc.starters_needed(ut.id, lv) for ut in sc.unit_types for lv in ut.quotas)
        #: Upper bound of each unit type's cohort variables.
        self.bound = {ut.id: 2 * (everyone + needed) if loose else ut.units * ut.staff_per_unit
                      for ut in sc.unit_types}
        for t, lv, y in sc.cohorts():
            self._starts[t, lv, y] = model.new_int_var(0, self.bound[t], f"start[{t},{lv},{y}]")
        self.pay: dict[tuple[str, str, int], cp_model.IntVar] = {}
        #: Short-course classes and participants (empty without a short-course section).
        self.short = ShortVariables(model, sc, loose)

    def cohorts(self) -> list[tuple[str, str, int]]:
        """Every (unit type, level, start year) with a variable, in canonical order."""
        return list(self._starts)

    def starts(self, unit_type: str | None = None, level: str | None = None,
               year: int | None = None) -> list[cp_model.IntVar]:
        """Starter variables matching the given unit type, level and start year."""
        return [v for (t, lv, y), v in self._starts.items()
                if (unit_type is None or t == unit_type) and (level is None or lv == level)
                and (year is None or y == year)]

    def start(self, unit_type: str, level: str, year: int) -> cp_model.IntVar:
        """Starters of one cohort."""
        return self._starts[unit_type, level, year]

    def in_training(self, year: int, level: str | None = None,
                    unit_type: str | None = None) -> list[cp_model.IntVar]:
        """Starter variables of cohorts still in training during `year`."""
        sc = self._sc
        return [v for (t, lv, y), v in self._starts.items()
                if (level is None or lv == level) and (unit_type is None or t == unit_type)
                and y <= year <= sc.graduation_year(lv, y)]

    def graduated_by(self, unit_type: str, level: str, year: int) -> list[cp_model.IntVar]:
        """Starter variables of one unit type and level whose course ends by `year`."""
        sc = self._sc
        return [v for (t, lv, y), v in self._starts.items()
                if t == unit_type and lv == level and sc.graduation_year(lv, y) <= year]

    def spending(self, year: int, level: str | None = None) -> LinearExpr:
        """Money spent in `year` on trainees in training (scaled integers).

        Without a level, short-course classes of the year are included.
        """
        sc = self._sc
        long = sum(sc.level(lv).cost_scaled * v for (t, lv, y), v in self._starts.items()
                   if (level is None or lv == level) and y <= year <= sc.graduation_year(lv, y))
        return long + self.short.spending(year) if level is None and self.short.active else long

    def total_cost(self) -> LinearExpr:
        """Money spent over the whole plan (scaled integers), short courses included."""
        sc = self._sc
        return sum(sc.level(lv).cost_scaled * sc.level(lv).duration_years * v
                   for (t, lv, y), v in self._starts.items()) + (
                       self.short.total_cost() if self.short.active else 0)


#: A unit's state at the start of a year: the remaining years (this one included) of
#: its courses under way, sorted, and how many of its staff have started (0 when not
#: tracked; staff + 1 = "over the staff", only reachable when rules can be switched off).
UnitState = tuple[tuple[int, ...], int]
#: One transition: year index, state before, durations of the courses started (sorted),
#: state after.
Arc = tuple[int, UnitState, tuple[int, ...], UnitState]


@dataclass
class UnitFlow:
    """How the units of one type move through their states, as an integer flow.

    Every unit starts the plan in the empty state; each year it starts some courses
    (by duration: levels of equal length weigh the same on a unit), with courses
    under way plus new ones at most its concurrency and, when tracked, staff started
    at most its staff. `x[i]` counts the units taking arc `arcs[i]`. The flow is a
    layered DAG carrying `units` units of flow, so any integer flow splits into one
    path per unit: the per-type plan it links to is exactly the plans the units can
    hold. Staff used is tracked only when the staff limit can bind for one unit
    beyond the type's total (see `unit_flow_arcs`).
    """

    unit_type: str
    durations: list[int]
    arcs: list[Arc]
    x: list[cp_model.IntVar] = field(default_factory=list)


@dataclass
class UnitStarts:
    """Starters of each individual unit of one type, `x[unit index, level, start year]`."""

    unit_type: str
    #: Graduation year of each (level, start year) cohort of the type.
    ends: dict[tuple[str, int], int]
    x: dict[tuple[int, str, int], cp_model.IntVar] = field(default_factory=dict)

    def unit(self, u: int) -> list[cp_model.IntVar]:
        """Every starter variable of unit `u`."""
        return [v for (i, _, _), v in self.x.items() if i == u]

    def cohort(self, level: str, year: int) -> list[cp_model.IntVar]:
        """Every unit's starters of one cohort."""
        return [v for (_, lv, y), v in self.x.items() if lv == level and y == year]

    def away(self, u: int, year: int) -> list[cp_model.IntVar]:
        """Unit `u`'s starters still in training during `year`."""
        return [v for (i, lv, y), v in self.x.items()
                if i == u and y <= year <= self.ends[lv, y]]


def unit_flow_arcs(sc: Scenario, type_id: str, over: bool = False,
                   limit: int | None = None) -> tuple[list[Arc], bool] | None:
    """The reachable transitions of one unit type's units and whether staff is tracked.

    None when there would be more than `limit` (default FLOW_VAR_LIMIT). With `over`,
    starting beyond the staff leads to the "over" state instead of being left out
    (so the staff limit can be a separate, switchable constraint: no flow into "over").

    Why staff may be dropped or lumped: courses of one unit overlap at most k at a
    time, and intervals of overlap <= k split into k chains of disjoint courses
    (interval graphs are perfect), each holding at most (years left) // (shortest
    course) courses. So from year t a unit starts at most F(t) = k x ((T - t) //
    dmin) more courses. When staff >= F(0), no unit can exceed its staff and only the
    type total (rule `unit_staff`) matters: staff is not tracked. Otherwise staff used
    u <= staff - F(t) can never bind again, so such states are lumped into
    u = staff - F(t): they have the same feasible futures.
    """
    ut = sc.unit_type(type_id)
    durations = tuple(sorted({sc.level(lid).duration_years for lid in ut.quotas}))
    return _flow_arcs(len(sc.years), ut.concurrency, ut.staff_per_unit, durations, over,
                      FLOW_VAR_LIMIT if limit is None else limit)


@functools.lru_cache(maxsize=256)
def _flow_arcs(n_years: int, k: int, staff: int, durations: tuple[int, ...], over: bool,
               limit: int) -> tuple[list[Arc], bool] | None:
    """`unit_flow_arcs` on plain numbers, remembered between builds.

    Explain and sweeps build the same scenario's model many times. Callers must not
    change the list returned.
    """
    if not durations:
        return [], False
    dmin = durations[0]

    def future(t: int) -> int:
        return k * ((n_years - t) // dmin)

    tracked = staff < future(0)

    def norm(t: int, used: int) -> int:
        if not tracked:
            return 0
        if used > staff:
            return staff + 1
        return 0 if t == n_years else max(used, staff - future(t), 0)

    frontier = {((), norm(0, 0))}
    arcs: list[Arc] = []
    for t in range(n_years):
        startable = [d for d in durations if t + d <= n_years]
        following: set[UnitState] = set()
        for state in sorted(frontier):
            under_way, used = state
            for n in range(k - len(under_way) + 1):
                if tracked and used <= staff < used + n and not over:
                    break
                for new in combinations_with_replacement(startable, n):
                    rest = sorted([r - 1 for r in under_way if r > 1]
                                  + [d - 1 for d in new if d > 1])
                    after = (tuple(rest), norm(t + 1, used + n))
                    arcs.append((t, state, new, after))
                    following.add(after)
            if len(arcs) > limit:
                return None
        frontier = following
    return arcs, tracked


@dataclass
class PlanModel:
    """A CP-SAT model of one scenario, with every rule instance it holds.

    With `switches`, each rule instance holds only when its own literal is true
    (for explaining infeasibility). With `elastic` lever kinds, instances whose
    lever is of those kinds get a slack variable that relaxes them (for repairs).
    """

    scenario: Scenario
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    switches: bool = False
    elastic: frozenset[str] = frozenset()
    instances: list[RuleInstance] = field(default_factory=list)
    literals: dict[RuleInstance, cp_model.IntVar] = field(default_factory=dict)
    slacks: dict[RuleInstance, cp_model.IntVar] = field(default_factory=dict)
    #: The slack of each scenario value a repair may change, by its dotted key.
    lever_slacks: dict[str, cp_model.IntVar] = field(default_factory=dict)
    #: Unit types modelled exactly by a unit-state flow, by id.
    flows: dict[str, UnitFlow] = field(default_factory=dict)
    #: Unit types modelled exactly by starters per unit, by id.
    units: dict[str, UnitStarts] = field(default_factory=dict)
    #: How each unit type with a per-unit limit is held: a flow or per unit (exact),
    #: or "relaxed" (per-type totals only).
    unit_paths: dict[str, str] = field(default_factory=dict)
    #: Whether the model holds rule `unit_staff` (the flow then tracks staff per unit).
    staff_rule: bool = True
    #: Unit types whose per-unit rules get an exact model where one fits (None: all);
    #: the others keep per-type totals (a relaxation).
    exact_types: frozenset[str] | None = None
    #: The workforce's stock variables by unit type (built by `workforce` when needed).
    stock: dict[str, TypeStock] | None = None

    def __post_init__(self) -> None:
        self.vars = PlanVariables(self.model, self.scenario, loose=self.switches)

    @property
    def relaxed(self) -> list[str]:
        """Unit types whose per-unit limits this model holds as per-type totals only."""
        return [t for t, path in self.unit_paths.items() if path == "relaxed"]

    @property
    def exact(self) -> bool:
        """Whether every rule is stated exactly (no unit type relaxed to totals)."""
        return not self.relaxed

    def require(self, expr: LinearExpr, sense: str, bound: int, rule: str, key: str,
                text: str, lever: Lever | None = None) -> None:
        """Add one rule instance: `expr <= bound`, `>=` or `==`."""
        assert rule in RULES, rule
        inst = RuleInstance(rule, key, text, lever)
        if lever is not None and lever.kind in self.elastic:
            # slack in whole scenario units (people, million VND), not model units:
            # the repair is then a whole change, and the search has fewer steps.
            # Instances behind one scenario value (a yearly minimum, every year) share
            # its slack: changing the value once relaxes them all.
            slack = self.lever_slacks.get(lever.key)
            if slack is None:
                slack = self.model.new_int_var(0, SLACK_LIMIT, f"slack[{lever.key}]")
                self.lever_slacks[lever.key] = slack
            room = lever.scale * slack
            expr = expr - room if sense == "<=" else expr + room
            self.slacks[inst] = slack
        if sense == "<=":
            ct = self.model.add(expr <= bound)
        elif sense == ">=":
            ct = self.model.add(expr >= bound)
        else:
            ct = self.model.add(expr == bound)
        self._instance(inst, [ct])

    def require_all(self, constraints: list[cp_model.Constraint], rule: str, key: str,
                    text: str) -> None:
        """Add one rule instance made of several constraints, switched on and off together."""
        assert rule in RULES, rule
        self._instance(RuleInstance(rule, key, text), constraints)

    def _instance(self, inst: RuleInstance, constraints: list[cp_model.Constraint]) -> None:
        """Register a rule instance; with switches, its constraints hold only when it is on."""
        self.instances.append(inst)
        if self.switches:
            lit = self.model.new_bool_var(f"on[{inst.rule}:{inst.key}]")
            for ct in constraints:
                ct.only_enforce_if(lit)
            self.literals[inst] = lit


# ----- hard rules ---------------------------------------------------------------------


def quota_met(m: PlanModel) -> None:
    """Each unit type graduates the people its table asks for at each level."""
    sc = m.scenario
    for ut in sc.unit_types:
        for lid, quota in ut.quotas.items():
            rate = sc.level(lid).rate_scaled
            grads = rate * sum(m.vars.starts(ut.id, lid))  # graduates x RATE_SCALE
            pct = sc.level(lid).completion_rate_percent
            words = f"{ut.id}, {lid}: {quota.people} graduates"
            if pct < 100:
                words += f" at {pct}% completion need {sc.starters_needed(ut.id, lid)} starters"
            lever = Lever("quota", f"unit_types.{ut.id}.quotas.{lid}", quota.people,
                          -1, RATE_SCALE, "people", f"{ut.id} {lid} quota")
            if quota.mode != "at_most":
                m.require(grads, ">=", quota.people * RATE_SCALE, "quota_met",
                          f"{ut.id}/{lid}/min", words if quota.mode == "exact"
                          else f"{words} at least", lever)
            if quota.mode != "at_least":
                m.require(grads, "<=", (quota.people + 1) * RATE_SCALE - 1, "quota_met",
                          f"{ut.id}/{lid}/max", f"{ut.id}, {lid}: at most {quota.people} "
                          "graduates")


def annual_places(m: PlanModel) -> None:
    """Trainees starting in a year never exceed that year's training places."""
    for year in m.scenario.years:
        cap = m.scenario.starts_cap(year)
        if cap is not None:
            lever = Lever("places", f"capacity.starts_by_year.{year}", cap, +1, 1, "places",
                          f"places in {year}")
            m.require(sum(m.vars.starts(year=year)), "<=", cap, "annual_places", str(year),
                      f"{year}: at most {cap} places for new starters", lever)


def level_places(m: PlanModel) -> None:
    """Starters at a level in a year never exceed that level's places."""
    for lid in m.scenario.capacity.by_level:
        for year in m.scenario.years:
            cap = m.scenario.level_starts_cap(lid, year)
            if cap is not None:
                lever = Lever("places", f"capacity.by_level.{lid}.starts_by_year.{year}", cap,
                              +1, 1, "places", f"{lid} places in {year}")
                m.require(sum(m.vars.starts(level=lid, year=year)), "<=", cap, "level_places",
                          f"{lid}/{year}", f"{lid}, {year}: at most {cap} places", lever)


def group_places(m: PlanModel) -> None:
    """Starters at a group of levels in a year never exceed the group's places."""
    for group in m.scenario.capacity.groups:
        cap = group.starts_per_year
        for year in m.scenario.years:
            lever = Lever("places", f"capacity.groups.{group.id}.starts_per_year", cap, +1, 1,
                          "places", f"{group.id} places a year")
            starts = [v for lid in group.levels for v in m.vars.starts(level=lid, year=year)]
            m.require(sum(starts), "<=", cap, "group_places", f"{group.id}/{year}",
                      f"{group.id} ({', '.join(group.levels)}), {year}: at most {cap} places",
                      lever)


def minimum_intake(m: PlanModel) -> None:
    """At least the stated number of people start training every year."""
    sc = m.scenario
    for year in sc.years:
        low = sc.capacity.min_starts_per_year
        if low:
            lever = Lever("minimum_intake", "capacity.min_starts_per_year", low, -1, 1,
                          "starters", "minimum starters per year")
            m.require(sum(m.vars.starts(year=year)), ">=", low, "minimum_intake", str(year),
                      f"{year}: at least {low} new starters", lever)
        for lid, lc in sc.capacity.by_level.items():
            if lc.min_starts_per_year:
                lever = Lever("minimum_intake", f"capacity.by_level.{lid}.min_starts_per_year",
                              lc.min_starts_per_year, -1, 1, "starters",
                              f"minimum {lid} starters per year")
                m.require(sum(m.vars.starts(level=lid, year=year)), ">=",
                          lc.min_starts_per_year, "minimum_intake", f"{lid}/{year}",
                          f"{lid}, {year}: at least {lc.min_starts_per_year} new starters",
                          lever)


def seats(m: PlanModel) -> None:
    """People in training at the same time never exceed the seats."""
    for year in m.scenario.years:
        cap = m.scenario.seats_cap(year)
        if cap is not None:
            lever = Lever("seats", f"capacity.seats_by_year.{year}", cap, +1, 1, "seats",
                          f"seats in {year}")
            m.require(sum(m.vars.in_training(year)), "<=", cap, "seats", str(year),
                      f"{year}: at most {cap} people in training", lever)


def level_seats(m: PlanModel) -> None:
    """People in training at one level never exceed that level's seats."""
    for lid in m.scenario.capacity.by_level:
        for year in m.scenario.years:
            cap = m.scenario.level_seats_cap(lid, year)
            if cap is not None:
                lever = Lever("seats", f"capacity.by_level.{lid}.seats_by_year.{year}", cap, +1,
                              1, "seats", f"{lid} seats in {year}")
                m.require(sum(m.vars.in_training(year, level=lid)), "<=", cap, "level_seats",
                          f"{lid}/{year}", f"{lid}, {year}: at most {cap} in training", lever)


def total_budget(m: PlanModel) -> None:
    """Training spending over the whole plan stays within the total budget."""
    total = m.scenario.budget.total
    if total is not None:
        lever = Lever("total_budget", "budget.total", total, +1, MONEY_SCALE, "million VND",
                      "total budget")
        m.require(m.vars.total_cost(), "<=", int(total * MONEY_SCALE), "total_budget", "total",
                  f"total training budget {money_words(total)} million VND", lever)


def annual_budget(m: PlanModel) -> None:
    """Training spending in each year stays within that year's ceiling."""
    for year in m.scenario.years:
        ceiling = m.scenario.budget_ceiling(year)
        if ceiling is not None:
            lever = Lever("annual_budget", f"budget.by_year.{year}", ceiling, +1, MONEY_SCALE,
                          "million VND", f"budget ceiling of {year}")
            m.require(m.vars.spending(year), "<=", int(ceiling * MONEY_SCALE), "annual_budget",
                      str(year), f"{year}: at most {money_words(ceiling)} million VND for training",
                      lever)


def funding_sources(m: PlanModel) -> None:
    """Each source pays only for its levels and years, and at most its amount."""
    sc = m.scenario
    if not sc.budget.sources:
        return
    for src in sc.budget.sources:
        amount = int(src.amount * MONEY_SCALE)
        for lv in sc.levels:
            for year in sc.years:
                if sc.source_pays(src, lv.id, year):
                    m.vars.pay[src.id, lv.id, year] = m.model.new_int_var(
                        0, amount + (SLACK_LIMIT if "source_amount" in m.elastic else 0),
                        f"pay[{src.id},{lv.id},{year}]")
        short_pay(m, src.id, amount + (SLACK_LIMIT if "source_amount" in m.elastic else 0))
        lever = Lever("source_amount", f"budget.sources.{src.id}.amount", src.amount, +1,
                      MONEY_SCALE, "million VND", f"amount of source {src.id}")
        m.require(sum(v for (s, _, _), v in m.vars.pay.items() if s == src.id), "<=", amount,
                  "funding_sources", f"{src.id}/amount",
                  f"source {src.id}: at most {money_words(src.amount)} million VND", lever)
    for lv in sc.levels:
        for year in sc.years:
            paid = [v for (_, lid, y), v in m.vars.pay.items() if lid == lv.id and y == year]
            m.require(sum(paid) - m.vars.spending(year, lv.id), "==", 0, "funding_sources",
                      f"{lv.id}/{year}/covered",
                      f"{lv.id}, {year}: spending paid by the sources allowed to pay it")
    short_covered(m)


def milestones(m: PlanModel) -> None:
    """Enough people of the named units and levels have graduated by each deadline."""
    sc = m.scenario
    for ms in sc.milestones:
        target = sc.milestone_target(ms)
        grads = []
        for t, lid in sc.milestone_pairs(ms):
            starters = m.vars.graduated_by(t, lid, ms.by_year)
            ub = 2 * sum(ut.units * ut.staff_per_unit for ut in sc.unit_types)
            g = m.model.new_int_var(0, ub, f"graduates[{ms.id},{t},{lid}]")
            # g <= floor(starters x rate): whole graduates only
            m.model.add(g * RATE_SCALE <= sc.level(lid).rate_scaled * sum(starters))
            grads.append(g)
        lever = Lever("milestone_size", f"milestones.{ms.id}.people", target, -1, 1,
                      "graduates", f"milestone {ms.id}",
                      extra=(("milestones." + ms.id + ".share_percent", None),))
        m.require(sum(grads), ">=", target, "milestones", ms.id,
                  f"milestone {ms.id}: at least {target} graduates by {ms.by_year}"
                  + (f" ({ms.label})" if ms.label else ""), lever)


def unit_staff(m: PlanModel) -> None:
    """A unit sends at most its staff for training; each person trains once."""
    for ut in m.scenario.unit_types:
        cap = ut.units * ut.staff_per_unit
        lever = Lever("staff", f"unit_types.{ut.id}.staff_per_unit", ut.staff_per_unit, +1,
                      ut.units, "staff per unit", f"{ut.id} staff per unit")
        m.require(sum(m.vars.starts(ut.id)), "<=", cap, "unit_staff", ut.id,
                  f"{ut.id}: at most {ut.staff_per_unit} staff per unit may train "
                  f"({cap} over {ut.units} units)", lever)


def unit_concurrency(m: PlanModel) -> None:
    """A unit has at most its limit of staff in training at the same time.

    Per type, each year's people away stay within units x limit (necessary, readable).
    The type's starts must also be carried by an exact per-unit model where one fits
    (`hold_units`): the unit-state flow, else one variable per unit and cohort. Only a
    type too large for both keeps the per-type totals alone (`PlanModel.exact` false),
    and then a verdict needs a split of the plan over the units (`optimizer.solve`).
    """
    for ut in m.scenario.unit_types:
        if ut.concurrency >= ut.staff_per_unit:
            continue  # never binding: a unit cannot send more than its staff
        cap = ut.units * ut.concurrency
        for year in m.scenario.years:
            m.require(sum(m.vars.in_training(year, unit_type=ut.id)), "<=", cap,
                      "unit_concurrency", f"{ut.id}/{year}",
                      f"{ut.id}, {year}: at most {ut.concurrency} staff per unit away "
                      f"({cap} over {ut.units} units)")
        hold_units(m, ut.id)


def unit_flow_for(sc: Scenario, type_id: str, staff_rule: bool = True,
                  switches: bool = False) -> tuple[list[Arc], bool] | None:
    """The type's unit-state flow arcs (and whether staff is tracked), None when it has none.

    A type has a flow when its per-unit limit can bind (concurrency below staff), it
    trains someone, and its state space fits. Without the staff rule (or with
    switches) starting beyond the staff is a transition of its own, forbidden only
    while that rule holds.
    """
    ut = sc.unit_type(type_id)
    if ut.concurrency >= ut.staff_per_unit:
        return None
    found = unit_flow_arcs(sc, type_id, over=switches or not staff_rule)
    return found if found is not None and found[0] else None


def unit_path(sc: Scenario, type_id: str, staff_rule: bool = True,
              switches: bool = False) -> str | None:
    """How the exact model holds a type's per-unit limits: "flow", "units" or "relaxed".

    None when they cannot bind beyond the type's totals (concurrency not below staff).
    The one test of "is this type held exactly", for the model and `optimizer.solve`.
    """
    ut = sc.unit_type(type_id)
    if ut.concurrency >= ut.staff_per_unit:
        return None
    if unit_flow_for(sc, type_id, staff_rule, switches) is not None:
        return "flow"
    cohorts = sum(len(sc.start_years(lid)) for lid in ut.quotas)
    return "units" if ut.units * cohorts <= UNIT_VAR_LIMIT else "relaxed"


def hold_units(m: PlanModel, type_id: str) -> None:
    """Hold one type's per-unit limits exactly where a model fits (see `unit_path`)."""
    wanted = m.exact_types is None or type_id in m.exact_types
    path = unit_path(m.scenario, type_id, m.staff_rule, m.switches) if wanted else "relaxed"
    if path == "flow":
        _unit_flow(m, type_id)
    elif path == "units":
        _unit_starts(m, type_id)
    else:
        m.unit_paths[type_id] = "relaxed"


def _unit_flow(m: PlanModel, type_id: str) -> None:
    """The exact per-unit model of one unit type as a unit-state flow (see UnitFlow)."""
    sc = m.scenario
    ut = sc.unit_type(type_id)
    found = unit_flow_for(sc, type_id, m.staff_rule, m.switches)
    assert found is not None
    arcs, tracked = found
    flow = UnitFlow(type_id, sorted({sc.level(lid).duration_years for lid in ut.quotas}),
                    arcs)
    model = m.model
    flow.x = [model.new_int_var(0, ut.units, f"flow[{type_id},{i}]") for i in range(len(arcs))]
    out: dict[tuple[int, UnitState], list[cp_model.IntVar]] = {}
    into: dict[tuple[int, UnitState], list[cp_model.IntVar]] = {}
    for (t, before, _, after), x in zip(arcs, flow.x, strict=True):
        out.setdefault((t, before), []).append(x)
        into.setdefault((t + 1, after), []).append(x)
    for (t, state), xs in out.items():
        if t == 0:
            model.add(sum(xs) == ut.units)  # every unit starts the plan empty
        else:
            model.add(sum(xs) == sum(into[t, state]))
    links = []
    for t, year in enumerate(sc.years):
        for d in flow.durations:
            levels = [lid for lid in ut.quotas if sc.level(lid).duration_years == d]
            starts = [m.vars.start(type_id, lid, year) for lid in levels
                      if year in sc.start_years(lid)]
            started = [new.count(d) * x for (at, _, new, _), x in zip(arcs, flow.x, strict=True)
                       if at == t and d in new]
            if not starts and not started:
                continue
            links.append(model.add(sum(started) == sum(starts)))
    m.require_all(links, "unit_concurrency", f"{type_id}/units",
                  f"{type_id}: unit by unit, at most {ut.concurrency} staff away at once"
                  + (f" and {ut.staff_per_unit} trained" if tracked and not m.switches else ""))
    if m.switches and m.staff_rule and tracked:
        over = [x for (_, before, _, after), x in zip(arcs, flow.x, strict=True)
                if after[1] > ut.staff_per_unit >= before[1]]
        if over:
            m.require_all([model.add(sum(over) == 0)], "unit_staff", f"{type_id}/units",
                          f"{type_id}: unit by unit, at most {ut.staff_per_unit} staff trained")
    m.flows[type_id] = flow
    m.unit_paths[type_id] = f"flow ({len(arcs):,} transitions)"


def _unit_starts(m: PlanModel, type_id: str) -> None:
    """The exact per-unit model of one unit type: starters per unit and cohort.

    The units' starters always add up to the type's (a definition, not a rule);
    each unit's staff and its people away each year are the rule instances. Units
    are interchangeable, so they are ordered by their starters in the type's first
    cohort (any plan can be renumbered that way).
    """
    sc = m.scenario
    ut = sc.unit_type(type_id)
    cohorts = [(lv, y) for t, lv, y in m.vars.cohorts() if t == type_id]
    starts = UnitStarts(type_id, {(lv, y): sc.graduation_year(lv, y) for lv, y in cohorts})
    for u in range(ut.units):
        for lv, y in cohorts:
            ub = m.vars.bound[type_id] if m.switches else ut.concurrency
            starts.x[u, lv, y] = m.model.new_int_var(0, ub, f"unit_start[{type_id},{u},{lv},{y}]")
    for lv, y in cohorts:
        m.model.add(sum(starts.cohort(lv, y)) == m.vars.start(type_id, lv, y))
    if cohorts:
        first = cohorts[0]
        for u in range(1, ut.units):
            m.model.add(starts.x[u - 1, *first] >= starts.x[u, *first])
    away = [m.model.add(sum(starts.away(u, year)) <= ut.concurrency)
            for u in range(ut.units) for year in sc.years]
    m.require_all(away, "unit_concurrency", f"{type_id}/units",
                  f"{type_id}: unit by unit, at most {ut.concurrency} staff away at once")
    if m.staff_rule:
        staff = [m.model.add(sum(starts.unit(u)) <= ut.staff_per_unit)
                 for u in range(ut.units)]
        m.require_all(staff, "unit_staff", f"{type_id}/units",
                      f"{type_id}: unit by unit, at most {ut.staff_per_unit} staff trained")
    m.units[type_id] = starts
    m.unit_paths[type_id] = f"per unit ({len(starts.x):,} variables)"


# ----- the workforce over time (optional section `workforce`) --------------------------


@dataclass
class TypeStock:
    """One unit type's staff by qualification over the years, as variables.

    The integer rules are `models.workforce`'s (the checker's): leavers are floors
    held exactly by two linear inequalities each (leavers x 10,000 <= stock x rate <
    (leavers + 1) x 10,000), graduates of a cohort are floor(starters x completion rate)
    the same way, and the stock at a year's end is a definition. The rules of the
    section (`staff_turnover`, `trainees_from_staff`, ...) are constraints on these.
    """

    type_id: str
    quals: list[str]
    #: Planned staff in post at the end of each year (the start under first year - 1).
    posts: dict[int, int]
    held: dict[tuple[str, int], LinearExpr] = field(default_factory=dict)
    left: dict[tuple[str, int], LinearExpr] = field(default_factory=dict)
    away: dict[tuple[str, int], LinearExpr] = field(default_factory=dict)
    hired: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)
    unqualified: dict[int, LinearExpr] = field(default_factory=dict)
    end: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)
    graduates: dict[tuple[str, int], LinearExpr] = field(default_factory=dict)

    def at_least(self, qualification: str, year: int) -> LinearExpr:
        """Staff at the end of `year` holding this qualification or a higher one."""
        return sum(self.end[q, year] for q in self.quals[self.quals.index(qualification):])


def _floor_share(m: PlanModel, amount: LinearExpr | int, scale: int, per: int, ub: int,
                 name: str) -> LinearExpr | int:
    """floor(amount x scale / per) as an exact integer variable (a number when constant)."""
    if scale == 0:
        return 0
    if isinstance(amount, int):
        return amount * scale // per
    if scale == per:
        return amount
    v = m.model.new_int_var(-ub, ub, name)
    m.model.add(v * per <= amount * scale)
    m.model.add(amount * scale <= v * per + per - 1)
    return v


def _stock_year(m: PlanModel, ts: TypeStock, year: int, last: dict[str, LinearExpr | int],
                ub: int) -> None:
    """One year of a type's stock: leavers, people away, graduates, recruits, the end."""
    sc = m.scenario
    assert sc.workforce is not None
    st = sc.workforce.staff_of(ts.type_id)
    assert st is not None
    routes = course_routes(sc)
    t = ts.type_id
    for q in ts.quals:
        if st.first_year_attrition_percent is None:
            ts.left[q, year] = _floor_share(m, ts.held[q, year], scaled(st.attrition(q)),
                                            SHARE_SCALE, ub, f"leavers[{t},{q},{year}]")
        else:
            new = _floor_share(m, last[q], scaled(st.first_year_attrition(q)), SHARE_SCALE,
                               ub, f"leavers_first_year[{t},{q},{year}]")
            old = _floor_share(m, ts.held[q, year] - last[q], scaled(st.attrition(q)),
                               SHARE_SCALE, ub, f"leavers[{t},{q},{year}]")
            ts.left[q, year] = new + old
        ts.away[q, year] = sum(v for lv in sc.unit_type(t).quotas
                               if routes[lv].from_qualification == q
                               for v in m.vars.in_training(year, level=lv, unit_type=t))
    moved: dict[str, LinearExpr] = {q: 0 for q in ts.quals}
    for (course, start), g in ts.graduates.items():
        if sc.graduation_year(course, start) == year:
            moved[routes[course].from_qualification] -= g
            moved[routes[course].to_qualification] += g
    for q in st.recruits:
        ts.hired[q, year] = m.model.new_int_var(0, ub, f"hired[{t},{q},{year}]")
    hired = [v for (_, y), v in ts.hired.items() if y == year]
    ts.unqualified[year] = (ts.posts[year] - ts.posts[year - 1]
                            + sum(ts.left[q, year] for q in ts.quals) - sum(hired))
    for q in ts.quals:
        recruits = ts.unqualified[year] if q == NO_QUALIFICATION else ts.hired.get((q, year), 0)
        ts.end[q, year] = m.model.new_int_var(-ub, ub, f"stock[{t},{q},{year}]")
        m.model.add(ts.end[q, year] == ts.held[q, year] - ts.left[q, year] + moved[q]
                    + recruits)
        last[q] = recruits
        if year < sc.horizon.last_year:
            ts.held[q, year + 1] = ts.end[q, year]


def _type_stock(m: PlanModel, type_id: str) -> TypeStock:
    """The stock variables of one described unit type (see TypeStock)."""
    sc = m.scenario
    assert sc.workforce is not None
    st = sc.workforce.staff_of(type_id)
    assert st is not None
    ts = TypeStock(type_id, qualification_ids(sc), staff_in_post(sc, type_id))
    cohorts = [(lv, y) for t, lv, y in m.vars.cohorts() if t == type_id]
    ub = (max(ts.posts.values()) + len(cohorts) * m.vars.bound[type_id]
          + len(sc.years) * sum(r.per_year for r in st.recruits.values()))
    for lv, y in cohorts:
        ts.graduates[lv, y] = _floor_share(m, m.vars.start(type_id, lv, y),
                                           sc.level(lv).rate_scaled, RATE_SCALE, ub,
                                           f"graduates[{type_id},{lv},{y}]")
    first = sc.horizon.first_year
    for q in ts.quals:
        ts.held[q, first] = st.held_at_start.get(q, 0)
    last: dict[str, LinearExpr | int] = dict.fromkeys(ts.quals, 0)
    for year in sc.years:
        _start_from_count(sc, ts, year, last)
        _stock_year(m, ts, year, last, ub)
    return ts


def _start_from_count(sc: Scenario, ts: TypeStock, year: int,
                      last: dict[str, LinearExpr | int]) -> None:
    """A re-plan starts its first year from the staff counted by qualification, if counted.

    The rule is `models.workforce.counted_start`'s (the checker's): the counts replace
    the stock at the start of that year, none of them in their first year.
    """
    restart = counted_start(sc, ts.type_id)
    if restart is not None and restart[0] == year:
        for q in ts.quals:
            ts.held[q, year] = restart[1][q]
            last[q] = 0


def workforce(m: PlanModel) -> dict[str, TypeStock]:
    """The stock variables of every described unit type, built once per model."""
    if m.stock is None:
        m.stock = {t: _type_stock(m, t) for t in staffed_types(m.scenario)}
    return m.stock


def staff_turnover(m: PlanModel) -> None:
    """Staff leave only at the attrition rate; recruits fill growth and leavers each year."""
    for t, ts in workforce(m).items():
        for year in m.scenario.years:
            m.require(ts.unqualified[year], ">=", 0, "staff_turnover", f"{t}/{year}",
                      f"{t}, {year}: {ts.posts[year]} staff in post after leavers and "
                      "recruits (recruits never negative)")


def trainees_from_staff(m: PlanModel) -> None:
    """People start a course only from the staff holding its starting qualification."""
    for t, ts in workforce(m).items():
        for (q, year), away in ts.away.items():
            if isinstance(away, int):
                continue  # no course from q under way that year
            m.require(ts.held[q, year] - ts.left[q, year] - away, ">=", 0,
                      "trainees_from_staff", f"{t}/{q}/{year}",
                      f"{t}, {year}: people in training from '{q}' are staff holding it "
                      "who stay")


def qualified_recruits(m: PlanModel) -> None:
    """Recruits arriving already qualified stay within each year's limit."""
    sc = m.scenario
    for t, ts in workforce(m).items():
        assert sc.workforce is not None
        st = sc.workforce.staff_of(t)
        assert st is not None
        for (q, year), v in ts.hired.items():
            cap = st.recruits[q].per_year
            lever = Lever("recruits", f"workforce.staff.{t}.recruits.{q}.per_year", cap, +1, 1,
                          "people", f"{t} recruits arriving with {q} a year")
            m.require(v, "<=", cap, "qualified_recruits", f"{t}/{q}/{year}",
                      f"{t}, {year}: at most {cap} recruits arriving with '{q}'", lever)


def coverage(m: PlanModel) -> None:
    """By each target year, enough staff in post hold at least the target qualification."""
    sc = m.scenario
    stock = workforce(m)
    for c in sc.workforce.coverage if sc.workforce is not None else []:
        need = coverage_needed(sc, c)
        got = sum(stock[t].at_least(c.at_least, c.by_year) for t in target_types(sc, c))
        m.require(got, ">=", need, "coverage", c.id,
                  f"target {c.id}: at least {need} staff holding '{c.at_least}' or higher by "
                  f"{c.by_year} ({c.share_percent}%)" + (f" ({c.label})" if c.label else ""))


def trained_share(m: PlanModel) -> None:
    """Graduates during each phase reach the target share of the working staff."""
    sc = m.scenario
    stock = workforce(m)
    for tr in sc.workforce.trained if sc.workforce is not None else []:
        need, years = trained_needed(sc, tr), phase_years(sc, tr)
        got = sum(g for t in target_types(sc, tr) for (lv, y), g in stock[t].graduates.items()
                  if sc.graduation_year(lv, y) in years)
        m.require(got, ">=", need, "trained_share", tr.id,
                  f"target {tr.id}: at least {need} graduates in phase {tr.phase} "
                  f"({tr.share_percent}% of staff)" + (f" ({tr.label})" if tr.label else ""))


def staffed_units(m: PlanModel) -> None:
    """By each target year, qualified staff enough for a share of units to have k each."""
    sc = m.scenario
    stock = workforce(m)
    for su in sc.workforce.staffed_units if sc.workforce is not None else []:
        need = staffed_units_needed(sc, su)
        got = sum(stock[t].at_least(su.at_least, su.by_year) for t in target_types(sc, su))
        m.require(got, ">=", need, "staffed_units", su.id,
                  f"target {su.id}: {need} staff holding '{su.at_least}' or higher by "
                  f"{su.by_year} ({su.staff} in each of {su.share_percent}% of units)"
                  + (f" ({su.label})" if su.label else ""))


def recruitment_cost(m: PlanModel) -> LinearExpr:
    """What hiring the qualified recruits costs (scaled integers)."""
    sc = m.scenario
    assert sc.workforce is not None
    total: LinearExpr = 0
    for t, ts in workforce(m).items():
        st = sc.workforce.staff_of(t)
        assert st is not None
        total += sum(int(st.recruits[q].cost_per_person * MONEY_SCALE) * v
                     for (q, _), v in ts.hired.items())
    return total
# ----- short courses: classes and person-times ------------------------------------------


class ShortVariables:
    """Short-course classes per course, place and year, and participants per unit type.

    Participants are person-times: one person on two courses counts twice.
    """

    def __init__(self, model: cp_model.CpModel, sc: Scenario, loose: bool = False):
        self._sc = sc
        self.classes: dict[tuple[str, str, int], cp_model.IntVar] = {}
        self.people: dict[tuple[str, str, str, int], cp_model.IntVar] = {}
        #: Upper bound of every class variable, and of every participant variable.
        self.class_bound = self.people_bound = 0
        short = sc.short_courses
        if short is None:
            return
        staff = {ut.id: ut.units * ut.staff_per_unit for ut in sc.unit_types}
        everyone = sum(staff.values())
        # With switchable rules a bound must not be a hidden rule: loosen it.
        wanted = sum(t.low or t.high or 0 for t in short.targets)
        loose_bound = 2 * (everyone * len(sc.years) + wanted)
        self.class_bound = loose_bound if loose else everyone
        self.people_bound = loose_bound if loose else everyone
        for c in short.courses:
            types = short_attendees(sc, c)
            for p in short_places(sc, c):
                for y in sc.years:
                    for t in types:
                        self.people[c.id, p, t, y] = model.new_int_var(
                            0, loose_bound if loose else staff[t],
                            f"short_people[{c.id},{p},{t},{y}]")
                    self.classes[c.id, p, y] = model.new_int_var(
                        0, self.class_bound, f"short_classes[{c.id},{p},{y}]")

    @property
    def active(self) -> bool:
        """Whether the scenario has short courses."""
        return self._sc.short_courses is not None

    def participants(self, course: str | None = None, place: str | None = None,
                     unit_type: str | None = None, years: list[int] | None = None
                     ) -> list[cp_model.IntVar]:
        """Participant variables matching the course, place, unit type and years given."""
        return [v for (c, p, t, y), v in self.people.items()
                if course in (None, c) and place in (None, p) and unit_type in (None, t)
                and (years is None or y in years)]

    def held(self, course: str | None = None, place: str | None = None,
             year: int | None = None) -> list[cp_model.IntVar]:
        """Class variables matching the course, place and year given."""
        return [v for (c, p, y), v in self.classes.items()
                if course in (None, c) and place in (None, p) and year in (None, y)]

    def spending(self, year: int) -> LinearExpr:
        """Short-course money in `year` (scaled integers)."""
        sc = self._sc
        assert sc.short_courses is not None
        out: LinearExpr = 0
        for c in sc.short_courses.courses:
            out += int(c.cost_per_class * MONEY_SCALE) * sum(self.held(c.id, year=year))
            out += int(c.cost_per_participant * MONEY_SCALE) * sum(
                self.participants(c.id, years=[year]))
        return out

    def total_cost(self) -> LinearExpr:
        """Short-course money over the whole plan (scaled integers)."""
        return sum(self.spending(year) for year in self._sc.years)


def short_pay(m: PlanModel, source: str, most: int) -> None:
    """Variables for what a source pays for short courses each year it may."""
    sc = m.scenario
    if sc.short_courses is None:
        return
    src = next(s for s in sc.budget.sources if s.id == source)
    for year in sc.years:
        if sc.source_pays(src, SHORT_COURSES, year):
            m.vars.pay[source, SHORT_COURSES, year] = m.model.new_int_var(
                0, most, f"pay[{source},{SHORT_COURSES},{year}]")


def short_covered(m: PlanModel) -> None:
    """Each year's short-course spending is paid by the sources allowed to pay it."""
    if not m.vars.short.active:
        return
    for year in m.scenario.years:
        paid = [v for (_, lid, y), v in m.vars.pay.items() if lid == SHORT_COURSES and y == year]
        m.require(sum(paid) - m.vars.short.spending(year), "==", 0, "funding_sources",
                  f"{SHORT_COURSES}/{year}/covered",
                  f"short courses, {year}: spending paid by the sources allowed to pay it")


def short_attendance(m: PlanModel) -> None:
    """A person attends a short course at most once a year, not while on a long course.

    Per unit type, course and year: participants <= units x staff, minus (unless the
    scenario allows it) the type's people in long-course training that year.
    """
    sc, short = m.scenario, m.vars.short
    if sc.short_courses is None:
        return
    allowed = sc.short_courses.long_course_trainees_attend
    for c in sc.short_courses.courses:
        for t in short_attendees(sc, c):
            ut = sc.unit_type(t)
            for year in sc.years:
                away = 0 if allowed else sum(m.vars.in_training(year, unit_type=t))
                m.require(sum(short.participants(c.id, unit_type=t, years=[year])) + away, "<=",
                          ut.units * ut.staff_per_unit, "short_attendance", f"{c.id}/{t}/{year}",
                          f"{c.id}, {t}, {year}: at most {ut.units * ut.staff_per_unit} staff"
                          + ("" if allowed else ", less those on a long course"))


def short_class_size(m: PlanModel) -> None:
    """Each short-course class has between its least and its most participants."""
    sc, short = m.scenario, m.vars.short
    if sc.short_courses is None:
        return
    for (cid, place, year), classes in short.classes.items():
        c = sc.short_courses.course(cid)
        people = sum(short.participants(cid, place, years=[year]))
        m.require_all([m.model.add(people >= c.min_class * classes),
                       m.model.add(people <= c.max_class * classes)],
                      "short_class_size", f"{cid}/{place}/{year}",
                      f"{cid}, {place}, {year}: classes of {c.min_class} to {c.max_class}")
    for c in sc.short_courses.courses:
        for year in sc.years:
            _all_places(m, c.id, c.max_class, [year])
        _all_places(m, c.id, c.max_class, sc.years)


def _all_places(m: PlanModel, course: str, most: int, years: list[int]) -> None:
    """A course's classes of some years over all places hold all its participants (implied).

    Whole totals let the solver round the classes up (95 people in classes of 40
    need 3), which the per-place rows alone only prove slowly across many places
    and years.
    """
    short = m.vars.short
    held = [v for y in years for v in short.held(course, year=y)]
    if len(held) < 2 or m.switches:  # with switches it would hold while its rows are off
        return
    span = str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"
    classes = m.model.new_int_var(0, short.class_bound * len(held),
                                  f"short_classes_total[{course},{span}]")
    people = m.model.new_int_var(0, m.vars.short.people_bound * len(held),
                                 f"short_people_total[{course},{span}]")
    m.model.add(classes == sum(held))
    m.model.add(people == sum(short.participants(course, years=years)))
    m.model.add(most * classes >= people)


def short_qualification(m: PlanModel) -> None:
    """Only holders of a course's qualification attend: at plan start or graduated before."""
    sc, short = m.scenario, m.vars.short
    if sc.short_courses is None:
        return
    for c in sc.short_courses.courses:
        if c.qualification is None:
            continue
        lv = c.qualification
        types = [t for t in short_attendees(sc, c) if lv in sc.unit_type(t).quotas]
        for year in sc.years:
            grads = []
            for t in types:
                starters = m.vars.graduated_by(t, lv, year - 1)
                if not starters:
                    continue
                g = m.model.new_int_var(0, m.vars.bound[t], f"short_holders[{c.id},{t},{year}]")
                m.model.add(g * RATE_SCALE <= sc.level(lv).rate_scaled * sum(starters))
                grads.append(g)
            lever = Lever("staff", f"short_courses.courses.{c.id}.holders", c.holders, +1, 1,
                          "staff", f"holders of {lv} for {c.id}")
            m.require(sum(short.participants(c.id, years=[year])) - sum(grads), "<=", c.holders,
                      "short_qualification", f"{c.id}/{year}",
                      f"{c.id}, {year}: only the {c.holders} holding {lv} at plan start and "
                      "its graduates of earlier years", lever)


def short_classes_per_place(m: PlanModel) -> None:
    """Classes held at a place in a year never exceed that place's limit."""
    sc = m.scenario
    if sc.short_courses is None:
        return
    for place in sc.short_courses.places:
        if place.classes_per_year is None:
            continue
        for year in sc.years:
            lever = Lever("places", f"short_courses.places.{place.id}.classes_per_year",
                          place.classes_per_year, +1, 1, "classes",
                          f"classes a year at {place.id}")
            m.require(sum(m.vars.short.held(place=place.id, year=year)), "<=",
                      place.classes_per_year, "short_classes_per_place", f"{place.id}/{year}",
                      f"{place.id}, {year}: at most {place.classes_per_year} classes", lever)


def short_trainer_days(m: PlanModel) -> None:
    """Short-course classes in a year use at most that year's trainer-days."""
    sc = m.scenario
    if sc.short_courses is None:
        return
    for year in sc.years:
        cap = sc.short_courses.trainer_days_cap(year)
        if cap is None:
            continue
        used = sum(sc.short_courses.course(c).trainer_days * v
                   for (c, _, y), v in m.vars.short.classes.items() if y == year)
        lever = Lever("places", f"short_courses.trainer_days_by_year.{year}", cap, +1, 1,
                      "trainer-days", f"trainer-days of {year}")
        m.require(used, "<=", cap, "short_trainer_days", str(year),
                  f"{year}: at most {cap} trainer-days", lever)


def _target_sum(m: PlanModel, target: ShortTarget, years: list[int]) -> LinearExpr:
    """Person-times a target counts in the given years."""
    sc = m.scenario
    return sum(sum(m.vars.short.participants(c, unit_type=t, years=years))
               for c in short_target_courses(sc, target) for t in short_target_types(sc, target))


def short_targets(m: PlanModel) -> None:
    """Person-times of the named courses and unit types meet each target."""
    sc = m.scenario
    if sc.short_courses is None:
        return
    for target in sc.short_courses.targets:
        for years in short_target_years(sc, target):
            span = str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"
            done = _target_sum(m, target, years)
            if target.exactly is not None:
                m.require(done, "==", target.exactly, "short_targets", f"{target.id}/{span}",
                          f"target {target.id}, {span}: exactly {target.exactly} person-times")
                continue
            key = f"short_courses.targets.{target.id}"
            if target.at_least is not None:
                lever = Lever("milestone_size", f"{key}.at_least", target.at_least, -1, 1,
                              "person-times", f"target {target.id} (at least)")
                m.require(done, ">=", target.at_least, "short_targets",
                          f"{target.id}/{span}/least",
                          f"target {target.id}, {span}: at least {target.at_least} person-times",
                          lever)
            if target.at_most is not None:
                lever = Lever("milestone_size", f"{key}.at_most", target.at_most, +1, 1,
                              "person-times", f"target {target.id} (at most)")
                m.require(done, "<=", target.at_most, "short_targets", f"{target.id}/{span}/most",
                          f"target {target.id}, {span}: at most {target.at_most} person-times",
                          lever)


def short_unit_limit(m: PlanModel) -> None:
    """A unit sends at most its limit of person-times to short courses in a year.

    Per unit type: the type's person-times in a year <= limit x units (a round-robin
    over the units then gives no unit more than the limit).
    """
    sc = m.scenario
    if sc.short_courses is None:
        return
    for t, most in sc.short_courses.max_per_unit_per_year.items():
        units = sc.unit_type(t).units
        lever = Lever("staff", f"short_courses.max_per_unit_per_year.{t}", most, +1, units,
                      "person-times", f"{t} short-course person-times per unit")
        for year in sc.years:
            m.require(sum(m.vars.short.participants(unit_type=t, years=[year])), "<=",
                      most * units, "short_unit_limit", f"{t}/{year}",
                      f"{t}, {year}: at most {most} person-times per unit ({most * units} over "
                      f"{units} units)", lever)


def short_everyone(m: PlanModel) -> None:
    """Every staff member of the named unit types attends one of the courses by the deadline.

    Per unit type: person-times on those courses up to the deadline >= units x staff.
    """
    sc = m.scenario
    if sc.short_courses is None:
        return
    for item in sc.short_courses.everyone_by:
        years = [y for y in sc.years if y <= item.by_year]
        for t in short_target_types(sc, item):
            ut = sc.unit_type(t)
            done = sum(sum(m.vars.short.participants(c, unit_type=t, years=years))
                       for c in short_target_courses(sc, item))
            m.require(done, ">=", ut.units * ut.staff_per_unit, "short_everyone",
                      f"{item.id}/{t}", f"{item.id}: all {ut.units * ut.staff_per_unit} {t} "
                      f"staff on {', '.join(item.courses)} by {item.by_year}")


def short_order(m: PlanModel) -> LinearExpr:
    """Tie-break among equal short-course plans: fewer classes and people in earlier rows."""
    short = m.vars.short
    if not short.active:
        return 0
    keys = list(short.classes.values()) + list(short.people.values())
    return sum((i + 1) * v for i, v in enumerate(keys))


#: Deterministic work (CP-SAT's deterministic seconds) the hint's feasibility search may use.
HINT_WORK = 2.0


def hint_workforce(m: PlanModel) -> None:
    """Start the search from a plan that holds every rule (with a workforce section).

    With leavers rounded down from stocks the plan changes, CP-SAT's objective-driven
    search can take seconds to find any plan (Bến Tre: 8 s) while a search for a plan
    alone takes a fraction of one. That search runs here on one worker with a fixed
    seed and a deterministic work limit, so the hint is the same on every run; it only
    guides the search (no verdict rests on it). Without a plan in that work, no hint.
    """
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_deterministic_time = HINT_WORK
    if solver.solve(m.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return
    for i, value in enumerate(solver.response_proto.solution):
        m.model.add_hint(m.model.get_int_var_from_proto_index(i), value)


def lp_search(m: PlanModel, solver: cp_model.CpSolver) -> None:
    """With a workforce section, CP-SAT branches as the LP relaxation says (a fixed choice).

    The floors of the stock rules keep the LP relaxation within 0.01% of the optimum
    from the start, but CP-SAT's default search takes tens of seconds to find a plan
    near it; branching on the LP finds one at once. Measured on the national instance
    (benchmarks/workforce.py, CP-SAT deterministic seconds): cost stage on two
    workers 10 -> 1, tie-break on one worker 17.5 -> 1. It is a solver parameter only:
    the same choice on every run, so a stage's result stays a function of its model.
    Models without a workforce keep CP-SAT's default search (their rosters unchanged).
    """
    if m.scenario.workforce is not None:
        solver.parameters.search_branching = cp_model.LP_SEARCH


Rule = Callable[[PlanModel], None]

#: Hard rules, in the order they are added and reported.
RULE_REGISTRY: dict[str, Rule] = {
    "quota_met": quota_met,
    "annual_places": annual_places,
    "level_places": level_places,
    "group_places": group_places,
    "minimum_intake": minimum_intake,
    "seats": seats,
    "level_seats": level_seats,
    "total_budget": total_budget,
    "annual_budget": annual_budget,
    "funding_sources": funding_sources,
    "milestones": milestones,
    "unit_staff": unit_staff,
    "unit_concurrency": unit_concurrency,
    "staff_turnover": staff_turnover,
    "trainees_from_staff": trainees_from_staff,
    "qualified_recruits": qualified_recruits,
    "coverage": coverage,
    "trained_share": trained_share,
    "staffed_units": staffed_units,
    "short_attendance": short_attendance,
    "short_class_size": short_class_size,
    "short_qualification": short_qualification,
    "short_classes_per_place": short_classes_per_place,
    "short_trainer_days": short_trainer_days,
    "short_targets": short_targets,
    "short_unit_limit": short_unit_limit,
    "short_everyone": short_everyone,
}


# ----- goals (objective terms), applied lexicographically ------------------------------


def min_cost(m: PlanModel) -> LinearExpr:
    """Lowest total training cost (with a workforce: plus hiring qualified recruits)."""
    if m.scenario.workforce is None:
        return m.vars.total_cost()
    return m.vars.total_cost() + recruitment_cost(m)


def smooth_intake(m: PlanModel) -> LinearExpr:
    """Smoothest yearly intake: the sum of year-to-year changes in starters."""
    years = m.scenario.years
    bound = sum(ut.units * ut.staff_per_unit for ut in m.scenario.unit_types)
    changes = []
    for prev, year in pairwise(years):
        change = m.model.new_int_var(0, bound, f"intake_change[{year}]")
        diff = sum(m.vars.starts(year=year)) - sum(m.vars.starts(year=prev))
        m.model.add(change >= diff)
        m.model.add(change >= -diff)
        changes.append(change)
    return sum(changes)


def earliest_completion(m: PlanModel) -> LinearExpr:
    """Earliest completion: trainees' years from plan start to graduation, summed."""
    sc = m.scenario
    return sum((sc.graduation_year(lv, y) - sc.horizon.first_year) * m.vars.start(t, lv, y)
               for t, lv, y in m.vars.cohorts())


def canonical_order(m: PlanModel) -> LinearExpr:
    """Tie-break: among equal plans, prefer starters in earlier-listed cohorts."""
    cohorts = m.vars.cohorts()
    order = sum((i + 1) * m.vars.start(*c) for i, c in enumerate(cohorts))
    return order + short_order(m) if m.vars.short.active else order


GOAL_REGISTRY: dict[str, Callable[[PlanModel], LinearExpr]] = {
    "min_cost": min_cost,
    "smooth_intake": smooth_intake,
    "earliest_completion": earliest_completion,
}


def build(sc: Scenario, switches: bool = False, rules: list[str] | None = None,
          elastic: frozenset[str] = frozenset(), exact: frozenset[str] | None = None
          ) -> PlanModel:
    """Build the model of a scenario with all (or the named) hard rules.

    Per-unit rules are held exactly for the unit types in `exact` (None: every type) and
    per type only for the others (a relaxation: see `unit_concurrency`).
    """
    m = PlanModel(sc, switches=switches, elastic=elastic, exact_types=exact,
                  staff_rule=rules is None or "unit_staff" in rules)
    for name, rule in RULE_REGISTRY.items():
        if rules is None or name in rules:
            rule(m)
    keep_past(m)
    if sc.workforce is not None and not switches and not elastic:
        hint_workforce(m)
    return m


def keep_past(m: PlanModel) -> None:
    """A re-plan keeps the past: cohorts before `actuals.from_year` are fixed (never a lever).

    Nothing without actuals or a re-plan year (see `models.actuals`).
    """
    if m.scenario.actuals is not None:
        for cohort, people in m.scenario.actuals.kept_starts(m.scenario).items():
            m.model.add(m.vars.start(*cohort) == people)
        keep_past_classes(m)


def keep_past_classes(m: PlanModel) -> None:
    """Past short-course classes and person-times are fixed as they happened (never a lever).

    Per course, place and year: the classes and the participants; per unit type too
    when the actuals split them (or the course takes one unit type).
    """
    short = m.vars.short
    for (cid, place, year), row in kept_classes(m.scenario).items():
        m.model.add(short.classes[cid, place, year] == row.classes)
        m.model.add(sum(short.participants(cid, place, years=[year])) == row.participants)
    for (cid, place, year, t), n in kept_people(m.scenario).items():
        m.model.add(short.people[cid, place, t, year] == n)
