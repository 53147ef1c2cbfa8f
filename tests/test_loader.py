"""Loading: consistency warnings, integer scaling, overflow guard, generated ids."""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml
from trainplan.models.errors import ScenarioError
from trainplan.models.loader import load_scenario
from trainplan.models.solution import Status

from tests.conftest import scenario, solve_verified, tiny


def load(tmp_path, data):
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_scenario(path)


def test_levels_not_adding_up_to_stated_totals_warn_with_both_numbers(tmp_path):
    loaded = load(tmp_path, tiny(stated_total_people=5, stated_level_totals={"A": 3}))
    text = " | ".join(str(w) for w in loaded.warnings)
    assert "the plan states 5 people but its table sums to 4" in text
    assert "stated_level_totals.A: the plan states 3 but the unit types sum to 2" in text


def test_per_level_people_not_matching_units_times_staff_warns(tmp_path):
    data = tiny()
    data["unit_types"][0]["quotas"] = {"A": 2, "B": 3}
    text = " | ".join(str(w) for w in load(tmp_path, data).warnings)
    assert "per-level people 2+3=5 but 3 units x 2 staff = 6" in text


def test_budgets_of_a_trillion_vnd_work():
    sc = scenario(tiny(budget={"total": 1_000_000, "per_year": 1_000_000}))  # 1e12 VND
    assert solve_verified(sc).status == Status.optimal


def test_a_cost_too_large_for_exact_sums_names_the_largest_allowed(tmp_path):
    data = tiny()
    data["unit_types"][0]["units"] = 100_000
    data["unit_types"][0]["staff_per_unit"] = 100_000_000
    data["levels"][0]["cost_per_trainee_year"] = 1000
    with pytest.raises(ScenarioError) as info:
        load(tmp_path, data)
    message = str(info.value)
    assert "plan.yaml:" in message and "levels[A].cost_per_trainee_year" in message
    allowed = message.split("the largest allowed here is ")[1].split(" million VND")[0]
    data["levels"][0]["cost_per_trainee_year"] = allowed.replace(",", "")
    load(tmp_path, data)  # the largest allowed value loads
    data["levels"][0]["cost_per_trainee_year"] = str(Decimal(allowed.replace(",", "")) +
                                                     Decimal("0.001"))
    with pytest.raises(ScenarioError, match="too large to keep the plan's sums exact"):
        load(tmp_path, data)


def test_too_many_units_for_exact_sums_names_the_units(tmp_path):
    data = tiny()
    data["unit_types"][0]["units"] = 100_000
    data["unit_types"][0]["staff_per_unit"] = 100_000_000
    for level in data["levels"]:
        level["cost_per_trainee_year"] = 1000
    with pytest.raises(ScenarioError) as info:
        load(tmp_path, data)
    message = str(info.value)
    assert "unit_types[commune].units: 100,000 units of 100,000,000 staff is too many" in message
    allowed = int(message.split("the largest allowed here is ")[1].replace(",", ""))
    data["unit_types"][0]["units"] = allowed
    load(tmp_path, data)
    data["unit_types"][0]["units"] = allowed + 1
    with pytest.raises(ScenarioError, match="to keep the plan's sums exact"):
        load(tmp_path, data)


def test_every_figure_has_a_largest_value(tmp_path):
    data = tiny(capacity={"starts_per_year": 2**63}, budget={"total": 10**16})
    with pytest.raises(ScenarioError) as info:
        load(tmp_path, data)
    message = str(info.value)
    assert "capacity.starts_per_year: 9223372036854775808 is too large: at most 100,000,000" \
        in message
    assert "budget.total: 10000000000000000 is too large: at most 1,000,000,000,000,000" \
        in message


def test_generated_and_listed_unit_ids():
    assert scenario(tiny()).unit_types[0].unit_ids == ["commune-001", "commune-002",
                                                       "commune-003"]
    data = tiny()
    data["unit_types"][0]["unit_list"] = [{"id": "an-hiep"}, {"id": "an-thoi"}]
    with pytest.raises(ValueError, match="names 2 units but units says 3"):
        scenario(data)


def test_fractional_costs_and_rates_stay_exact():
    data = tiny()
    data["levels"][0]["cost_per_trainee_year"] = "12.3450"  # 12.345 alone is ambiguous
    data["levels"][0]["completion_rate_percent"] = "36.67"
    sc = scenario(data)
    assert sc.level("A").cost_scaled == 12345
    assert sc.level("A").rate_scaled == 3667
    assert sc.starters_needed("commune", "A") == 6  # 2 / 0.3667 = 5.45 -> 6


@pytest.mark.parametrize(("where", "key", "value"), [
    ("unit_types", "units", 0), ("unit_types", "units", 100_001),
    ("unit_types", "staff_per_unit", 0), ("unit_types", "max_in_training_per_unit", 0),
    ("unit_types", "staff_per_unit", True), ("levels", "duration_years", 0),
    ("levels", "duration_years", 11), ("levels", "completion_rate_percent", 0),
    ("levels", "completion_rate_percent", "100.01"), ("levels", "cost_per_trainee_year", -1),
    ("levels", "label_en", "x" * 501), ("levels", "id", ""),
])
def test_every_bound_holds(where, key, value):
    data = tiny()
    data[where][0][key] = value
    with pytest.raises(ValueError, match=key):
        scenario(data)


def test_share_percent_bound_holds():
    with pytest.raises(ValueError, match="share_percent"):
        scenario(tiny(milestones=[{"id": "m", "by_year": 2022, "share_percent": 0}]))


def test_a_source_too_large_for_exact_sums_names_the_largest_allowed(tmp_path):
    """Issue 9 item 15: a source of 10^15 million VND once made the model invalid, silently."""
    data = tiny(budget={"sources": [{"id": "state", "amount": 10**15}]})
    with pytest.raises(ScenarioError) as info:
        load(tmp_path, data)
    message = str(info.value)
    assert "budget.sources[state].amount: 1,000,000,000,000,000 million VND is too large" \
        in message
    allowed = Decimal(message.split("the largest allowed here is ")[1].split(" ")[0])
    data["budget"]["sources"][0]["amount"] = str(allowed)
    load(tmp_path, data)
    data["budget"]["sources"][0]["amount"] = str(allowed + Decimal("0.001"))
    with pytest.raises(ScenarioError, match="too large to keep the plan's sums exact"):
        load(tmp_path, data)


def test_computed_three_decimal_money_revalidates():
    """1.125 held as a number (a workbook cell, a repair) is not Vietnamese text: no doubt."""
    data = tiny()
    data["levels"][0]["cost_per_trainee_year"] = 1.125
    data["budget"] = {"by_year": {2020: Decimal("250.125")}}
    sc = scenario(data)
    assert scenario(sc.model_dump()).budget.by_year[2020] == Decimal("250.125")


def test_a_level_group_names_known_levels_and_a_unique_id(tmp_path):
    groups = [{"id": "g", "levels": ["A", "X"], "starts_per_year": 1},
              {"id": "g", "levels": ["A"], "starts_per_year": 1}]
    path = tmp_path / "groups.yaml"
    path.write_text(yaml.safe_dump(tiny(capacity={"groups": groups})))
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    text = str(err.value)
    assert "capacity.groups[g].levels[1]: unknown level 'X' (known: A, B)" in text
    assert "group id 'g' given twice" in text
