"""HTML report, PNG charts and Vietnamese output: content, format, self-containment."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from html.parser import HTMLParser

import matplotlib.pyplot as plt
import openpyxl
import pytest
from click.testing import CliRunner
from trainplan.cli import main
from trainplan.models.checker import SHORT_CHECKS, verify
from trainplan.models.loader import load_scenario
from trainplan.models.rules import RULES
from trainplan.optimizer.solve import solve
from trainplan.reports.charts import CHARTS, png_files
from trainplan.reports.html import html_report
from trainplan.reports.i18n import amount, money, number
from trainplan.reports.tables import plan_table, terminal_report

from tests.conftest import FAST, SCENARIOS

BEN_TRE = SCENARIOS / "ben_tre_2010_2020.yaml"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class Tables(HTMLParser):
    """Every <table id=...> as rows of cell texts, and every id in the document."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.ids: list[str] = []
        self._table: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "table":
            self._table = attrs["id"]
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def parse(html: str) -> Tables:
    parser = Tables()
    parser.feed(html)
    return parser


def vi_int(text: str) -> int:
    """'1.275' -> 1275 (Vietnamese thousands separator is a dot)."""
    assert re.fullmatch(r"\d{1,3}(\.\d{3})*", text), text
    return int(text.replace(".", ""))


@pytest.fixture(scope="module")
def ben_tre():
    sc = load_scenario(BEN_TRE).scenario
    result = solve(sc, FAST)
    check = verify(sc, result.roster, result.goals)
    assert check.ok
    return sc, result, check


@pytest.fixture(scope="module")
def html_vi(ben_tre) -> str:
    return html_report(*ben_tre, "vi")


@pytest.fixture(scope="module")
def html_en(ben_tre) -> str:
    return html_report(*ben_tre, "en")


def test_summary_table_equals_the_plans_table(ben_tre, html_vi):
    sc, _, _ = ben_tre
    rows = parse(html_vi).tables["plan-table"]
    header, body = rows[0], rows[1:]
    assert header[4:8] == ["Sơ, trung cấp", "Cao đẳng", "Đại học", "Sau đại học"]
    assert [r[0] for r in body] == [ut.label_vi for ut in sc.unit_types] + ["Tổng cộng"]
    frame = plan_table(sc)
    for row, (_, expected) in zip(body, frame.iterrows(), strict=True):
        cells = [None if c == "-" else vi_int(c) for c in row[1:]]
        assert cells == [None if v is None or str(v) == "<NA>" else int(v) for v in expected]
    total = body[-1]
    assert vi_int(total[-1]) == 500
    assert [vi_int(c) for c in total[4:8]] == [108, 144, 200, 48]
    assert [vi_int(r[-1]) for r in body[:-1]] == [328, 27, 72, 13, 60]


def test_graduates_and_roster_tables_add_up(ben_tre, html_vi):
    _, result, _ = ben_tre
    tables = parse(html_vi).tables
    assert vi_int(tables["graduates-table"][-1][-1]) == 500
    roster = tables["roster-table"][1:]
    assert len(roster) == len(result.roster.rows)
    assert sum(vi_int(r[4]) for r in roster) == 500


def test_vietnamese_labels_and_number_format(ben_tre, html_vi):
    _, result, _ = ben_tre
    assert html_vi.startswith('<!DOCTYPE html>\n<html lang="vi"')
    for words in ("Cấp xã, phường, thị trấn", "Sơ, trung cấp", "Bảng chỉ tiêu",
                  "Số người bắt đầu học theo năm và trình độ", "tối ưu (đã chứng minh)",
                  f"đã kiểm tra: {len(RULES) - len(SHORT_CHECKS)} quy tắc, 0 vi phạm",
                  "52.500 triệu đồng",
                  "500 người"):
        assert words in html_vi, words
    assert "52,500" not in html_vi
    cost = sum(r.cost_million_vnd for r in result.roster.rows)
    assert money(cost, "vi") in html_vi
    spending = parse(html_vi).tables["spending-table"]
    assert spending[-1][-1] == "52.500"
    assert all(re.fullmatch(r"[\d.]+(,\d+)?", cell) for row in spending[1:] for cell in row[1:])


def test_english_report(html_en):
    assert '<html lang="en"' in html_en
    assert "52,500 million VND" in html_en
    assert "Commune / ward / town" in html_en
    assert "Elementary and intermediate" in html_en


def test_number_formats():
    assert number(84330, "vi") == "84.330"
    assert money(84330, "vi") == "84.330 triệu đồng"
    assert money(84330, "en") == "84,330 million VND"
    assert amount(1275.5, "vi") == "1.275,5"


def test_report_is_self_contained(html_vi, html_en):
    for html in (html_vi, html_en):
        assert "http" not in html  # no address of any kind, not even a namespace
        assert not re.search(r"\bsrc\s*=|<link\b|@import|<iframe|<object", html)
        assert not re.search(r"url\((?!#)", html)  # only in-document references
        assert html.count("<svg") == len(CHARTS)
        duplicated = [i for i, n in Counter(parse(html).ids).items() if n > 1]
        assert duplicated == []


def test_report_prints_cleanly(html_vi):
    assert "@media print" in html_vi
    assert "thead { display: table-header-group; }" in html_vi
    assert "break-inside: avoid" in html_vi


def test_html_and_its_svg_charts_are_deterministic(ben_tre, html_vi):
    assert html_report(*ben_tre, "vi") == html_vi


