"""What solve writes and tells a budget officer (issue 9: items 1, 7-10, 15, 18, 19)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import matplotlib
import openpyxl
import pytest
import yaml
from click.testing import CliRunner
from matplotlib.figure import Figure
from matplotlib.text import Text
from trainplan import cli
from trainplan.cli import main
from trainplan.models.solution import ROSTER_COLUMNS
from trainplan.reports import charts
from trainplan.reports.charts import CHARTS, STYLE

from tests.conftest import SCENARIOS, scenario, solve_verified, tiny

BEN_TRE = str(SCENARIOS / "ben_tre_2010_2020.yaml")
TAY_NINH = str(SCENARIOS / "tay_ninh_2016_2020.yaml")


def run(*args: str):
    return CliRunner().invoke(main, [*args, "--time-limit", "120"])


def write(tmp_path: Path, data: dict | str, name: str = "plan.yaml") -> str:
    path = tmp_path / name
    text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False,
                                                             allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def ben_tre_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("ben_tre")
    result = run("solve", BEN_TRE, "--out", str(out / "out"), "--xlsx", str(out / "plan.xlsx"))
    assert result.exit_code == 0, result.output
    return out, result.output


@pytest.fixture(scope="module")
def tay_ninh_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("tay_ninh")
    result = run("solve", TAY_NINH, "--out", str(out / "out"), "--xlsx", str(out / "plan.xlsx"))
    assert result.exit_code == 0, result.output
    return out, result.output


# ----- item 1: every figure of summary.json in the unit it states --------------------


def test_summary_money_is_in_million_vnd(ben_tre_out):
    out, _ = ben_tre_out
    summary = json.loads((out / "out" / "summary.json").read_text())
    cost = next(g for g in summary["goals"] if g["name"] == "min_cost")
    assert cost["value"] == 37640
    assert cost["bound"] == 37640
    assert cost["unit"] == "million VND"
    assert summary["total_cost_million_vnd"] == 37640
    roster_cost = sum(Decimal(line.split(",")[-1]) for line in
                      (out / "out" / "roster.csv").read_text().splitlines()[1:])
    assert roster_cost == 37640


def test_summary_money_is_decimal_exact(tmp_path):
    levels = [{"id": "A", "label_vi": "A", "label_en": "A", "duration_years": 1,
               "cost_per_trainee_year": "10000000000.001"}]
    data = tiny(levels=levels, unit_types=[
        {"id": "c", "label_vi": "c", "label_en": "c", "units": 1, "staff_per_unit": 1,
         "quotas": {"A": 1}}])
    out = tmp_path / "out"
    result = run("solve", write(tmp_path, data), "--out", str(out))
    assert result.exit_code == 0, result.output
    text = (out / "summary.json").read_text()
    assert '"total_cost_million_vnd": 10000000000.001' in text
    summary = json.loads(text, parse_float=Decimal)
    assert summary["goals"][0]["value"] == Decimal("10000000000.001")


def test_summary_has_quota_milestone_and_spending_results(ben_tre_out):
    out, _ = ben_tre_out
    summary = json.loads((out / "out" / "summary.json").read_text())
    quota = next(q for q in summary["quotas"]
                 if q["unit_type"] == "commune" and q["level"] == "college")
    assert quota == {"unit_type": "commune", "level": "college", "mode": "exact",
                     "required": 128, "starters": 128, "graduates": 128, "met": True}
    assert all(m["met"] for m in summary["milestones"])
    assert {m["id"] for m in summary["milestones"]} >= {"intermediate-2015"}
    spending = summary["spending_million_vnd"]
    assert spending["total"] == {"spent": 37640, "budget": 52500, "left": 14860}
    assert [p["phase"] for p in spending["per_phase"]] == ["2010-2015", "2016-2020"]
    assert sum(p["spent"] for p in spending["per_phase"]) == 37640
    years = spending["per_year"]
    assert [y["year"] for y in years] == list(range(2010, 2021))
    assert years[0] == {"year": 2010, "spent": 1275, "ceiling": 8000, "left": 6725}
    assert sum(y["spent"] for y in years) == 37640


def test_summary_spending_per_source(tay_ninh_out):
    out, _ = tay_ninh_out
    summary = json.loads((out / "out" / "summary.json").read_text())
    sources = {s["source"]: s for s in summary["spending_million_vnd"]["per_source"]}
    assert sources["state"]["used"] == 12064
    assert sources["state"]["amount"] == 69157
    assert sources["state"]["left"] == 69157 - 12064
    assert sources["state"]["unused"] is False
    assert (sources["oda"]["used"], sources["oda"]["amount"], sources["oda"]["left"]) == \
        (0, 58038, 58038)
    assert sources["oda"]["unused"] is True
    assert summary["spending_million_vnd"]["total"] == {"spent": 12064, "budget": 69157 + 58038,
                                                        "left": 69157 + 58038 - 12064}


# ----- item 8: the budget officer's view in the terminal and the workbook ------------


def test_terminal_shows_spending_against_budget_sources_phases(tay_ninh_out, ben_tre_out):
    _, text = tay_ninh_out
    assert "state" in text and "12,064" in text and "69,157" in text
    oda = next(line for line in text.splitlines() if line.strip().startswith("oda"))
    assert "58,038" in oda and "unused" in oda
    _, text = ben_tre_out
    assert "spent 37,640 of 52,500 million VND, 14,860 left" in text
    phase = next(line for line in text.splitlines() if line.strip().startswith("2010-2015"))
    assert "2010-2015" in phase
    total = [line for line in text.splitlines() if line.strip().lower().startswith("total")]
    assert any("37,640" in line for line in total)


def test_workbook_budget_sheet_has_sources_phases_and_totals(tay_ninh_out, ben_tre_out):
    out, _ = tay_ninh_out
    ws = openpyxl.load_workbook(out / "plan.xlsx")["Budget"]
    rows = [list(row) for row in ws.iter_rows(values_only=True)]
    state = next(r for r in rows if r[0] == "Ngân sách Nhà nước (state budget)")
    assert state[1:5] == [12064, 69157, 69157 - 12064, None]
    oda = next(r for r in rows if r[0] and str(r[0]).startswith("Vốn ODA"))
    assert oda[1:5] == [0, 58038, 58038, "unused"]
    out, _ = ben_tre_out
    ws = openpyxl.load_workbook(out / "plan.xlsx")["Budget"]
    rows = [list(row) for row in ws.iter_rows(values_only=True)]
    phases = [r for r in rows if r[0] in ("2010-2015", "2016-2020")]
    assert len(phases) == 2 and sum(r[1] for r in phases) == 37640
    assert any(r[0] == "Total budget" and r[1:4] == [37640, 52500, 14860] for r in rows)


# ----- item 9: an infeasible solve says what to do next -------------------------------


def test_infeasible_solve_names_the_explain_command(tmp_path):
    path = write(tmp_path, tiny(budget={"total": 1}, variants={"v": {"set": {}}}))
    out = tmp_path / "out"
    result = run("solve", path, "--variant", "v", "--set", "budget.total=2", "--out", str(out))
    assert result.exit_code == 3
    command = f"trainplan explain {path} --variant v --set budget.total=2"
    assert command in result.output
    summary = json.loads((out / "summary.json").read_text())
    assert command in summary["next_step"]


def test_feasible_summary_has_no_next_step(ben_tre_out):
    out, _ = ben_tre_out
    assert "next_step" not in json.loads((out / "out" / "summary.json").read_text())


# ----- item 10: unit names in roster.csv and the workbook ----------------------------


NAMED = tiny(unit_types=[
    {"id": "commune", "label_vi": "xã", "label_en": "commune", "units": 3, "staff_per_unit": 2,
     "quotas": {"A": 2, "B": 2},
     "unit_list": [{"id": "c1", "name": "Xã An Hội"}, {"id": "c2"},
                   {"id": "c3", "name": "Xã Phú Tân"}]}])


def test_roster_csv_ends_with_unit_names(tmp_path):
    out = tmp_path / "out"
    result = run("solve", write(tmp_path, NAMED), "--out", str(out), "--xlsx",
                 str(tmp_path / "p.xlsx"))
    assert result.exit_code == 0, result.output
    lines = (out / "roster.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join([*ROSTER_COLUMNS, "unit_name"])
    names = {line.split(",")[2]: line.split(",")[-1] for line in lines[1:]}
    assert names.get("c1", "Xã An Hội") == "Xã An Hội"
    assert names.get("c2", "") == ""
    assert set(names.values()) & {"Xã An Hội", "Xã Phú Tân"}
    wb = openpyxl.load_workbook(tmp_path / "p.xlsx")
    cells = {c for ws in wb.worksheets if ws.title.startswith("Roster")
             for row in ws.iter_rows(values_only=True) for c in row}
    assert cells & {"Xã An Hội", "Xã Phú Tân"}


def test_roster_csv_keeps_seven_columns_without_names(ben_tre_out):
    out, _ = ben_tre_out
    header = (out / "out" / "roster.csv").read_text().splitlines()[0]
    assert header == ",".join(ROSTER_COLUMNS)


# ----- item 19: no formulas from text ------------------------------------------------


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    evil = '=HYPERLINK("http://evil","click")'
    data = tiny(unit_types=[
        {"id": "commune", "label_vi": evil, "label_en": evil, "units": 3, "staff_per_unit": 2,
         "quotas": {"A": 2, "B": 2},
         "unit_list": [{"id": evil, "name": "=1+1"}, {"id": "@SUM(A1)"}, {"id": "+c3"}]}])
    data["name"] = "=cmd|' /C calc'!A0"
    for lang in ("en", "vi"):
        path = tmp_path / f"p-{lang}.xlsx"
        result = run("solve", write(tmp_path, data), "--xlsx", str(path), "--lang", lang)
        assert result.exit_code == 0, result.output
        wb = openpyxl.load_workbook(path)
        formulas = [(ws.title, c.coordinate, c.value) for ws in wb.worksheets
                    for row in ws.iter_rows() for c in row if c.data_type == "f"]
        assert formulas == []
        texts = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row}
        assert evil in texts


# ----- items 18 and 15: all outputs or none, and a clear error -----------------------


def _all_outputs(tmp_path: Path) -> list[str]:
    return ["--out", str(tmp_path / "out"), "--xlsx", str(tmp_path / "plan.xlsx"),
            "--html", str(tmp_path / "plan.html"), "--png", str(tmp_path / "png")]


def _old_outputs(tmp_path: Path) -> dict[str, bytes]:
    (tmp_path / "out").mkdir()
    for name in ("out/roster.csv", "out/summary.json", "plan.xlsx", "plan.html"):
        (tmp_path / name).write_text(f"old {name}\n")
    return files(tmp_path)


@pytest.mark.parametrize("label", ["A\x01", "\ud800"])
def test_a_label_no_writer_can_store_leaves_no_new_file(tmp_path, monkeypatch, label):
    data = tiny()
    data["levels"][0]["label_en"] = label
    path = write(tmp_path, yaml.safe_dump(data, allow_unicode=False))
    before = _old_outputs(tmp_path)
    result = run("solve", path, *_all_outputs(tmp_path))
    assert result.exit_code == 2, result.output
    assert "error:" in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert files(tmp_path) == before


def test_a_writer_crash_after_others_rendered_leaves_no_new_file(tmp_path, monkeypatch):
    """Even past the loader's text checks: a writer that fails undoes the whole run."""
    def broken(*_args, **_kwargs):
        raise ValueError("cannot draw this")

    monkeypatch.setattr(charts, "png_files", broken)  # cli imports it when --png is given
    path = write(tmp_path, tiny())
    before = _old_outputs(tmp_path)
    result = run("solve", path, *_all_outputs(tmp_path))
    assert result.exit_code == 2
    assert "cannot draw this" in result.output
    assert files(tmp_path) == before


