"""Explanations, repairs and least budgets in words (terminal) and as JSON."""

from __future__ import annotations

import re
import shlex
from decimal import Decimal
from typing import Any

from trainplan.models.loader import LoadedScenario
from trainplan.models.results import BudgetAnswer, Change, Explanation, Repair, RuleInstance
from trainplan.models.scenario import plain_number
from trainplan.models.solution import Status
from trainplan.reports.i18n import (
    CHANGE_TEXT,
    EXPLAIN_TEXT,
    LEVER_TEXT,
    UNIT_NOUNS,
    Lang,
    amount,
    count,
    money,
    rule_label,
    words,
)


def _num(value: Any) -> Any:
    if isinstance(value, Decimal):
        return plain_number(value)
    if isinstance(value, dict):
        return {k: _num(v) for k, v in value.items()}
    return value


def change_words(change: Change, lang: Lang = "en") -> str:
    """A change in plain words: 'raise the seats in 2014 from 40 to 48 (8 more seats)'.

    Changes of a kind this module does not know keep the optimizer's own words.
    """
    for pattern, what_en, what_vi, unit in CHANGE_TEXT:
        found = re.fullmatch(pattern, change.key)
        if found:
            what = (what_en if lang == "en" else what_vi).format(**found.groupdict())
            return _change_sentence(what, unit, change.old, change.new, lang)
    return change.words


def _change_sentence(what: str, unit: str, old: Any, new: Any, lang: Lang) -> str:
    """'raise/lower/move the WHAT from OLD to NEW (DIFF more/fewer UNIT)'."""
    if isinstance(new, dict):  # a quota: its people (its mode is unchanged)
        new = new["people"]
    if isinstance(old, dict):
        old = old["people"]
    diff = abs(Decimal(new) - Decimal(old))
    if unit == "years":
        return words(EXPLAIN_TEXT, "later", lang, what=what, old=old, new=new,
                     diff=count(diff, unit, lang))
    kind = ("raise" if new > old else "lower") + ("_money" if unit == "money" else "")
    noun = "" if unit == "money" else UNIT_NOUNS[unit][lang][0 if diff == 1 else 1]
    return words(EXPLAIN_TEXT, kind, lang, what=what, old=_figure(old, unit, lang),
                 new=_figure(new, unit, lang), unit=noun,
                 diff=money(diff, lang) if unit == "money" else amount(diff, lang))


def _figure(value: Any, unit: str, lang: Lang) -> str:
    """A scenario value as written in a repair: money with its unit, rates with %."""
    if unit == "money":
        return money(value, lang)
    return f"{amount(value, lang)}%" if unit == "percent" else amount(value, lang)


def repair_words(repair: Repair, lang: Lang = "en") -> str:
    """A repair's changes in plain words, separated by semicolons."""
    return "; ".join(change_words(c, lang) for c in repair.changes)


def _order(priority: list[str], lang: Lang) -> str:
    """The lever order in words: 'training places first, then seats, then quotas'."""
    names = [words(LEVER_TEXT, p, lang) if p in LEVER_TEXT else p for p in priority]
    if len(names) == 1:
        return words(EXPLAIN_TEXT, "only", lang, first=names[0])
    then = ", rồi đến " if lang == "vi" else ", then "
    return words(EXPLAIN_TEXT, "first_then", lang, first=names[0], rest=then.join(names[1:]))


def explanation_text(name: str, exp: Explanation, fixes: list[Repair],
                     combo: Repair | None, priority: list[str], lang: Lang = "en") -> str:
    """The conflict and its repairs in the planner's words."""
    if exp.feasible:
        return words(EXPLAIN_TEXT, "feasible", lang, name=name)
    lines = [words(EXPLAIN_TEXT, "infeasible", lang, name=name), conflict_text(exp, lang), ""]
    if fixes:
        lines.append(words(EXPLAIN_TEXT, "repairs", lang))
        for r in fixes:
            tag = words(EXPLAIN_TEXT, "minimal" if r.minimal_checked else "enough", lang)
            lever = words(LEVER_TEXT, r.lever, lang) if r.lever in LEVER_TEXT else r.lever
            lines.append(f"  - {lever}: {repair_words(r, lang)} [{tag}]")
    else:
        lines.append(words(EXPLAIN_TEXT, "no_single", lang))
    if combo is not None:
        state = words(EXPLAIN_TEXT, "checked" if combo.verified_feasible else "not_checked",
                      lang)
        lines.append(words(EXPLAIN_TEXT, "combination", lang, order=_order(priority, lang),
                           words=repair_words(combo, lang), state=state))
    return "\n".join(lines)


