"""Explanations, repairs and least budgets in words (terminal) and as JSON."""

from __future__ import annotations

import shlex
from decimal import Decimal
from typing import Any

from models.loader import LoadedScenario
from optimizer.explain import LEVER_WORDS, BudgetAnswer, Explanation, Repair


def _num(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _num(v) for k, v in value.items()}
    return value


def _money(value: Decimal | None) -> str:
    return "-" if value is None else f"{value:,.3f}".rstrip("0").rstrip(".")


def conflict_text(exp: Explanation) -> str:
    """Why an infeasible plan is impossible: its conflict and how it was proved."""
    n = len(exp.conflict)
    lines = [f"Why: these {n} rules cannot all hold together:"]
    lines += [f"  {i}. {inst.label}" for i, inst in enumerate(exp.conflict, 1)]
    if exp.irreducible:
        lines.append(f"Irreducible: dropping any one of them makes the rest feasible (proved by "
                     f"re-solving without each; {exp.solves} solves in all).")
    else:
        lines.append("Together they cannot hold (proved); not every one was proved necessary "
                     f"within the time limit ({exp.solves} solves in all):")
        lines += [f"  - {p}" for p in exp.proof if "not solved" in p]
    return "\n".join(lines)


def explain_command(loaded: LoadedScenario) -> str:
    """The `trainplan explain` command line for the same scenario, variants and --set values."""
    words = ["trainplan", "explain", str(loaded.path)]
    words += [w for v in loaded.applied for w in ("--variant", v)]
    words += [w for kv in loaded.sets for w in ("--set", kv)]
    return shlex.join(words)


def explanation_text(name: str, exp: Explanation, fixes: list[Repair],
                     combo: Repair | None, priority: list[str]) -> str:
    """The conflict and its repairs in the planner's words."""
    if exp.feasible:
        return f"{name}: feasible; there is no conflict to explain."
    lines = [f"{name}: infeasible", conflict_text(exp)]
    lines.append("")
    if fixes:
        lines.append("Repairs, one lever at a time (each checked by solving the repaired plan; "
                     "'minimal' = one unit less is still infeasible):")
        for r in fixes:
            tag = "minimal" if r.minimal_checked else "feasible"
            lines.append(f"  - {LEVER_WORDS.get(r.lever, r.lever)}: {r.words} [{tag}]")
    else:
        lines.append("No single lever (budget, places, seats, milestones, quotas, completion) "
                     "repairs this plan on its own.")
    if combo is not None:
        order = " > ".join(priority)
        state = "checked feasible" if combo.verified_feasible else "NOT feasible when re-solved"
        lines.append(f"Cheapest combination (pull first: {order}): {combo.words} [{state}]")
    return "\n".join(lines)


def repair_dict(r: Repair) -> dict[str, Any]:
    """A repair as JSON-ready data."""
    return {"lever": r.lever, "words": r.words, "verified_feasible": r.verified_feasible,
            "minimal_checked": r.minimal_checked,
            "changes": [{"key": c.key, "old": _num(c.old), "new": _num(c.new),
                         "words": c.words} for c in r.changes]}


def explanation_dict(name: str, exp: Explanation, fixes: list[Repair],
                     combo: Repair | None, priority: list[str]) -> dict[str, Any]:
    """The explanation as JSON-ready data."""
    return {
        "scenario": name,
        "feasible": exp.feasible,
        "conflict": [{"rule": i.rule, "instance": i.key, "words": i.label}
                     for i in exp.conflict],
        "irreducible": exp.irreducible,
        "irreducible_proof": exp.proof,
        "solves": exp.solves,
        "repairs": [repair_dict(r) for r in fixes],
        "combination": None if combo is None else {**repair_dict(combo),
                                                    "priority": priority},
    }


def budget_text(name: str, ans: BudgetAnswer) -> str:
    """The least budget and the cost curve in words."""
    if ans.feasible is None:
        return (f"{name}: no answer within the time limit (neither a plan nor a proof that "
                "none exists); raise --time-limit.")
    if not ans.feasible:
        return f"{name}: infeasible even with unlimited money (run `trainplan explain`)."
    proof = "proven" if ans.proven else "not all proven optimal within the time limit"
    lines = [f"{name}: least total training budget {_money(ans.least_total)} million VND "
             f"({proof})"]
    if ans.least_flat_ceiling is not None:
        exact = ans.flat_ceiling_bound == ans.least_flat_ceiling
        lines.append(f"Least flat yearly ceiling (no total budget): "
                     f"{_money(ans.least_flat_ceiling)} million VND"
                     + (" (proven: any lower ceiling is infeasible)" if exact else
                        f" (feasible; the least lies between {_money(ans.flat_ceiling_bound)} "
                        "and this)"))
        lines += [f"  {y}: {_money(v)}" for y, v in ans.spending_at_flat_ceiling.items()]
    lines.append("Lowest cost by share of every quota met:")
    lines += [f"  {share:>3}%: " + ("infeasible" if cost is None else
                                    f"{_money(cost)} million VND") for share, cost in ans.curve]
    return "\n".join(lines)


def budget_dict(name: str, ans: BudgetAnswer) -> dict[str, Any]:
    """The least budget as JSON-ready data."""
    return {"scenario": name, "feasible": ans.feasible, "proven_optimal": ans.proven,
            "least_total_million_vnd": _num(ans.least_total),
            "least_flat_yearly_ceiling_million_vnd": _num(ans.least_flat_ceiling),
            "flat_yearly_ceiling_lower_bound": _num(ans.flat_ceiling_bound),
            "spending_at_flat_ceiling": {str(y): _num(v)
                                         for y, v in ans.spending_at_flat_ceiling.items()},
            "cost_by_quota_share": [{"share_percent": s, "least_cost_million_vnd": _num(c)}
                                    for s, c in ans.curve]}
