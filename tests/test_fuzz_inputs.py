"""Malformed input never ends in a traceback: the fuzzer's corpus, workbooks, properties.

Every file in tests/corpus/ once crashed trainplan, was silently misread, or
pointed at the wrong line. Each must now give exit 2 and an error that names
the file and the line (or field) where the problem was written.
"""

from __future__ import annotations

import copy
import re
import shutil
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from trainplan.cli import main
from trainplan.models.errors import ScenarioError
from trainplan.models.loader import load_scenario
from trainplan.reports.excel import write_template

from tests.conftest import SCENARIOS

CORPUS = Path(__file__).resolve().parent / "corpus"
BEN_TRE = SCENARIOS / "ben_tre_2010_2020.yaml"

#: file -> (line the error must name, words the message must hold)
EXPECTED: dict[str, tuple[int | None, list[str]]] = {
    "quota_64bit.yaml": (11, ["unit_types[t].quotas.a", "at most 100,000,000"]),
    "starts_per_year_2p63.yaml": (12, ["capacity.starts_per_year", "at most 100,000,000"]),
    "cost_too_large.yaml": (4, ["levels[a].cost_per_trainee_year", "at most"]),
    "sum_too_large.yaml": (4, ["levels[a].cost_per_trainee_year", "largest allowed"]),
    "complex_key_sequence.yaml": (12, ["a key must be a name or a number"]),
    "complex_key_mapping.yaml": (12, ["a key must be a name or a number"]),
    "recursive_alias.yaml": (1, ["alias", "inside itself"]),
    "nested_brackets.yaml": (1, ["nested deeper than"]),
    "overrides_list.yaml": (12, ["overrides", "mapping"]),
    "overrides_number.yaml": (12, ["overrides", "mapping"]),
    "variants_list.yaml": (12, ["variants", "mapping"]),
    "variants_number.yaml": (12, ["variants", "mapping"]),
    "variants_number_name.yaml": (12, ["variants", "name"]),
    "extends_nul.yaml": (1, ["extends", "control character"]),
    "python_tag.yaml": (12, ["tag"]),
    "repeated_key.yaml": (12, ["'name' given twice", "line 1"]),
    "octal_units.yaml": (9, ["unit_types[t].units", "010"]),
    "sexagesimal_units.yaml": (9, ["unit_types[t].units", "2:44"]),
    "bool_staff.yaml": (10, ["unit_types[t].staff_per_unit", "true"]),
    "unknown_quota_level.yaml": (13, ["unit_types[t].quotas.nope", "unknown level 'nope'"]),
    "unknown_milestone_level.yaml": (16, ["milestones[m].levels", "unknown level 'nope'"]),
    "unknown_milestone_unit_type.yaml": (16, ["milestones[m].unit_types",
                                              "unknown unit type 'nope'"]),
    "milestone_year_outside.yaml": (14, ["milestones[m].by_year", "outside the horizon"]),
    "vietnamese_dot_money.yaml": (13, ["budget.total", "52.5", "52500"]),
    "vietnamese_dot_people.yaml": (11, ["unit_types[t].quotas.a", "52.5", "52500"]),
    "vietnamese_dot_text.yaml": (13, ["budget.total", "52.5", "52500"]),
    "billion_laughs.yaml": (None, ["aliases"]),
    "long_label.yaml": (8, ["unit_types[t].label_en", "500 characters"]),
    "too_many_levels.yaml": (3, ["levels", "at most 100"]),
    "extends_dev_zero.yaml": (1, ["extends", "/dev/zero", "regular file"]),
    "extends_system_file.yaml": (1, ["extends", ".yaml"]),
    "extends_folder.yaml": (1, ["extends", "regular file"]),
    "control_character.yaml": (8, ["unit_types[t].label_en", "control character"]),
    "lone_surrogate.yaml": (6, ["unit_types[0].id", "surrogate"]),
}


def invoke(*args: str):
    start = time.monotonic()
    result = CliRunner().invoke(main, list(args))
    return result, time.monotonic() - start


def assert_invalid(result, seconds: float) -> str:
    """Exit 2, no traceback, quickly; returns the output."""
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert seconds < 10, f"took {seconds:.1f} s"
    return result.output