def conflict_text(exp: Explanation, lang: Lang = "en") -> str:
    """Why an infeasible plan is impossible: its conflict and how it was proved."""
    lines = [words(EXPLAIN_TEXT, "why", lang, n=len(exp.conflict))]
    lines += [f"  {i}. {_instance(inst, lang)}" for i, inst in enumerate(exp.conflict, 1)]
    if exp.arithmetic:
        lines.append(words(EXPLAIN_TEXT, "figures", lang))
        lines += [f"  - {line}" for line in exp.arithmetic]
    if exp.irreducible:
        lines.append(words(EXPLAIN_TEXT, "irreducible", lang, solves=exp.solves))
    else:
        lines.append(words(EXPLAIN_TEXT, "not_irreducible", lang, solves=exp.solves))
        lines += [f"  - {p}" for p in exp.proof if "not solved" in p]
    return "\n".join(lines)


def explain_command(loaded: LoadedScenario) -> str:
    """The `trainplan explain` command line for the same scenario, variants and --set values."""
    words_ = ["trainplan", "explain", str(loaded.path)]
    words_ += [w for v in loaded.applied for w in ("--variant", v)]
    words_ += [w for kv in loaded.sets for w in ("--set", kv)]
    return shlex.join(words_)


def _instance(inst: RuleInstance, lang: Lang) -> str:
    """A rule instance of the conflict: the rule's name in `lang`, then its figures."""
    return f"{rule_label(inst.rule, lang)}: {inst.text}"


def repair_dict(r: Repair) -> dict[str, Any]:
    """A repair as JSON-ready data."""
    return {"lever": r.lever, "words": repair_words(r), "verified_feasible": r.verified_feasible,
            "minimal_checked": r.minimal_checked,
            "changes": [{"key": c.key, "old": _num(c.old), "new": _num(c.new),
                         "words": change_words(c)} for c in r.changes]}


def explanation_dict(name: str, exp: Explanation, fixes: list[Repair],
                     combo: Repair | None, priority: list[str]) -> dict[str, Any]:
    """The explanation as JSON-ready data."""
    return {
        "scenario": name,
        "status": "feasible" if exp.feasible else "infeasible",
        "feasible": exp.feasible,
        "conflict": [{"rule": i.rule, "instance": i.key, "words": i.label}
                     for i in exp.conflict],
        "irreducible": exp.irreducible,
        "arithmetic": exp.arithmetic,
        "irreducible_proof": exp.proof,
        "solves": exp.solves,
        "repairs": [repair_dict(r) for r in fixes],
        "combination": None if combo is None else {**repair_dict(combo),
                                                    "priority": priority},
    }


def check_dict(name: str, status: Status) -> dict[str, Any]:
    """`check --json` when the verdict needs no explanation: feasible, or no answer.

    The keys are those `explain --json` starts with; `feasible` is null without an answer.
    """
    code = "feasible" if status in (Status.optimal, Status.feasible) else status.name
    feasible = {"feasible": True, "infeasible": False}.get(code)
    return {"scenario": name, "status": code, "feasible": feasible}


def budget_text(name: str, ans: BudgetAnswer, lang: Lang = "en") -> str:
    """The least budget and the cost curve in words."""
    if ans.feasible is None:
        return words(EXPLAIN_TEXT, "no_answer", lang, name=name)
    if not ans.feasible:
        return words(EXPLAIN_TEXT, "infeasible_always", lang, name=name)
    proof = words(EXPLAIN_TEXT, "proven" if ans.proven else "not_proven", lang)
    lines = [words(EXPLAIN_TEXT, "least_total", lang, name=name,
                   money=money(ans.least_total, lang), proof=proof)]
    if ans.least_flat_ceiling is not None:
        proven = ans.flat_ceiling_bound == ans.least_flat_ceiling
        lines.append(words(EXPLAIN_TEXT, "flat_ceiling" if proven else "flat_ceiling_open", lang,
                           money=money(ans.least_flat_ceiling, lang),
                           bound=money(ans.flat_ceiling_bound, lang)))
        lines += [f"  {y}: {money(v, lang)}" for y, v in ans.spending_at_flat_ceiling.items()]
    lines.append(words(EXPLAIN_TEXT, "curve", lang))
    lines += [f"  {share:>3}%: " + (words(EXPLAIN_TEXT, "curve_infeasible", lang)
                                    if cost is None else money(cost, lang))
              for share, cost in ans.curve]
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