def test_infeasible_run_removes_the_old_roster(tmp_path):
    out = tmp_path / "out"
    assert run("solve", write(tmp_path, tiny()), "--out", str(out), "--png",
               str(tmp_path / "png")).exit_code == 0
    assert (out / "roster.csv").exists() and list((tmp_path / "png").iterdir())
    result = run("solve", write(tmp_path, tiny(budget={"total": 1})), "--out", str(out),
                 "--png", str(tmp_path / "png"))
    assert result.exit_code == 3
    assert not (out / "roster.csv").exists()
    assert list((tmp_path / "png").iterdir()) == []
    assert json.loads((out / "summary.json").read_text())["status_code"] == "infeasible"


def test_chart_labels_are_plain_text(tmp_path):
    data = tiny()
    data["levels"][0]["label_en"] = "$x^2$"
    data["levels"][1]["label_en"] = "$\\foo{$"
    result = run("solve", write(tmp_path, data), "--html", str(tmp_path / "r.html"))
    assert result.exit_code == 0, result.output
    sc = scenario(data)
    with matplotlib.rc_context(STYLE):
        fig = Figure()
        ax = fig.add_subplot()
        CHARTS["starts-by-year-level"](ax, sc, solve_verified(sc).roster, "en")
        ax.legend()
    texts = [t for t in fig.findobj(Text) if "$" in t.get_text()]
    assert {t.get_text() for t in texts} == {"$x^2$", "$\\foo{$"}
    assert not any(t.get_parse_math() for t in texts)


