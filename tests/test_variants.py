"""Scenario composition: extends, overrides, named variants, --set, and `show`."""

from __future__ import annotations

import pytest
import yaml
from click.testing import CliRunner
from trainplan.cli import main
from trainplan.models.errors import ScenarioError
from trainplan.models.loader import load_scenario

from tests.conftest import SCENARIOS, tiny

VARIANTS = SCENARIOS / "ben_tre_variants.yaml"


def write(path, data) -> str:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return str(path)


@pytest.fixture
def base(tmp_path):
    return write(tmp_path / "base.yaml", tiny(budget={"total": 500, "by_year": {2021: 50}}))


def test_extends_merges_nested_keys_and_replaces_lists(tmp_path, base):
    child = write(tmp_path / "child.yaml", {
        "extends": "base.yaml", "name": "child",
        "budget": {"per_year": 80},                      # nested: merged with total
        "milestones": [{"id": "m", "by_year": 2024, "people": 1}],
    })
    sc = load_scenario(child).scenario
    assert sc.name == "child"
    assert (sc.budget.total, sc.budget.per_year) == (500, 80)
    assert sc.budget.by_year == {2021: 50}
    assert [m.id for m in sc.milestones] == ["m"]


def test_overrides_address_list_items_by_id_and_year_keys(tmp_path, base):
    child = write(tmp_path / "child.yaml", {"extends": "base.yaml", "overrides": {
        "levels.B.duration_years": 3,
        "budget.by_year.2022": 70,
        "unit_types.commune.quotas": {"A": {"at_least": 1}},  # mapping merges into quotas
    }})
    sc = load_scenario(child).scenario
    assert sc.level("B").duration_years == 3
    assert sc.budget.by_year == {2021: 50, 2022: 70}
    quotas = sc.unit_type("commune").quotas
    assert (quotas["A"].people, quotas["A"].mode, quotas["B"].people) == (1, "at_least", 2)


def test_lists_given_as_values_replace_whole(tmp_path, base):
    sc = load_scenario(base, sets=["objective=[min_cost]"]).scenario
    assert sc.objective == ["min_cost"]


def test_variants_apply_in_order_and_set_comes_last():
    loaded = load_scenario(VARIANTS, variants=["less-money", "tight-years"],
                           sets=["budget.total=41000"])
    assert loaded.scenario.budget.total == 41000
    assert loaded.scenario.budget.per_year == 4000
    assert loaded.scenario.horizon.first_year == 2010  # from the base file


@pytest.mark.parametrize("key, words", [
    ("budget.totl=5", "unknown key 'totl'"),
    ("levels.masters.duration_years=2", "no item with id 'masters'"),
    ("horizon.first_year.x=2", "holds a value, not fields"),
])
def test_unknown_keys_are_errors_naming_key_and_file(base, key, words):
    with pytest.raises(ScenarioError) as err:
        load_scenario(base, sets=[key])
    assert words in str(err.value)
    assert "--set" in str(err.value)


def test_unknown_key_in_a_variant_names_its_file_and_line(tmp_path, base):
    child = write(tmp_path / "child.yaml", {"extends": "base.yaml", "variants": {
        "v": {"description": "typo", "set": {"capacity.start_per_year": 3}}}})
    with pytest.raises(ScenarioError) as err:
        load_scenario(child, variants=["v"])
    text = str(err.value)
    assert "child.yaml:" in text and "capacity.start_per_year" in text


def test_unknown_variant_lists_the_known_ones():
    with pytest.raises(ScenarioError, match=r"unknown variant .nope.*less-money"):
        load_scenario(VARIANTS, variants=["nope"])


def test_a_bad_value_from_an_override_points_at_the_override(tmp_path, base):
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.yaml\noverrides:\n  levels.B.duration_years: three\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(child)
    assert f"{child}:3: levels[B].duration_years" in str(err.value)


def test_extends_in_a_circle_is_an_error(tmp_path):
    write(tmp_path / "a.yaml", {"extends": "b.yaml"})
    write(tmp_path / "b.yaml", {"extends": "a.yaml"})
    with pytest.raises(ScenarioError, match="circle"):
        load_scenario(tmp_path / "a.yaml")


def test_show_prints_the_effective_scenario():
    result = CliRunner().invoke(main, ["show", str(VARIANTS), "--variant", "late-deadline",
                                       "--set", "budget.total=45000"])
    assert result.exit_code == 0, result.output
    body = result.stdout[result.stdout.index("name:"):]
    shown = yaml.safe_load(body)
    assert shown["budget"]["total"] == 45000
    assert shown["milestones"][0]["by_year"] == 2017
    assert shown["objective"] == ["min_cost", "smooth_intake", "earliest_completion"]  # default
    assert "# variants applied: late-deadline" in result.output
    assert "# scenario hash: " in result.output


def test_solve_with_a_variant_uses_it():
    result = CliRunner().invoke(main, ["check", str(VARIANTS), "--variant", "low-completion"])
    assert result.exit_code == 3


def test_a_warning_from_a_base_file_names_the_base_file_and_line():
    loaded = load_scenario(SCENARIOS / "ben_tre_variants.yaml")
    [warning] = loaded.warnings
    assert warning.file.endswith("ben_tre_2010_2020.yaml")
    base_lines = (SCENARIOS / "ben_tre_2010_2020.yaml").read_text(encoding="utf-8").splitlines()
    assert "stated_minimum_per_unit" in base_lines[warning.line - 1]