def test_every_corpus_file_has_an_expectation():
    assert sorted(p.name for p in CORPUS.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_is_a_clear_error(name):
    path = str(CORPUS / name)
    output = assert_invalid(*invoke("show", path))
    line, words = EXPECTED[name]
    if line is None:
        assert re.search(re.escape(path) + r":\d+: ", output), output
    else:
        assert f"error: {path}:{line}: " in output, output
    for word in words:
        assert word in output, output


def test_extends_never_echoes_another_files_lines():
    result, seconds = invoke("show", str(CORPUS / "extends_system_file.yaml"))
    assert "root" not in assert_invalid(result, seconds)


SETS = {
    "nested": ("name=" + "[" * 500 + "]" * 500, ["name", "nested deeper than"]),
    "alias": ("name=&a [*a]", ["name", "inside itself"]),
    "dot": ("budget.total=52.500", ["budget.total", "52.5", "52500"]),
    "64bit": ("capacity.starts_per_year=9223372036854775808",
              ["capacity.starts_per_year", "at most"]),
    "octal": ("unit_types.commune.units=0164", ["unit_types[commune].units", "0164"]),
}


@pytest.mark.parametrize("case", sorted(SETS))
def test_set_values_are_checked_like_file_values(case):
    text, words = SETS[case]
    output = assert_invalid(*invoke("show", str(BEN_TRE), "--set", text))
    assert "error: --set" in output
    for word in words:
        assert word in output, output


def test_device_and_huge_files_are_refused_quickly(tmp_path):
    assert "regular file" in assert_invalid(*invoke("show", "/dev/zero"))
    big = tmp_path / "big.yaml"
    big.write_text(BEN_TRE.read_text(encoding="utf-8") + "#" * 6_000_000, encoding="utf-8")
    output = assert_invalid(*invoke("show", str(big)))
    assert f"error: {big}: " in output and "5 MB" in output


def test_money_keeps_every_digit_written(tmp_path):
    path = tmp_path / "plan.yaml"
    text = BEN_TRE.read_text(encoding="utf-8").replace("total: 52500 ",
                                                      "total: 10000000000000.001 ")
    path.write_text(text, encoding="utf-8")
    assert load_scenario(path).scenario.budget.total == Decimal("10000000000000.001")


def test_people_largest_allowed_value_loads(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text((CORPUS / "quota_64bit.yaml").read_text(encoding="utf-8")
                    .replace("1000000000000000", "100000000"), encoding="utf-8")
    assert load_scenario(path).scenario.unit_types[0].quotas["a"].people == 100_000_000


# ----- workbooks ------------------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "plan.xlsx"
    write_template(path, load_scenario(BEN_TRE).scenario)
    return path


def edited(template: Path, tmp_path: Path, cells: dict, drop: tuple[str, ...] = ()) -> str:
    copy_path = tmp_path / "edited.xlsx"
    shutil.copy(template, copy_path)
    wb = load_workbook(copy_path)
    for (sheet, cell), value in cells.items():
        wb[sheet][cell] = value
    for sheet in drop:
        del wb[sheet]
    wb.save(copy_path)
    return str(copy_path)


WORKBOOK_CASES = {
    "vietnamese dot": ({("budget", "B2"): "52.500"},
                       ["sheet 'budget', cell B2", "budget.total", "52.5", "52500"]),
    "repeated column": ({("levels", "H1"): "duration_years"},
                        ["sheet 'levels', cell H1", "cell D1", "duration_years"]),
    "far cell": ({("levels", "XFD1048576"): 1}, ["sheet 'levels'", "XFD1048576"]),
    "unknown milestone level": ({("milestones", "E3"): "nope"},
                                ["sheet 'milestones', cell E3", "unknown level 'nope'"]),
}


@pytest.mark.parametrize("case", sorted(WORKBOOK_CASES))
def test_workbook_mistakes_name_sheet_and_cell(template, tmp_path, case):
    cells, words = WORKBOOK_CASES[case]
    path = edited(template, tmp_path, cells)
    output = assert_invalid(*invoke("show", path))
    assert f"error: {path}, sheet '" in output
    for word in words:
        assert word in output, output


def test_workbook_with_a_sheet_cut_in_half_names_the_sheet(template, tmp_path):
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet4.xml":
                data = data[: len(data) // 2]
            dst.writestr(info, data)
    output = assert_invalid(*invoke("show", str(broken)))
    assert f"error: {broken}, sheet 'levels'" in output


@pytest.mark.parametrize(("sheet", "words"), [("budget", "training money is not limited"),
                                              ("capacity", "places and seats are not limited")])
def test_a_deleted_limit_sheet_is_a_warning(template, tmp_path, sheet, words):
    path = edited(template, tmp_path, {}, drop=(sheet,))
    loaded = load_scenario(path)
    assert any(words in str(w) and f"sheet '{sheet}'" in str(w) for w in loaded.warnings)


# ----- properties ------------------------------------------------------------------

BEN_TRE_DATA = yaml.safe_load(BEN_TRE.read_text(encoding="utf-8"))


def _paths(node, prefix=()):
    """Every path to a leaf value of the scenario data."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*prefix, i))
    else:
        yield prefix


LEAVES = sorted(_paths(BEN_TRE_DATA), key=str)
ODD_VALUES = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([True, False, None, 0, -1, 2**63, 2**64, 1e308, -0.5, "52.500", "",
                     "x" * 600, "A\x01", "\ud800", [], {}, [1, 2], {"a": 1}]),
    st.decimals(allow_nan=False, allow_infinity=False, places=4).map(str),
    st.text(max_size=20),
)


def _put(data, path, value):
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=st.lists(st.tuples(st.sampled_from(LEAVES), ODD_VALUES), min_size=1,
                        max_size=3))
def test_mutated_ben_tre_loads_or_is_a_scenario_error(tmp_path_factory, changes):
    data = copy.deepcopy(BEN_TRE_DATA)
    for path, value in changes:
        _put(data, path, value)
    path = tmp_path_factory.mktemp("fuzz") / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        load_scenario(path)
    except ScenarioError as exc:
        assert all(str(path) in str(p) for p in exc.problems)
