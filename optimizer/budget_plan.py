"""The plan shown at the least flat yearly ceiling (`min-budget --per-year`).

At its least ceiling a scenario's plan model has little room, and its goal stages and
tie-break can run to the time limit without a proof (Bến Tre: 60 s each). The
per-level relaxation (`optimizer.level_bound.best_counts`) knows the answer's shape:
when it has one lexicographic optimum, the scenario is solved with each level's places
in each start year capped at its counts. That plan is taken only if proven optimal
with the per-level goal values: those bound every plan's values from below, so they
are the optimum, and every optimal plan has those counts (the only ones reaching
them), so the caps removed no optimal plan.

Among plans tied on the tie-break the capped model may pick another than the
scenario's own solve (Thừa Thiên Huế has such ties). So the scenario's own tie-break
is run too, at those goal values, exactly as `optimizer.solve` runs it (same model,
one worker, its fixed seed, no hint), under a deterministic work limit
(`OWN_TIE_BREAK_WORK`): proven within it, its plan is the one `solve` returns;
otherwise the capped plan is shown (proven optimal too, one of the tied plans), the
same on every run since the limit counts work, not seconds.
"""

from __future__ import annotations

from ortools.sat.python import cp_model
from trainplan.models.scenario import Scenario
from trainplan.models.solution import GoalResult, SolveResult, SolveSettings, Status
from trainplan.optimizer.level_bound import best_counts, capped_at
from trainplan.optimizer.model import GOAL_REGISTRY, build, canonical_order
from trainplan.optimizer.solve import (
    Staged,
    StartsHint,
    _solved,
    solve,
    split_or_next,
    tie_break_solver,
)

#: CP-SAT deterministic time (about seconds of one core) the scenario's own tie-break
#: may take before the capped plan is shown instead. Measured: Thừa Thiên Huế's
#: proves in 0.0009 (0.02 s); Bến Tre's finds no proof in 60 s of wall time.
OWN_TIE_BREAK_WORK = 0.1


def plan_at_ceiling(at: Scenario, settings: SolveSettings, hint: StartsHint | None,
                    guided: bool = True) -> SolveResult:
    """The scenario's goals solved at its least flat ceiling (`at` holds it).

    `guided` False: solved as it is. min-budget passes False when the ceiling is not
    proven (Bình Thuận: its level counts do not fit the units, and the capped solve
    ran its stages to the time limit before the scenario's own, doubling the time).
    """
    best = best_counts(at, settings) if guided else None
    if best is not None:
        counts, values = best
        capped = solve(capped_at(at, counts), settings, hint=hint)
        if capped.status == Status.optimal and {g.name: g.value for g in capped.goals} == values:
            return own_tie_break(at, settings, capped.goals) or capped
    return solve(at, settings, hint=hint)


def own_tie_break(sc: Scenario, settings: SolveSettings, goals: list[GoalResult]
                  ) -> SolveResult | None:
    """`solve`'s tie-break at proven goal values, if proven within the work limit.

    The model is built as `optimizer.solve._stages` leaves it for its tie-break:
    the goals' expressions in order, each held at its value, the tie-break
    minimised; types whose plan does not split are held exactly as `solve` does.
    """
    exact: set[str] = set()
    while True:
        m = build(sc, exact=frozenset(exact))
        stages = [GOAL_REGISTRY[g.name](m) for g in goals]
        tie_break = canonical_order(m)
        for expr, goal in zip(stages, goals, strict=True):
            m.model.add(expr <= goal.value)
        m.model.minimize(tie_break)
        solver = tie_break_solver(m, settings)
        solver.parameters.max_deterministic_time = OWN_TIE_BREAK_WORK
        if solver.solve(m.model) != cp_model.OPTIMAL:
            return None
        rows = split_or_next(m, solver, settings, exact)
        if isinstance(rows, set):
            if not rows:
                return None
            exact |= rows
            continue
        return _solved(m, Staged(goals, solver, True, 0.0, solver.wall_time), rows, settings)