def test_solver_refusing_the_model_is_a_clear_error_and_writes_nothing(tmp_path):
    before = _old_outputs(tmp_path)
    result = run("solve", TAY_NINH, "--set", "budget.sources.state.amount=1000000000000000",
                 *_all_outputs(tmp_path))
    assert result.exit_code == 2, result.output
    assert "error:" in result.output
    assert files(tmp_path) == before


# ----- item 7: outputs never replace inputs ------------------------------------------


def test_html_must_end_in_html(tmp_path):
    result = run("solve", write(tmp_path, tiny()), "--html", str(tmp_path / "victim.yaml"))
    assert result.exit_code == 2
    assert "should end in .html" in result.output


def test_the_scenario_workbook_is_never_overwritten(tmp_path):
    book = tmp_path / "plan.xlsx"
    template = CliRunner().invoke(main, ["template", "--xlsx", str(book), "--from",
                                         write(tmp_path, tiny())])
    assert template.exit_code == 0
    before = book.read_bytes()
    result = run("solve", str(book), "--xlsx", str(tmp_path / "." / "plan.xlsx"))
    assert result.exit_code == 2, result.output
    assert f"--xlsx: '{tmp_path / '.' / 'plan.xlsx'}' is an input of this run" in result.output
    assert book.read_bytes() == before


