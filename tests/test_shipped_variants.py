"""Every shipped what-if variant: feasible ones solve and verify; infeasible ones
are explained by an irreducible conflict and repaired by a verified change (issue 3).

Also: each province's scenario reproduces its plan's key figures.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

import pytest
from trainplan.models.checker import Tally
from trainplan.models.loader import load_scenario
from trainplan.models.measures import long_total_cost, short_target_results
from trainplan.models.solution import Status
from trainplan.optimizer.explain import (
    SLACK_LEVERS,
    Switchboard,
    apply_changes,
    cheapest_combination,
    explain,
    repairs,
)

from tests.conftest import FAST, SCENARIOS, solve_verified

VARIANT_FILES = sorted(SCENARIOS.glob("*_variants.yaml"))
#: Every province ships these three infeasible what-ifs (issue 3).
BROKEN = ("cut-budget", "cut-places", "early-deadline")
#: Other variants that are infeasible on purpose (README's explain example).
ALSO_INFEASIBLE = {("ben_tre_variants.yaml", "low-completion")}


def _variants() -> list[tuple[str, str]]:
    return [(path.name, name) for path in VARIANT_FILES
            for name in load_scenario(path).variants]


def _infeasible(file: str, name: str) -> bool:
    return name in BROKEN or (file, name) in ALSO_INFEASIBLE


def _params(cases: list[tuple[str, str]]) -> list:
    return [pytest.param(*c, id=f"{c[0]}-{c[1]}") for c in cases]


FEASIBLE = [v for v in _variants() if not _infeasible(*v)]
INFEASIBLE = [v for v in _variants() if _infeasible(*v)]


def _load(file: str, *variants: str):
    return load_scenario(SCENARIOS / file, variants=list(variants)).scenario


def test_every_province_plan_has_a_variants_file():
    plans = [p.name for p in SCENARIOS.glob("*.yaml")
             if re.fullmatch(r".+_\d{4}_\d{4}\.yaml", p.name)]
    provinces = {re.sub(r"_\d{4}_\d{4}\.yaml$", "", name) for name in plans}
    assert provinces == {p.name.removesuffix("_variants.yaml") for p in VARIANT_FILES}
    assert {"ben_tre", "kon_tum", "thua_thien_hue", "tay_ninh"} <= provinces


@pytest.mark.parametrize("path", VARIANT_FILES, ids=lambda p: p.name)
def test_each_variants_file_has_three_feasible_and_the_three_broken(path):
    variants = load_scenario(path).variants
    assert set(BROKEN) <= set(variants)
    assert sum(not _infeasible(path.name, v) for v in variants) >= 3
    assert all(v.description and v.changes for v in variants.values())


@pytest.mark.parametrize("file, variant", _params(FEASIBLE))
def test_feasible_variant_solves_optimal_and_verifies(file, variant):
    result = solve_verified(_load(file, variant))
    assert result.status == Status.optimal, result.message


@pytest.mark.parametrize("file, variant", _params(INFEASIBLE))
def test_infeasible_variant_is_explained_by_an_irreducible_conflict(file, variant):
    sc = _load(file, variant)
    exp = explain(sc, FAST)
    assert not exp.feasible
    assert exp.conflict
    # irreducible: explain() proved each member necessary ...
    assert exp.irreducible and len(exp.proof) == len(exp.conflict)
    # ... and an independent board agrees: all together infeasible, any one dropped feasible
    board = Switchboard(sc, FAST, seconds=120)
    assert board.infeasible(exp.conflict) is True
    for member in exp.conflict:
        assert board.infeasible([c for c in exp.conflict if c != member]) is False, member.label


@pytest.mark.parametrize("file, variant", _params(INFEASIBLE))
def test_infeasible_variant_has_a_verified_priced_repair(file, variant):
    sc = _load(file, variant)
    found = repairs(sc, FAST)
    assert found, "no single-lever repair"
    combo = cheapest_combination(sc, SLACK_LEVERS, FAST)
    assert combo is not None and combo.verified_feasible
    for repair in [*found, combo]:
        assert repair.verified_feasible and repair.changes
        assert all(c.new != c.old and c.words for c in repair.changes)  # priced in words
        result = solve_verified(apply_changes(sc, repair.changes))
        assert result.status == Status.optimal, repair.words


# ----- key figures of each province's plan ----------------------------------------------


LONG = ("intermediate", "college", "university", "postgraduate")


def test_kon_tum_reproduces_its_targets():
    sc = _load("kon_tum_2021_2025.yaml")
    result = solve_verified(sc)
    assert result.status == Status.optimal
    tally = Tally(sc, result.roster)
    long_grads = sum(tally.graduates(ut.id, lv) for ut in sc.unit_types
                     for lv in LONG if lv in ut.quotas)
    assert long_grads >= 50                                        # "tối thiểu 50"
    assert all(tally.total(level="specialised", year=y) >= 3 for y in sc.years)  # "03/năm"
    assert sum(tally.graduates("health", lv) for lv in LONG[:3]) >= 5  # "05 cán bộ y tế"
    assert all(tally.total(year=y) <= 20 for y in sc.years)
    assert long_total_cost(sc, result.roster) == 3155              # long courses as before
    targets = {(r.id, r.span): r.achieved for r in short_target_results(sc, result.roster)}
    assert targets["person-times", "2021-2025"] >= 500              # "tối thiểu 500 lượt"
    assert all(targets["in-depth", str(y)] >= 3 for y in sc.years)  # "03 chỉ tiêu/năm"
    assert tally.total_cost() <= 5000
    # thousand VND: long courses 3,155 + short courses 1,187.5 (issue 12)
    assert result.goals[0].value == 4_342_500


def test_thua_thien_hue_reproduces_its_targets():
    sc = _load("thua_thien_hue_2021_2030.yaml")
    result = solve_verified(sc)
    assert result.status == Status.optimal
    tally = Tally(sc, result.roster)
    types = [ut.id for ut in sc.unit_types]
    assert sum(tally.graduates(t, lv) for t in types for lv in ("refresher", "in_depth")) == 5000
    assert sum(tally.graduates(t, "in_depth") for t in types) >= 300
    by_2025 = sum(tally.graduates(t, lv, by_year=2025) for t in types
                  for lv in ("refresher", "in_depth"))
    assert by_2025 >= 2500                                         # 50 % by 2025
    assert all(tally.total(year=y) <= 600 for y in sc.years)
    assert tally.total_cost() <= 12000


@pytest.mark.parametrize("variant, state_cap", [(None, 69157), ("small-state-share", 6000)])
def test_tay_ninh_spending_per_source_stays_within_its_amount(variant, state_cap):
    file = "tay_ninh_variants.yaml" if variant else "tay_ninh_2016_2020.yaml"
    sc = _load(file, *([variant] if variant else []))
    result = solve_verified(sc)
    assert result.status == Status.optimal
    paid: dict[str, Decimal] = defaultdict(Decimal)
    for row in result.roster.funding:
        paid[row.source] += row.amount
        if row.source == "oda":
            assert row.level in ("intermediate", "college", "refresher") and row.year >= 2017
    assert paid["state"] <= state_cap
    assert paid["oda"] <= 58038
    assert sum(paid.values()) == Tally(sc, result.roster).total_cost() == 12064
    if variant:
        assert paid["oda"] >= 12064 - 6000  # the state cannot pay it all: ODA must
