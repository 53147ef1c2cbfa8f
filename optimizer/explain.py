"""Why a plan is impossible, and the smallest priced changes that make it possible.

- `explain`: an irreducible set of rule instances that cannot hold together.
  CP-SAT's own `sufficient_assumptions_for_infeasibility` is not used: it is
  only minimised with one worker and no objective, may be wrong with presolve
  on (OR-Tools issue #5141), and assumption solves are slow here (see
  `Switchboard`). Instead a deletion filter shrinks the set, and every member
  is proved necessary by re-solving without it.
- `repairs`: for each lever a planner can pull, the least change that makes the
  plan feasible on its own (elastic slack, minimised), and the cheapest
  combination under a priority of levers. Each is checked by solving the
  repaired scenario, and for minimality by solving it with one unit less.
- `min_budget`: the least total budget (and least flat yearly ceiling), and the
  curve of lowest cost against the share of the quotas met.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from ortools.sat.python import cp_model
from trainplan.models.loader import apply_change
from trainplan.models.results import BudgetAnswer, Change, Explanation, Lever, Repair, RuleInstance
from trainplan.models.rules import SPECIFIC_FIRST
from trainplan.models.scenario import MONEY_SCALE, Level, Scenario, money_words
from trainplan.models.solution import SolveResult, SolveSettings, Status
from trainplan.optimizer.assign import AssignmentError
from trainplan.optimizer.budget_plan import plan_at_ceiling
from trainplan.optimizer.level_bound import LevelCeiling, hold_levels, level_ceiling
from trainplan.optimizer.model import (
    SLACK_LIMIT,
    PlanModel,
    build,
)
from trainplan.optimizer.solve import (
    NO_PRESOLVE_VARS,
    StartsHint,
    check_feasible,
    new_solver,
    roster_rows,
    solve,
    split_or_next,
)

#: Lever kinds repaired by elastic slack, in the default order of preference
#: (pull the first before the later ones).
SLACK_LEVERS = ["places", "seats", "minimum_intake", "annual_budget", "total_budget",
                "source_amount", "milestone_size", "quota", "staff", "recruits"]
#: Levers repaired by search rather than slack.
SEARCH_LEVERS = ["milestone_year", "completion_rate"]
LEVER_WORDS = {
    "places": "training places in a year", "seats": "seats in a year",
    "minimum_intake": "minimum starters per year", "annual_budget": "a year's budget ceiling",
    "total_budget": "total budget", "source_amount": "a funding source's amount",
    "milestone_size": "a milestone's size", "quota": "a quota",
    "milestone_year": "a milestone's year", "completion_rate": "a completion assumption",
    "staff": "staff per unit", "recruits": "qualified recruits a year",
}


def is_feasible(sc: Scenario, settings: SolveSettings) -> bool | None:
    """True / False when proven (on the exact model), None when there is no answer."""
    return {Status.optimal: True, Status.infeasible: False}.get(
        check_feasible(sc, settings).status)


#: Longest a single re-solve of an explanation may take, seconds (an unanswered one
#: keeps its instance in the conflict, marked not proved necessary).
EXPLAIN_SOLVE_S = 5.0


#: A per-type plan's split over the units is tried once in this many chances when
#: splits have seldom succeeded (`Switchboard._splits`).
SPLIT_RETRY = 8
#: Work the quick first try of an exact re-solve may do (`Switchboard._solve`): CP-SAT
#: deterministic seconds (about seconds of one core), so the same tries answer on every
#: run, on a loaded machine too; a wall-clock cap of WALL_CAP times as much stops a
#: try the work count misjudges.
QUICK_WORK = 0.5
WALL_CAP = 10


class NoAnswer(Exception):
    """An explanation or repair search could not finish (time limit, or a model too large)."""


# ----- irreducible conflict -------------------------------------------------------------


class Switchboard:
    """The scenario's models with a switch per rule instance, solved with chosen switches on.

    Two models: the per-type one (per-unit rules as totals, fast) and the exact one
    (`optimizer.model.unit_path`). A set of instances is infeasible when the per-type
    model proves it (a relaxation: exact), feasible when the per-type plan splits over
    the units (a plan), and otherwise decided by the exact model.

    Switches are fixed through their domains rather than passed as assumptions:
    with assumptions CP-SAT cannot presolve them away, and on a Bến Tre variant a
    one-worker assumption solve ran past 10 s where the fixed model takes 10 ms.
    """

    def __init__(self, sc: Scenario, settings: SolveSettings, seconds: float):
        self.deadline = time.monotonic() + seconds
        self.m = build(sc, switches=True)
        self.per_type = build(sc, switches=True, exact=frozenset())
        self.settings = settings
        self.solves = 0
        self.proved = ProvedSets()
        self.splits = {True: 0, False: 0}  # per-type plans that split over the units, or not
        self.skipped = 0  # split tries skipped (`_splits`)

    def infeasible(self, on: list[RuleInstance]) -> bool | None:
        """Solve with only the instances `on` enforced.

        True when proved infeasible, False when a plan exists, None when neither was
        shown within the time limit. A set inside one already solved feasible, or
        holding one already proved infeasible, is answered from that proof (`ProvedSets`).
        """
        chosen = frozenset((inst.rule, inst.key) for inst in on)
        known = self.proved.verdict(chosen)
        if known is not None:
            return known
        verdict = self._decide(chosen)
        self.proved.add(chosen, verdict)
        return verdict

    def _decide(self, chosen: frozenset[tuple[str, str]]) -> bool | None:
        """`infeasible` by solving: the per-type model first, then the exact one."""
        for m in (self.per_type, self.m):
            found = self._solve(m, chosen, quick=True) or self._solve(m, chosen)
            if found is None:
                return None  # out of time (the exact model is no easier)
            solver, code = found
            if code == cp_model.INFEASIBLE:
                return True
            if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                return None
            if m.exact:
                return False
            if self._splits(m, solver):
                return False
            # the per-type plan found does not split (or seldom does): ask the exact model
        return None

    def _splits(self, m: PlanModel, solver: cp_model.CpSolver) -> bool:
        """Whether the per-type plan found splits over the units (a plan, then).

        Only tried while it pays: a failed split costs an assignment (up to tens of
        ms) on top of the exact solve, and on the shipped Bến Tre and Huế conflicts
        about nine in ten fail (on Kon Tum's cut-places more than half succeed). After
        three failures it is tried while it succeeds at least one time in four, and
        else once in every `SPLIT_RETRY` chances. Either way the verdict is exact (the
        exact model decides).
        """
        if self.splits[False] >= 3 and 4 * self.splits[True] < self.splits[False]:
            self.skipped += 1
            if self.skipped % SPLIT_RETRY:
                return False
        try:
            roster_rows(m, solver, self.settings)
        except AssignmentError:
            self.splits[False] += 1
            return False
        self.splits[True] += 1
        return True

    def _solve(self, m: PlanModel, chosen: frozenset[tuple[str, str]], quick: bool = False
               ) -> tuple[cp_model.CpSolver, int] | None:
        """One re-solve within this explanation's time; None when none is left.

        `quick`: one worker without presolve, for at most `QUICK_WORK` (None when it did not
        answer: the caller then solves as usual). These models are small and the
        switches fixed, and presolve is most of a solve: on Huế's cut-places the exact
        model's 28 re-solves took 1.0 s quick against 4.0 s with presolve and two
        workers. Any answer it gives is as exact (a plan, or a proof there is none).
        """
        left = self.deadline - time.monotonic()
        if left <= 0:
            return None
        proto = m.model.proto
        for inst, lit in m.literals.items():
            value = 1 if (inst.rule, inst.key) in chosen else 0
            domain = proto.variables[lit.index].domain
            domain[0], domain[1] = value, value
        solver = new_solver(self.settings)
        solver.parameters.max_time_in_seconds = min(self.settings.time_limit_s,
                                                    EXPLAIN_SOLVE_S, left)
        if quick:
            solver.parameters.num_workers = 1
            solver.parameters.cp_model_presolve = False
            solver.parameters.max_deterministic_time = QUICK_WORK
            solver.parameters.max_time_in_seconds = min(WALL_CAP * QUICK_WORK, left)
        self.solves += 1
        code = solver.solve(m.model)
        if quick and code not in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.INFEASIBLE):
            return None
        return solver, code


class ProvedSets:
    """Sets of rule instances already proved feasible or infeasible, and what follows.

    Switching a rule instance off only removes constraints, so every subset of a
    feasible set is feasible and every superset of an infeasible one is infeasible:
    exact verdicts without a solve. QuickXplain proves each member of its conflict
    necessary on the way (the set it was kept against holds the rest of the conflict
    and was solved feasible), so the final necessity checks come from here.
    """

    def __init__(self) -> None:
        self.feasible: list[frozenset[tuple[str, str]]] = []
        self.infeasible: list[frozenset[tuple[str, str]]] = []

    def verdict(self, chosen: frozenset[tuple[str, str]]) -> bool | None:
        """True / False when an earlier proof decides `chosen`, else None."""
        if any(chosen >= known for known in self.infeasible):
            return True
        if any(chosen <= known for known in self.feasible):
            return False
        return None

    def add(self, chosen: frozenset[tuple[str, str]], verdict: bool | None) -> None:
        """Remember a proved verdict (an unanswered one proves nothing)."""
        if verdict is True:
            self.infeasible.append(chosen)
        elif verdict is False:
            self.feasible.append(chosen)


def _preference(inst: RuleInstance) -> tuple[int, bool]:
    return SPECIFIC_FIRST.index(inst.rule), not inst.key.endswith("/min")


def explain(sc: Scenario, settings: SolveSettings, seconds: float = 60.0) -> Explanation:
    """Find an irreducible set of rule instances that cannot all hold.

    QuickXplain (Junker, 2004): split the candidates, find which of the second
    half are needed with the first half kept, then which of the first half are
    needed with those; O(k log(n/k)) solves for a conflict of k among n. The
    result is irreducible and, among conflicts, prefers the earlier instances
    in `models.rules.SPECIFIC_FIRST` order (specific rules first). Re-solves
    share `seconds`; one unanswered (out of time) keeps instances in the
    conflict, which then still cannot hold but is reported as not proved
    irreducible.
    """
    verdict = is_feasible(sc, settings)
    if verdict is None:
        raise NoAnswer("no verdict: " + (check_feasible(sc, settings).message
                                         or "the time limit ran out; raise --time-limit"))
    if verdict:
        return Explanation(feasible=True, solves=1)
    board = Switchboard(sc, settings, seconds)
    # every instance on is the whole model: infeasible, as the verdict above proved
    candidates = sorted(board.m.instances, key=_preference)

    def quickxplain(background: list[RuleInstance], added: bool,
                    rest: list[RuleInstance]) -> list[RuleInstance]:
        if added and board.infeasible(background) is True:
            return []
        if len(rest) == 1:
            return rest
        first, second = rest[: len(rest) // 2], rest[len(rest) // 2:]
        need_second = quickxplain(background + first, bool(first), second)
        need_first = quickxplain(background + need_second, bool(need_second), first)
        return need_first + need_second

    core = quickxplain([], False, candidates)
    # An unanswered solve counts as "feasible" above, which keeps instances in the
    # conflict (it stays infeasible, perhaps not minimal); drop any proved superfluous.
    necessary: dict[RuleInstance, bool | None] = {}
    for member in list(core):
        verdict = board.infeasible([c for c in core if c is not member])
        if verdict is True:
            core.remove(member)
        else:
            necessary[member] = verdict is False
    proof = [f"without '{m.label}' the rest is feasible" if ok else
             f"without '{m.label}' the rest was not solved within the time limit"
             for m, ok in necessary.items() if m in core]
    return Explanation(feasible=False, conflict=core, proof=proof, solves=board.solves + 1,
                       irreducible=all(necessary[m] for m in core),
                       arithmetic=arithmetic(sc, core))


def arithmetic(sc: Scenario, conflict: list[RuleInstance]) -> list[str]:
    """The figures behind a conflict: starters needed against staff, course lengths."""
    keys = {(i.rule, i.key) for i in conflict}
    lines = []
    for ut in sc.unit_types:
        if ("unit_staff", ut.id) in keys or ("unit_staff", f"{ut.id}/units") in keys:
            levels = [lid for lid in ut.quotas if ("quota_met", f"{ut.id}/{lid}/min") in keys]
            if levels:
                lines.append(_staff_sum(sc, ut.id, levels))
    for inst in conflict:
        if inst.rule == "milestones":
            lines += _too_long(sc, inst.key)
    return lines


def _staff_sum(sc: Scenario, type_id: str, levels: list[str]) -> str:
    """'commune: 4 + 11 = 15 starters needed (college, university), 13 staff (...)'."""
    ut = sc.unit_type(type_id)
    needed = [sc.starters_needed(type_id, lid) for lid in levels]
    sums = " + ".join(f"{n:,}" for n in needed)
    total = f"{sums} = {sum(needed):,}" if len(needed) > 1 else sums
    rates = [f"{lid} {sc.unit_type(type_id).quotas[lid].people:,} graduates"
             + (f" at {sc.level(lid).completion_rate_percent}%"
                if sc.level(lid).completion_rate_percent < 100 else "") for lid in levels]
    return (f"{type_id}: {total} starters needed ({'; '.join(rates)}), "
            f"{ut.units * ut.staff_per_unit:,} staff ({ut.units:,} units x {ut.staff_per_unit})")


def _too_long(sc: Scenario, milestone_id: str) -> list[str]:
    """For each level a milestone counts, whether its course can end by the milestone."""
    ms = next(m for m in sc.milestones if m.id == milestone_id)
    lines = []
    for lid in dict.fromkeys(lid for _, lid in sc.milestone_pairs(ms)):
        d = sc.level(lid).duration_years
        latest = ms.by_year - d + 1
        if latest < sc.horizon.first_year:
            lines.append(f"milestone {ms.id}: a {d}-year {lid} course cannot end by "
                         f"{ms.by_year} (started in {sc.horizon.first_year}, it ends in "
                         f"{sc.horizon.first_year + d - 1})")
        else:
            lines.append(f"milestone {ms.id}: {lid} ({d} year{'s' if d > 1 else ''}) counts "
                         f"only if started by {latest}")
    return lines


# ----- repairs --------------------------------------------------------------------------


def _fmt(value: Any) -> str:
    if isinstance(value, Decimal):
        return money_words(value)
    return f"{value:,}" if isinstance(value, int) else str(value)


def _change_for(lever: Lever, sc: Scenario, slack: int) -> Change:
    """The scenario change that gives a rule instance `slack` more room."""
    steps = slack  # the model's slack is in whole units of the scenario value
    new = lever.current + lever.direction * steps
    if lever.kind == "quota":
        type_id, level_id = lever.key.split(".")[1], lever.key.split(".")[3]
        mode = sc.unit_type(type_id).quotas[level_id].mode.value
        return Change(lever.key, lever.current, {"people": new, "mode": mode},
                      f"lower the {lever.what} from {lever.current} to {new} "
                      f"(-{steps} {lever.unit})")
    sign = "+" if lever.direction > 0 else "-"
    verb = "raise" if lever.direction > 0 else "lower"
    return Change(lever.key, lever.current, new,
                  f"{verb} the {lever.what} from {_fmt(lever.current)} to {_fmt(new)} "
                  f"({sign}{_fmt(steps)} {lever.unit})", dict(lever.extra))


def apply_changes(sc: Scenario, changes: list[Change]) -> Scenario:
    """A copy of the scenario with the changes made (validated again)."""
    data = sc.model_dump()
    origins: dict = {}
    for change in changes:
        for key, value in change.overrides().items():
            apply_change(data, origins, key, value, "repair", None)
    return Scenario.model_validate(data)


def _one_less(change: Change) -> Change:
    """The same change, one unit smaller (towards the original value)."""
    if isinstance(change.new, dict):
        people = change.new["people"] + 1
        return Change(change.key, change.old, {**change.new, "people": people}, "", change.extra)
    step = 1 if change.new > change.old else -1
    return Change(change.key, change.old, change.new - step, "", change.extra)


def _verify(sc: Scenario, lever: str, changes: list[Change], settings: SolveSettings,
            cost_words: str = "", minimal: bool = True, least_proved: bool = False
            ) -> Repair:
    """The repair, checked feasible by solving the repaired scenario.

    Minimality (`minimal`): proved by `_elastic` (`least_proved`: one unit less of any
    change is below the proven least total), else by solving each change one unit less.
    """
    repaired = apply_changes(sc, changes)
    ok = is_feasible(repaired, settings) is True
    minimal_ok = False
    if ok and minimal and least_proved and all(_only_in_its_rule(c.key) for c in changes):
        minimal_ok = True
    elif ok and minimal:
        minimal_ok = all(
            is_feasible(apply_changes(sc, [*changes[:i], _one_less(c), *changes[i + 1:]]),
                        settings) is False
            for i, c in enumerate(changes) if c.new != c.old)
    return Repair(lever, changes, ok, minimal_ok, cost_words)


#: Scenario values that enter the model only through the rule instance their slack
#: relaxes (optimizer.model: places, seats, minimum intakes, budgets): the elastic
#: model with slack s then holds every plan of the scenario changed by s, so a proven
#: least slack proves one unit less infeasible. Other values (staff per unit, quotas,
#: which milestones share, source amounts, short-course values) also shape other
#: constraints or bounds: their one-unit-less scenarios are solved.
LEAST_BY_SLACK = ("capacity.starts_by_year.", "capacity.starts_per_year",
                  "capacity.seats_by_year.", "capacity.min_starts_per_year",
                  "capacity.groups.", "capacity.by_level.", "budget.total", "budget.by_year.")


def _only_in_its_rule(key: str) -> bool:
    """Whether a change's value is one of `LEAST_BY_SLACK`."""
    return key.startswith(LEAST_BY_SLACK)


def _repair_solver(settings: SolveSettings) -> cp_model.CpSolver:
    """A solver whose answer depends on the model alone.

    One worker, seed 0, and a limit in deterministic time (the time limit's seconds as
    work units): the same scenario gets the same repair whatever --seed, --workers or the
    machine's load. Wall time is capped at ten times the limit as a guard.
    """
    solver = new_solver(settings, workers=1, seed=0)
    solver.parameters.max_deterministic_time = settings.time_limit_s
    solver.parameters.max_time_in_seconds = 10 * settings.time_limit_s
    return solver


def _repair_goal_solver(m: PlanModel, settings: SolveSettings) -> cp_model.CpSolver:
    """`_repair_solver` for a goal stage of `_elastic`: without presolve on a small model.

    As in `optimizer.solve.goal_solver`: a stage hands on only its proven optimal value
    (`goal <= value`), the same whatever the search, and the last solve, which reads
    the slacks (the repair), keeps `_repair_solver` on the same model; so the repair is
    the same.
    """
    solver = _repair_solver(settings)
    if len(m.model.proto.variables) <= NO_PRESOLVE_VARS:
        solver.parameters.cp_model_presolve = False
    return solver


#: Work (CP-SAT deterministic seconds, and wall seconds) a `_zero_run` trial may take:
#: it only guides (an unanswered trial leaves its stages to be minimised as usual).
ZERO_TRIAL_WORK = 1.0


class Slack(list):
    """`_elastic`'s answer: (instance, slack) pairs, and whether their total is proved least.

    `least_proved`: every stage that set a lever's total change was proven optimal, so
    the total is the least over the elastic model's plans (a relaxation of the
    scenario with the changes made, or that scenario exactly): one unit less of any
    change is then infeasible without solving it again.
    """

    least_proved: bool = False


def _elastic(sc: Scenario, kinds: list[str], settings: SolveSettings) -> Slack | None:
    """Least slack on the given lever kinds (lexicographic: last kind first).

    Each kind's stages minimise its total slack, then its largest one. A run of stages
    whose least is zero is found first by feasibility solves (`_zero_run`); those
    stages get the constraint their solve would have given (`goal <= 0`), so the model
    of the last solve, which reads the slacks, is the same and so is the repair.
    """
    # More staff relaxes the per-type total only; the exact per-unit structure keeps the
    # staff it was built with, so that lever alone is searched per type (then verified).
    m = build(sc, elastic=frozenset(kinds), exact=frozenset() if kinds == ["staff"] else None)
    first = _first_instance_per_value(m)
    if not first:
        return None
    by_kind = [(kind, [m.slacks[i] for i in first if i.lever.kind == kind])
               for kind in reversed(kinds)]
    stages = [slacks for _, slacks in by_kind if slacks]
    proved = True
    zero_until = 0
    for at, (kind, slacks) in enumerate((k, s) for k, s in by_kind if s):
        # least total change of this lever, then spread as evenly as possible
        peak = m.model.new_int_var(0, SLACK_LIMIT, f"peak_slack[{kind}]")
        m.model.add_max_equality(peak, slacks)
        if at >= zero_until:
            # at the start, every slack at zero is the scenario itself: not all can be
            zero_until = at + _zero_run(m, stages[at:] if at else stages[:-1], settings)
        least: int | None = None  # the proven least total of this kind
        for goal in (sum(slacks), peak):
            if at < zero_until:
                m.model.add(goal <= 0)  # the least, as proved by `_zero_run`
                continue
            if goal is peak and least is not None and len(slacks) == 1:
                m.model.add(goal <= least)  # one slack: its peak is its total
                continue
            m.model.minimize(goal)
            solver = _repair_goal_solver(m, settings)
            code = solver.solve(m.model)
            if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                return None
            if goal is not peak:
                proved &= code == cp_model.OPTIMAL
                least = int(solver.value(goal)) if code == cp_model.OPTIMAL else None
            m.model.add(goal <= int(solver.value(goal)))
    m.model.clear_objective()
    solver = _repair_solver(settings)
    if solver.solve(m.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    slack = Slack((i, value) for i in first if (value := solver.value(m.slacks[i])) > 0)
    slack.least_proved = proved
    return slack


def _zero_run(m: PlanModel, stages: list[list[cp_model.IntVar]], settings: SolveSettings
              ) -> int:
    """How many of `stages` have least zero: the most first ones whose slacks can all be 0.

    A plan with those slacks at zero proves each stage's least is zero (slack is never
    negative); the count is found by bisection on copies of the model (an unanswered
    copy counts as "not zero": its stages are then minimised as usual).
    """
    low, high = 0, len(stages)  # low: known possible; high + 1: known impossible
    while low < high:
        mid = (low + high + 1) // 2
        trial = m.model.clone()
        trial.clear_objective()  # a feasibility question: any plan will do
        for var in (v for slacks in stages[:mid] for v in slacks):
            domain = trial.proto.variables[var.index].domain
            domain[0], domain[1] = 0, 0
        solver = _repair_solver(settings)
        solver.parameters.max_deterministic_time = min(ZERO_TRIAL_WORK, settings.time_limit_s)
        solver.parameters.max_time_in_seconds = min(WALL_CAP * ZERO_TRIAL_WORK,
                                                    settings.time_limit_s)
        if solver.solve(trial) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            low = mid
        else:
            high = mid - 1
    return low


def _first_instance_per_value(m: PlanModel) -> list[RuleInstance]:
    """One elastic instance per scenario value (instances of one value share its slack)."""
    seen: dict[str, RuleInstance] = {}
    for inst in m.slacks:
        seen.setdefault(inst.lever.key, inst)
    return list(seen.values())


def repair_with(sc: Scenario, kind: str, settings: SolveSettings) -> Repair | None:
    """The least change of one lever kind that makes the plan feasible, or None."""
    if kind == "milestone_year":
        return _move_milestones(sc, settings)
    if kind == "completion_rate":
        return _raise_completion(sc, settings)
    slack = _elastic(sc, [kind], settings)
    if not slack:
        return None
    changes = [_change_for(i.lever, sc, s) for i, s in slack]
    return _verify(sc, kind, changes, settings, least_proved=slack.least_proved)


def _move_milestones(sc: Scenario, settings: SolveSettings) -> Repair | None:
    """Move one milestone as little as possible later."""
    best: Repair | None = None
    for ms in sc.milestones:
        for year in range(ms.by_year + 1, sc.horizon.last_year + 1):
            change = Change(f"milestones.{ms.id}.by_year", ms.by_year, year,
                            f"move milestone {ms.id} from {ms.by_year} to {year}")
            if is_feasible(apply_changes(sc, [change]), settings):
                repair = Repair("milestone_year", [change], True, True)
                if best is None or year - ms.by_year < best.changes[0].new - best.changes[0].old:
                    best = repair
                break
    return best


def _raise_completion(sc: Scenario, settings: SolveSettings) -> Repair | None:
    """Raise assumed completion rates as little as possible (whole percent).

    One level's rate if raising one alone can do it (the smallest such raise);
    otherwise every level below 100% raised together to the least common rate.
    """
    below = [lv for lv in sc.levels if lv.completion_rate_percent < 100]
    best: Repair | None = None
    for lv in below:
        repair = _least_rate(sc, [lv], settings)
        if repair is not None and (best is None or _raised(repair) < _raised(best)):
            best = repair
    if best is None and len(below) > 1:
        best = _least_rate(sc, below, settings)
    return best


def _least_rate(sc: Scenario, levels: list[Level], settings: SolveSettings) -> Repair | None:
    """The least whole rate that makes the plan feasible, given to every level in `levels`.

    Bisection on exact verdicts; None when even 100% does not do it.
    """
    if is_feasible(apply_changes(sc, _rate_changes(levels, 100)), settings) is not True:
        return None
    low = math.floor(min(lv.completion_rate_percent for lv in levels))  # infeasible here
    high = 100
    while high - low > 1:
        mid = (low + high) // 2
        if is_feasible(apply_changes(sc, _rate_changes(levels, mid)), settings) is True:
            high = mid
        else:
            low = mid
    return Repair("completion_rate", _rate_changes(levels, high), True, True)


def _rate_changes(levels: list[Level], pct: int) -> list[Change]:
    """Each level below `pct` raised to it."""
    return [Change(f"levels.{lv.id}.completion_rate_percent", lv.completion_rate_percent, pct,
                   f"raise {lv.id} completion from {lv.completion_rate_percent}% to {pct}%")
            for lv in levels if lv.completion_rate_percent < pct]


def _raised(repair: Repair) -> Decimal:
    """Percentage points a completion repair adds, over all its levels."""
    return sum((Decimal(c.new) - Decimal(c.old) for c in repair.changes), Decimal(0))


def cheapest_combination(sc: Scenario, priority: list[str], settings: SolveSettings
                         ) -> Repair | None:
    """Changes over several levers, using later levers in `priority` as little as possible."""
    slack = _elastic(sc, priority, settings)
    if not slack:
        return None
    changes = [_change_for(i.lever, sc, s) for i, s in slack]
    return _verify(sc, "combination", changes, settings, minimal=False)


def repairs(sc: Scenario, settings: SolveSettings, levers: list[str] | None = None
            ) -> list[Repair]:
    """One repair per lever kind that can make the plan feasible on its own."""
    found = []
    present = _lever_kinds(sc)
    for kind in levers or [*SLACK_LEVERS, *SEARCH_LEVERS]:
        if kind in SLACK_LEVERS and kind not in present:
            continue  # no rule instance of the scenario has this lever: nothing to build
        repair = repair_with(sc, kind, settings)
        if repair is not None and repair.verified_feasible:
            found.append(repair)
    return found


def _lever_kinds(sc: Scenario) -> set[str]:
    """The slack lever kinds some rule instance of the scenario has.

    From the per-type model (cheap to build): the levers sit on the rules' own
    instances, which are the same whether per-unit limits are held exactly or not.
    """
    m = build(sc, elastic=frozenset(SLACK_LEVERS), exact=frozenset())
    return {inst.lever.kind for inst in m.slacks}


def overrides_yaml(base_file: str, repair: Repair,
                   explained: Sequence[tuple[str, Any]] = ()) -> dict[str, Any]:
    """A scenario file that is the explained scenario with a repair applied.

    It extends the base file with, in order, the changes that made the explained
    scenario from it (its variants, then its --set values: `explained`) and the
    repair's own changes; a later change of a key replaces an earlier one.
    """
    overrides: dict[str, Any] = {}
    repair_changes = [kv for change in repair.changes for kv in change.overrides().items()]
    for key, value in [*explained, *repair_changes]:
        overrides.pop(key, None)  # keep the order of application: last one last
        overrides[key] = value
    return {"extends": base_file, "overrides": overrides}


# ----- least budget ---------------------------------------------------------------------


def without_budget(sc: Scenario, flat_ceiling: Decimal | None = None) -> Scenario:
    """The scenario without its total budget, and one flat yearly ceiling (or none)."""
    budget = sc.budget.model_copy(update={"total": None, "per_year": flat_ceiling,
                                          "by_year": {}})
    return sc.model_copy(update={"budget": budget})


def at_least_budget(sc: Scenario, answer: BudgetAnswer, per_year: bool) -> Scenario:
    """The scenario at the budget an answer states (the plan to show for it)."""
    if per_year and answer.least_flat_ceiling is not None:
        return without_budget(sc, answer.least_flat_ceiling)
    return sc.model_copy(update={"budget": sc.budget.model_copy(
        update={"total": answer.least_total})})


def _least_cost(sc: Scenario, settings: SolveSettings) -> tuple[SolveResult, int | None]:
    """The least-cost plan of a scenario (exact, as `solve`), and its cost in model units."""
    result = solve(sc.model_copy(update={"objective": ["min_cost"]}), settings)
    cost = result.goals[0].value if result.roster is not None and result.goals else None
    return result, cost


def _spending(sc: Scenario, result: SolveResult) -> dict[int, int]:
    """Each year's spending of a plan, in model money units."""
    spent = dict.fromkeys(sc.years, 0)
    assert result.roster is not None
    for row in result.roster.rows:
        for year in range(row.year, row.graduation_year + 1):
            spent[year] += row.starts * sc.level(row.level).cost_scaled
    return spent


def _scaled_quotas(sc: Scenario, share: int) -> Scenario:
    data = sc.model_dump()
    for ut in data["unit_types"]:
        for quota in ut["quotas"].values():
            quota["people"] = math.ceil(quota["people"] * share / 100)
    return Scenario.model_validate(data)


def _verdict(result: SolveResult) -> bool | None:
    return {Status.infeasible: False, Status.optimal: True, Status.feasible: True}.get(
        result.status)


def min_budget(sc: Scenario, settings: SolveSettings, per_year: bool = False,
               shares: tuple[int, ...] = (80, 90, 100),
               progress: Callable[[str], None] | None = None) -> BudgetAnswer:
    """The least total budget (and flat yearly ceiling), and cost against quota share.

    Every figure comes from the exact model: the least total is the least-cost plan
    without the total budget; the least flat ceiling is minimised directly in whole
    steps of spending and closed, if need be, by exact feasibility verdicts
    (`_flat_ceiling`). The plan at the budget starts from the ceiling's plan.
    """
    say = progress or (lambda _: None)
    say("least total budget")
    result, least = _least_cost(_no_total(sc), settings)
    answer = BudgetAnswer(feasible=_verdict(result), proven=result.status == Status.optimal)
    if least is None:
        answer.proven = answer.feasible is False
        return answer
    answer.least_total = Decimal(least) / MONEY_SCALE
    hint = _flat_ceiling(sc, settings, answer, say) if per_year else None
    for share in shares:
        say(f"least cost at {share}% of the quotas")
        res, cost = _least_cost(_no_total(_scaled_quotas(sc, share)), settings)
        answer.curve.append((share, None if cost is None else Decimal(cost) / MONEY_SCALE))
        answer.proven &= res.status in (Status.optimal, Status.infeasible)
    say("the plan at that budget")
    at = at_least_budget(sc, answer, per_year)
    answer.plan = (plan_at_ceiling(at, settings, hint, guided=answer.proven) if per_year
                   else solve(at, settings))
    if per_year and answer.plan.roster is not None:
        answer.spending_at_flat_ceiling = {y: Decimal(v) / MONEY_SCALE
                                           for y, v in _spending(sc, answer.plan).items()}
    return answer


def _no_total(sc: Scenario) -> Scenario:
    return sc.model_copy(update={"budget": sc.budget.model_copy(update={"total": None})})


def _flat_ceiling(sc: Scenario, settings: SolveSettings, answer: BudgetAnswer,
                  say: Callable[[str], None]) -> StartsHint | None:
    """The least flat yearly ceiling (no total budget), in model money units.

    Every year's spending is a whole multiple of `step`, the greatest common divisor
    of its coefficients (`_spending_step`), so the least ceiling is one too: a ceiling
    c holds exactly the plans that the multiple of `step` at or below c holds. The
    least number of steps is minimised directly (`_least_ceiling`, one solve; measured:
    proven in 0.02-4.4 s on the shipped scenarios, where bisection over single money
    units took 22 feasibility solves and minutes near the ceiling). When that is not
    proven within the time limit, its plan at `high` still bounds it: one step less is
    tested, then bisection over multiples of `step` on exact verdicts closes the gap
    (no plan found at all: bisection as before, `_bisection_range`). Returns the
    starters of a plan at the ceiling found (for the plan shown), or None.
    """
    say("least flat yearly ceiling")
    free = without_budget(sc, None)
    found = _least_ceiling(free, settings) or _bisection_range(free, settings)
    if found is None:
        answer.proven = False
        return None
    high, low, step, starts = found
    while low < high:
        mid = max(low, high - step) if starts is not None else (low + high) // step // 2 * step
        say(f"flat yearly ceiling: between {_plain(low)} and {_plain(high)} million VND")
        verdict = is_feasible(without_budget(sc, Decimal(mid) / MONEY_SCALE), settings)
        if verdict is None:
            answer.proven = False
            break
        if verdict:
            high, starts = mid, None
        else:
            low = mid + step
    answer.least_flat_ceiling = Decimal(high) / MONEY_SCALE
    answer.flat_ceiling_bound = Decimal(low) / MONEY_SCALE
    return starts


def _bisection_range(free: Scenario, settings: SolveSettings
                     ) -> tuple[int, int, int, None] | None:
    """(high, low, 1, None) to bisect between; None: no plan.

    High: the peak spending of the least-cost plan; low: its cost spread over the
    years (a plan spending less each year would cost less in all).
    """
    plan, cost = _least_cost(free, settings)
    if cost is None or plan.roster is None:
        return None
    return max(_spending(free, plan).values()), -(-cost // len(free.years)), 1, None


def _spending_step(m: PlanModel) -> int:
    """The greatest common divisor of every year's spending coefficients (model money units)."""
    step = 0
    for year in m.scenario.years:
        step = math.gcd(step, *cp_model.FlatIntExpr(m.vars.spending(year)).coeffs)
    return step or 1


def _least_ceiling(free: Scenario, settings: SolveSettings
                   ) -> tuple[int, int, int, StartsHint | None] | None:
    """(least ceiling found, proven lower bound, step, the plan's starters) or None.

    Minimises the ceiling, in steps, over the plans without any budget: each year's
    spending <= step x k. The per-type model is solved first, a relaxation: its
    bound holds for the exact one, and its plan, if it splits over the units, is a
    plan; if it does not split, the type is held exactly and the question asked again
    (as `check_feasible` does). None when no plan is found within the time limit.

    Guided first (`optimizer.level_bound`): the per-level relaxation's proven least
    ceiling is a lower bound, so a plan at it, found with the starters per level and
    year held at the relaxation's counts, is the answer. If the model has no such plan
    (or none is found in time), the ceiling is minimised without the guide.
    """
    exact: set[str] = set()
    guide: LevelCeiling | None = None
    guided = True
    while True:
        m = build(free, exact=frozenset(exact))
        step = _spending_step(m)
        if guided and guide is None:
            guide = level_ceiling(free, step, settings)
            guided = guide is not None
        steps = m.model.new_int_var(0, SLACK_LIMIT // step, "ceiling_steps")
        if guided and guide is not None:
            hold_levels(m, guide.starts)
            m.model.add(steps == guide.steps)
        for year in free.years:
            m.model.add(m.vars.spending(year) <= step * steps)
        m.model.minimize(steps)
        solver = new_solver(settings, workers=1, seed=0)
        code = solver.solve(m.model)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if guided:
                guided = False
                continue
            return None
        more = split_or_next(m, solver, settings, exact)
        if isinstance(more, set):
            if not more:
                return None
            exact |= more
            continue
        high = step * solver.value(steps)
        low = high if code == cp_model.OPTIMAL else step * math.ceil(solver.best_objective_bound)
        starts = {c: solver.value(m.vars.start(*c)) for c in m.vars.cohorts()}
        return high, min(low, high), step, starts


def _plain(scaled: int) -> str:
    return f"{Decimal(scaled) / MONEY_SCALE:,f}"