def test_pngs_are_valid_and_byte_identical(ben_tre, tmp_path):
    sc, result, _ = ben_tre
    first = png_files(tmp_path / "a", sc, result, "vi")
    second = png_files(tmp_path / "b", sc, result, "vi")
    assert [p.name for p in first] == [f"{name}.png" for name in CHARTS]
    for a, b in zip(first.values(), second.values(), strict=True):
        assert a.startswith(PNG_SIGNATURE)
        assert a == b
        image = plt.imread(io.BytesIO(a))
        assert image.shape[:2] == (675, 1200)
        assert (image[..., :3] < 0.9).any(axis=-1).mean() > 0.02  # something is drawn


def test_terminal_report_in_vietnamese(ben_tre):
    sc, result, check = ben_tre
    text = terminal_report(sc, result, check, "vi")
    assert text.startswith("Bến Tre 2010-2020: tối ưu (đã chứng minh)")
    assert "Chi tiêu theo năm (triệu đồng):" in text
    assert "Các trường ĐH, CĐ, trường nghề" in text
    assert f"đã kiểm tra: {len(RULES) - len(SHORT_CHECKS)} quy tắc, 0 vi phạm" in text
    assert "8.000" in text
    assert "8,000" in terminal_report(sc, result, check)


def test_infeasible_plan_still_reports(tmp_path):
    sc = load_scenario(BEN_TRE, sets=("budget.total=30000",)).scenario
    result = solve(sc, FAST)
    html = html_report(sc, result, None, "vi")
    assert "không khả thi" in html
    assert "<svg" not in html
    assert vi_int(parse(html).tables["plan-table"][-1][-1]) == 500
    assert png_files(tmp_path, sc, result, "vi") == {}


def workbook_summary(path) -> list[list[str]]:
    """The plan's table on the workbook's first sheet, from its header row to its total row."""
    sheet = openpyxl.load_workbook(path).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r[0] == "Loại đơn vị")
    end = next(i for i, r in enumerate(rows) if i > start and r[0] == "Tổng cộng")
    return [["-" if v is None else number(v, "vi") if isinstance(v, int) else str(v)
             for v in r[:9]] for r in rows[start:end + 1]]


def test_one_command_gives_vietnamese_workbook_html_and_pngs(tmp_path):
    out = tmp_path / "out"
    html, xlsx, png = out / "bao-cao.html", out / "ke-hoach.xlsx", out / "charts"
    result = CliRunner().invoke(main, ["solve", str(BEN_TRE), "--lang", "vi", "--xlsx", str(xlsx),
                                       "--html", str(html), "--png", str(png),
                                       "--time-limit", "120"])
    assert result.exit_code == 0, result.output
    assert f"đã kiểm tra: {len(RULES) - len(SHORT_CHECKS)} quy tắc, 0 vi phạm" in result.output
    assert f"đã ghi {html}" in result.output
    page = html.read_text(encoding="utf-8")
    assert '<html lang="vi"' in page
    assert parse(page).tables["plan-table"] == workbook_summary(xlsx)
    assert sorted(p.name for p in png.iterdir()) == sorted(f"{n}.png" for n in CHARTS)


def test_cli_rejects_unknown_language():
    result = CliRunner().invoke(main, ["solve", str(BEN_TRE), "--lang", "fr"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_min_budget_writes_html_and_keeps_json_clean(tmp_path):
    html = tmp_path / "mb.html"
    result = CliRunner().invoke(
        main, ["min-budget", str(BEN_TRE), "--json", "--shares", "100", "--lang", "vi",
               "--html", str(html)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["roster_verified"] is True
    assert f"đã ghi {html}" in result.stderr
    assert "tối ưu" in html.read_text(encoding="utf-8")


HOSTILE = {"name": "<script>alert('name')</script>",
           "description": '<img src=x onerror="alert(1)">',
           "source": "</p><script src=//evil.example></script>",
           "levels.college.label_en": "<b onmouseover=alert(2)>College</b>",
           "unit_types.commune.label_en": "Commune <svg onload=alert(3)>"}


@pytest.fixture(scope="module")
def hostile_html() -> str:
    sets = tuple(f"{key}={value}" for key, value in HOSTILE.items())
    sc = load_scenario(BEN_TRE, sets=sets).scenario
    result = solve(sc, FAST)
    check = verify(sc, result.roster, result.goals)
    return html_report(sc, result, check, "en")


class Tags(HTMLParser):
    """Every start tag with its attribute names."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, [name for name, _ in attrs]))


def test_labels_with_markup_are_escaped(hostile_html):
    page = hostile_html
    parser = Tags()
    parser.feed(page)
    tags = [tag for tag, _ in parser.tags]
    assert tags.count("script") == 1  # only the report's own check script
    assert "img" not in tags
    handlers = [(tag, a) for tag, attrs in parser.tags for a in attrs if a.startswith("on")]
    assert handlers == []
    assert "&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page
    tables = parse(page).tables
    assert tables["plan-table"][0][5] == HOSTILE["levels.college.label_en"]
    assert tables["plan-table"][1][0] == HOSTILE["unit_types.commune.label_en"]


def test_report_template_ships_as_package_data():
    import tomllib
    from pathlib import Path

    import trainplan.reports.html

    root = Path(__file__).resolve().parent.parent
    data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = data["tool"]["setuptools"]["package-data"]["trainplan.reports.templates"]
    html = trainplan.reports.html
    template = Path(html.__file__).parent / "templates" / html.TEMPLATE
    assert template.is_file()
    assert any(template.relative_to(template.parent).match(p) for p in patterns)