def test_input_files_follow_extends(tmp_path):
    write(tmp_path, tiny(), "base.yaml")
    (tmp_path / "sub").mkdir()
    child = write(tmp_path, "extends: ../base.yaml\nname: child\n", "sub/child.yaml")
    loaded = cli.load_scenario(child)
    assert cli.input_files(loaded) == [Path(child).resolve(), (tmp_path / "base.yaml").resolve()]


def test_a_base_file_is_never_overwritten(tmp_path):
    # A base file can only be a .yaml/.yml file, and no output has such a name; a base
    # named like an output is refused as a base before anything is written.
    base = tmp_path / "summary.json"
    base.write_text(yaml.safe_dump(tiny()), encoding="utf-8")
    child = tmp_path / "child.yaml"
    child.write_text("extends: summary.json\nname: child\n", encoding="utf-8")
    before = base.read_bytes()
    result = run("solve", str(child), "--out", str(tmp_path))
    assert result.exit_code == 2, result.output
    assert "not a scenario file" in result.output
    assert base.read_bytes() == before
    assert not (tmp_path / "roster.csv").exists()


# ----- Ctrl-C ------------------------------------------------------------------------


def test_ctrl_c_prints_interrupted_and_exits_130(monkeypatch):
    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "load_scenario", interrupted)
    result = CliRunner().invoke(main, ["check", BEN_TRE])
    assert result.exit_code == 130
    assert "interrupted" in result.output
    assert "Traceback" not in result.output


def test_compare_refused_model_is_a_clear_error_and_writes_nothing(tmp_path):
    tay_ninh = str(SCENARIOS / "tay_ninh_2016_2020.yaml")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["compare", tay_ninh, tay_ninh, "--set",
                                       "budget.sources.state.amount=1000000000000000",
                                       "--out", str(out), "--time-limit", "120"])
    assert result.exit_code == 2, result.output
    assert "error:" in result.output and "too large" in result.output  # refused at load
    assert not out.exists()


def test_ctrl_c_while_renaming_still_renames_every_file(tmp_path, monkeypatch):
    import os
    import signal
    import threading

    from trainplan.models import files as tables

    renamed = []
    real_replace = os.replace

    def replace(src, dst):
        if threading.current_thread() is not threading.main_thread():
            return real_replace(src, dst)  # another test's thread: not this write
        if not renamed:
            # Ctrl-C after the first temporary is ready, raised in this (the main) thread:
            # os.kill may hand the signal to another thread, to be seen here only later.
            signal.raise_signal(signal.SIGINT)
        renamed.append(dst)
        return real_replace(src, dst)

    monkeypatch.setattr(tables.os, "replace", replace)
    # Python leaves SIGINT ignored when started with it ignored (a background job of a
    # non-interactive shell, as CI may be): make Ctrl-C raise here, as in a terminal.
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    files = {tmp_path / name: name for name in ("a.csv", "b.json", "c.html")}
    try:
        with pytest.raises(KeyboardInterrupt):
            tables.write_all(files)
    finally:
        signal.signal(signal.SIGINT, before)
    assert sorted(p.read_text() for p in files) == ["a.csv", "b.json", "c.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.json", "c.html"]
