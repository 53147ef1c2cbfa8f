"""What the planner's questions return, as plain data: no solver objects.

Rule instances and their levers, explanations, repairs, least-budget answers and
compared scenarios are built by `optimizer` and read by `reports`; keeping them
here lets the reports read them without importing the optimizer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from trainplan.models.checker import Verification
from trainplan.models.rules import RULES
from trainplan.models.scenario import Scenario
from trainplan.models.solution import SolveResult


@dataclass(frozen=True)
class Lever:
    """The scenario value behind a rule instance, which a planner could change.

    `key` is the dotted key of the value (as `--set` takes it); `current` its value
    in scenario units; `scale` model units per scenario unit; `direction` +1 when
    raising the value relaxes the rule (a ceiling), -1 when lowering it does (a
    requirement); `unit` names the scenario unit for messages.
    """

    kind: str
    key: str
    current: Decimal | int
    direction: int
    scale: int
    unit: str
    what: str
    extra: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class RuleInstance:
    """One constraint of one rule, e.g. the ceiling of one year."""

    rule: str
    key: str
    text: str
    lever: Lever | None = None

    @property
    def label(self) -> str:
        """The rule's label and this instance's words."""
        return f"{RULES[self.rule].label}: {self.text}"


@dataclass
class Explanation:
    """An irreducible conflict, with the re-solves that prove it."""

    feasible: bool
    conflict: list[RuleInstance] = field(default_factory=list)
    proof: list[str] = field(default_factory=list)
    solves: int = 0
    #: Whether every member was proved necessary (False: some re-solve ran out of time;
    #: the conflict still cannot hold, but may not be the smallest).
    irreducible: bool = True
    #: The figures that make the conflict, in words ("4 + 11 = 15 starters needed, 13 staff").
    arithmetic: list[str] = field(default_factory=list)


@dataclass
class Change:
    """One scenario value changed by a repair."""

    key: str
    old: Any
    new: Any
    words: str
    extra: dict[str, Any] = field(default_factory=dict)

    def overrides(self) -> dict[str, Any]:
        """Dotted-key overrides that make this change."""
        return {self.key: self.new, **self.extra}


@dataclass
class Repair:
    """A set of changes that makes the plan feasible, checked by solving it."""

    lever: str
    changes: list[Change]
    verified_feasible: bool
    minimal_checked: bool
    cost_words: str = ""

    @property
    def words(self) -> str:
        """The repair in the planner's words."""
        return "; ".join(c.words for c in self.changes)


@dataclass
class BudgetAnswer:
    """The least money for which the plan is feasible.

    `feasible` is None when there is no answer (time limit, or a model too large).
    With `proven` false, `least_total` is the cost of a plan found (not proven least)
    and `least_flat_ceiling` a ceiling that is feasible, with `flat_ceiling_bound` the
    highest ceiling proved infeasible plus one step (the true least lies between).
    """

    feasible: bool | None
    least_total: Decimal | None = None
    least_flat_ceiling: Decimal | None = None
    flat_ceiling_bound: Decimal | None = None
    spending_at_flat_ceiling: dict[int, Decimal] = field(default_factory=dict)
    curve: list[tuple[int, Decimal | None]] = field(default_factory=list)
    proven: bool = True
    #: The plan at the budget stated (`at_least_budget`), solved for the scenario's goals.
    plan: SolveResult | None = None


@dataclass
class Compared:
    """One scenario of a comparison: what was loaded, solved and verified."""

    label: str
    scenario: Scenario
    result: SolveResult
    check: Verification | None


@dataclass(frozen=True)
class FrontierPoint:
    """The least value of one key that is feasible, the other keys held at `others`."""

    others: tuple[tuple[str, str], ...]
    least: str | None
    cost: str | None


