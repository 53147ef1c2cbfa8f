"""One place per rule and goal: every declaration in models.rules has all its parts.

A declared rule needs a model function (optimizer.model.RULE_REGISTRY), a checker
function (models.checker.CHECKS), a row of the rule test table (tests/test_rules.py)
and a Vietnamese label; nothing may be registered that is not declared. The same
for goals. README's rule table is the declarations' table.
"""

from __future__ import annotations

import pytest
from trainplan.models.checker import CHECKS, GOAL_CHECKS
from trainplan.models.rules import (
    GOALS,
    RULES,
    SPECIFIC_FIRST,
    TABLE_END,
    TABLE_START,
    rule_table,
    with_rule_table,
)
from trainplan.optimizer.explain import SLACK_LEVERS
from trainplan.optimizer.model import GOAL_REGISTRY, RULE_REGISTRY, build
from trainplan.reports.i18n import GOAL_WORDS, rule_label, t

from tests.conftest import ROOT, scenario
from tests.test_rules import CASES, GOAL_CASES

RULE_PARTS = {
    "model function (optimizer.model.RULE_REGISTRY)": RULE_REGISTRY,
    "checker function (models.checker.CHECKS)": CHECKS,
    "row of the rule test table (tests/test_rules.py CASES)": CASES,
}
GOAL_PARTS = {
    "model function (optimizer.model.GOAL_REGISTRY)": GOAL_REGISTRY,
    "checker function (models.checker.GOAL_CHECKS)": GOAL_CHECKS,
    "row of the goal test table (tests/test_rules.py GOAL_CASES)": GOAL_CASES,
}


def missing_parts(declared: dict, parts: dict[str, dict]) -> list[str]:
    """What is missing or undeclared: 'rule x has no checker function', 'y is not declared'."""
    out = [f"{name} has no {part}" for name in declared for part, found in parts.items()
           if name not in found]
    out += [f"{name} in the {part} is not declared in models.rules"
            for part, found in parts.items() for name in found if name not in declared]
    return out


def test_every_declared_rule_has_a_model_function_a_check_and_a_test_row():
    assert missing_parts(RULES, RULE_PARTS) == []


def test_every_declared_goal_has_a_model_function_a_check_and_a_test_row():
    assert missing_parts(GOALS, GOAL_PARTS) == []


def test_the_guard_names_what_a_new_rule_lacks():
    declared = {**RULES, "new_rule": RULES["seats"]}
    assert missing_parts(declared, RULE_PARTS) == [
        f"new_rule has no {part}" for part in RULE_PARTS]
    assert missing_parts(RULES, {"checker": {**CHECKS, "stray": CHECKS["seats"]}}) == [
        "stray in the checker is not declared in models.rules"]


@pytest.mark.parametrize("rule", sorted(RULES))
def test_every_rule_has_both_labels_and_reports_use_them(rule):
    info = RULES[rule]
    assert info.label and info.label_vi and info.statement
    assert info.label_vi != info.label
    assert rule_label(rule, "vi") == info.label_vi
    assert rule_label(rule, "en") == info.label


@pytest.mark.parametrize("goal", sorted(GOALS))
def test_every_goal_has_both_labels_and_reports_use_them(goal):
    info = GOALS[goal]
    assert info.label and info.label_vi and info.meaning and info.unit
    assert info.label_vi != info.label and info.words_vi != info.words
    assert t(f"goal_{goal}", "vi") == info.label_vi
    assert GOAL_WORDS[goal] == {"en": info.words, "vi": info.words_vi}


def test_explain_order_is_a_ranking_of_every_rule():
    assert sorted(SPECIFIC_FIRST) == sorted(RULES)
    ranks = [info.specific for info in RULES.values()]
    assert len(set(ranks)) == len(ranks), "two rules share a place in explain's ordering"


@pytest.mark.parametrize("rule", sorted(RULES))
def test_rule_instances_offer_only_the_declared_lever(rule):
    declared = RULES[rule].lever
    assert declared is None or declared in SLACK_LEVERS
    for data in CASES[rule]:
        instances = [i for i in build(scenario(data)).instances if i.rule == rule]
        kinds = {i.lever.kind for i in instances if i.lever is not None}
        assert kinds <= ({declared} if declared else set()), (rule, kinds)


def test_readme_rule_table_is_the_declarations():
    readme = (ROOT / "README.md").read_text("utf-8")
    assert with_rule_table(readme) == readme, (
        "README's rule table is stale: run `python -m trainplan.models.readme README.md`")
    assert rule_table() in readme
    for r in RULES.values():
        assert f"| `{r.id}` | {r.label_vi} | {r.statement} |" in readme


def test_the_generated_table_is_replaced_whole():
    text = f"intro\n{TABLE_START}\n| old |\n{TABLE_END}\nrest"
    assert with_rule_table(text) == f"intro\n{TABLE_START}\n{rule_table()}\n{TABLE_END}\nrest"
