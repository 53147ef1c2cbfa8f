"""Re-plan the remaining years from what actually happened.

The re-plan scenario (`models.actuals.replan_scenario`) keeps the whole horizon;
the model built from it fixes every cohort that started before the re-plan year
(`optimizer.model.keep_past`), and `optimizer.solve.solve` finds the best plan for
the rest with the exact model and the scenario's goals. The original plan is
solved too, for the plan-against-actual report.
"""

from __future__ import annotations

from dataclasses import dataclass

from trainplan.models.actuals import past_problems, replan_scenario, short_past_problems
from trainplan.models.checker import Verification, Violation, verify
from trainplan.models.scenario import Scenario
from trainplan.models.solution import Roster, SolveResult, SolveSettings
from trainplan.optimizer.solve import solve_verified


@dataclass
class Replanned:
    """The original plan and the re-plan from actuals, each with its verification."""

    scenario: Scenario
    replan: Scenario
    from_year: int
    original: SolveResult
    original_check: Verification | None
    result: SolveResult
    check: Verification | None


def cohort_starts(roster: Roster | None) -> dict[tuple[str, str, int], int]:
    """Starters per (unit type, level, start year) of a roster."""
    out: dict[tuple[str, str, int], int] = {}
    for r in roster.rows if roster is not None else []:
        out[r.unit_type, r.level, r.year] = out.get((r.unit_type, r.level, r.year), 0) + r.starts
    return out


def verify_replan(sc: Scenario, result: SolveResult) -> Verification | None:
    """The checker's verdict on a re-plan's roster, plus whether it keeps the past."""
    if result.roster is None:
        return None
    check = verify(sc, result.roster, result.goals)
    check.rules_checked.append("past_kept")
    check.violations += [Violation("past_kept", msg)
                         for msg in past_problems(sc, cohort_starts(result.roster))
                         + short_past_problems(sc, result.roster)]
    return check


def replan(sc: Scenario, from_year: int, settings: SolveSettings) -> Replanned:
    """Solve the original plan and the re-plan from `from_year` (actuals already checked)."""
    original_sc = sc.model_copy(update={"actuals": None})
    original, original_check = solve_verified(original_sc, settings)
    again = replan_scenario(sc, from_year)
    result, _ = solve_verified(again, settings)
    result = _keep_agreed_plan(again, result, original)
    return Replanned(sc, again, from_year, original, original_check, result,
                     verify_replan(again, result))


def _keep_agreed_plan(again: Scenario, result: SolveResult, original: SolveResult
                      ) -> SolveResult:
    """The original plan when it is as good as the re-plan found (ties go to the agreed plan).

    When the past happened as planned, the original plan keeps it and reaches the same
    goal values (the re-plan can do no better: it has fewer choices); equally good plans
    are then not reshuffled. Exact: the checker re-computes every rule and goal value.
    """
    if original.roster is None or result.roster is None:
        return result
    if past_problems(again, cohort_starts(original.roster)) or short_past_problems(
            again, original.roster):
        return result
    if not verify(again, original.roster, result.goals).ok:
        return result
    return result.model_copy(update={"roster": original.roster})
