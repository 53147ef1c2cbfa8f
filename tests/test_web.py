"""The web page over HTTP (Starlette's TestClient): every endpoint, errors, sessions, workers."""

from __future__ import annotations

import io
import os
import re
import time
import warnings

import openpyxl
import pytest

with warnings.catch_warnings():  # Starlette asks for httpx2 one day; httpx works today
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient
from trainplan.models.errors import ScenarioError
from trainplan.models.files import scenario_hash
from trainplan.models.loader import load_scenario
from trainplan.web.app import MAX_UPLOAD, create_app
from trainplan.web.jobs import Job

from tests.conftest import SCENARIOS

BEN_TRE = SCENARIOS / "ben_tre_2010_2020.yaml"


@pytest.fixture(scope="module")
def app():
    application = create_app(BEN_TRE, SCENARIOS, processes=1)
    with TestClient(application):  # runs the lifespan: workers stop at the end
        yield application


@pytest.fixture
def client(app):
    """A new browser: its own cookie, so its own session."""
    c = TestClient(app)  # no `with`: the lifespan (and its workers) belongs to `app`
    c.get("/")
    yield c
    c.close()


def wait(client, job_id: str, seconds: float = 60) -> dict:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        state = client.get(f"/jobs/{job_id}").json()
        if state["state"] in ("done", "failed"):
            return state
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish in {seconds} s")


def solve(client) -> dict:
    started = client.post("/solve")
    assert started.status_code == 200, started.text
    return wait(client, started.json()["job"])


def plan_totals(html: str) -> list[str]:
    """The total row of the plan's table: units, people per unit, staff, per level, total."""
    table = re.search(r'<table id="plan-table".*?</table>', html, re.S).group(0)
    total = re.search(r'<tr class="total">(.*?)</tr>', table, re.S).group(1)
    return re.findall(r"<td[^>]*>([^<]*)</td>", total)


def test_the_page_opens_ben_tre_with_its_table(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "Bến Tre 2010-2020" in page.text
    assert plan_totals(page.text)[-5:] == ["108", "144", "200", "48", "500"]
    assert 'data-key="budget.total" value="52500"' in page.text
    assert 'data-key="unit_types.commune.quotas.college.people" value="128"' in page.text


def test_an_edit_updates_the_totals_at_once_and_a_bad_value_uses_the_cli_words(client):
    answer = client.post("/edit", json={"key": "unit_types.commune.quotas.college.people",
                                        "value": "120"}).json()
    assert answer["errors"] == {} and answer["edits"] == 1
    assert plan_totals(answer["totals"])[-5:] == ["108", "136", "200", "48", "492"]
    bad = client.post("/edit", json={"key": "levels.college.duration_years",
                                     "value": "three"}).json()
    with pytest.raises(ScenarioError) as cli:
        load_scenario(BEN_TRE, sets=["levels.college.duration_years=three"])
    cli_words = cli.value.problems[0].message
    assert cli_words.startswith("Input should be a valid integer")
    assert any(cli_words in m for m in bad["errors"]["levels.college.duration_years"])
    assert client.post("/solve").status_code == 400  # errors first
    back = client.post("/edit", json={"key": "levels.college.duration_years", "value": "3"})
    assert back.json()["errors"] == {} and back.json()["edits"] == 1  # back to the file's value
    unknown = client.post("/edit", json={"key": "budget.totl", "value": "1"}).json()
    assert "unknown key 'totl'" in " ".join(unknown["errors"]["budget.totl"])
    assert client.post("/edit", content=b"not json").status_code == 400


def test_solve_runs_in_a_worker_and_shows_the_verified_report(client):
    state = solve(client)
    assert state["state"] == "done"
    assert 'id="verdict">optimal<' in state["html"]
    assert "19 rules, 0 violations" in state["html"] and "status-ok" in state["html"]
    assert "37,640 million VND" in state["html"]
    job = re.search(r'/jobs/(\w+)/report.html', state["html"]).group(1)
    report = client.get(f"/jobs/{job}/report.html")
    assert report.status_code == 200 and 'data-charts' in report.text and "<svg" in report.text


def test_infeasible_shows_why_and_a_repair_applied_as_a_variant_is_verified(client):
    client.post("/edit", json={"key": "budget.total", "value": "30000"})
    state = solve(client)
    assert 'id="verdict">infeasible<' in state["html"]
    assert "total training budget 30,000 million VND" in state["html"]
    assert "raise the total training budget from 30,000 million VND to 37,640" in state["html"]
    assert '<span class="lever">the total budget</span>' in state["html"]
    action = re.search(r'action="(/jobs/\w+/repairs/0)"', state["html"]).group(1)
    applied = client.post(action, follow_redirects=False)
    assert applied.status_code == 303
    page = client.get("/").text
    assert 'id="variant-name">repair-total_budget<' in page
    assert 'data-key="budget.total" value="37640"' in page
    state = solve(client)
    assert 'id="verdict">optimal<' in state["html"] and "0 violations" in state["html"]
    assert client.post("/jobs/nope/repairs/0").status_code == 404


def test_sessions_do_not_see_each_others_edits(app):
    a, b = TestClient(app), TestClient(app)
    a.get("/")
    b.get("/")
    assert a.cookies["trainplan_session"] != b.cookies["trainplan_session"]
    a.post("/edit", json={"key": "budget.total", "value": "41000"})
    assert 'value="41000"' in a.get("/").text
    assert 'value="41000"' not in b.get("/").text
    assert 'data-key="budget.total" value="52500"' in b.get("/").text
    job = a.post("/solve").json()["job"]
    assert b.get(f"/jobs/{job}").status_code == 404  # another browser's job is not there
    wait(a, job)


def test_a_malformed_upload_gives_an_error_page_not_a_500(client):
    page = client.post("/upload", files={"scenario": ("broken.yaml", b"levels: [\n", "text/yaml")})
    assert page.status_code == 400
    assert "error: broken.yaml" in page.text and 'class="error upload-error"' in page.text
    typo = BEN_TRE.read_text("utf-8").replace("duration_years: 3", "duration_years: three", 1)
    page = client.post("/upload", files={"scenario": ("typo.yaml", typo.encode(), "text/yaml")})
    assert page.status_code == 400
    assert re.search(r"error: typo.yaml:\d+: levels\[college\].duration_years: Input should be "
                     r"a valid integer", page.text), page.text[:3000]
    junk = client.post("/upload", files={"scenario": ("plan.xlsx", b"PK\x03\x04junk", "x")})
    assert junk.status_code == 400 and "error: plan.xlsx" in junk.text
    other = client.post("/upload", files={"scenario": ("notes.txt", b"hello", "text/plain")})
    assert other.status_code == 400 and "not a scenario file" in other.text
    tag = client.post("/upload", files={"scenario": (
        "tag.yaml", b"name: !!python/object/apply:os.system [echo hi]\n", "text/yaml")})
    assert tag.status_code == 400 and "error: tag.yaml" in tag.text
    deep = client.post("/upload", files={"scenario": ("deep.yaml", b"a: " + b"[" * 5000, "x")})
    assert deep.status_code == 400 and "nested deeper than 20 levels" in deep.text
    escape = client.post("/upload", files={"scenario": (
        "up.yaml", b"extends: ../../../etc/x.yaml\nname: x\n", "text/yaml")})
    assert escape.status_code == 400 and "may extend only a shipped scenario" in escape.text
    assert 'data-key="budget.total" value="52500"' in client.get("/").text  # still Bến Tre


def test_an_oversized_upload_is_refused(client):
    big = b"#" * (MAX_UPLOAD + 1)
    page = client.post("/upload", files={"scenario": ("big.yaml", big, "text/yaml")})
    assert page.status_code == 413 and "larger than 5 MB" in page.text


def test_downloads_scenario_as_overrides_workbook_report_and_roster(client, tmp_path):
    assert client.get("/download/plan.xlsx").status_code == 404  # nothing solved yet
    client.post("/edit", json={"key": "unit_types.commune.quotas.college.people",
                               "value": "120"})
    client.post("/edit", json={"key": "budget.total", "value": "50000"})
    text = client.get("/download/scenario.yaml").text
    assert "extends: ben_tre_2010_2020.yaml" in text and "budget.total: 50000" in text
    (tmp_path / "ben_tre_2010_2020.yaml").write_bytes(BEN_TRE.read_bytes())
    (tmp_path / "mine.yaml").write_text(text, encoding="utf-8")
    mine = load_scenario(tmp_path / "mine.yaml").scenario
    expected = load_scenario(BEN_TRE, sets=["budget.total=50000",
                                            "unit_types.commune.quotas.college=120"]).scenario
    assert scenario_hash(mine) == scenario_hash(expected)
    uploaded = client.post("/upload", files={"scenario": ("mine.yaml", text.encode(), "x")})
    assert uploaded.status_code == 200 and 'value="50000"' in uploaded.text
    assert solve(client)["state"] == "done"
    book = openpyxl.load_workbook(io.BytesIO(client.get("/download/plan.xlsx").content))
    assert "Summary" in book.sheetnames
    assert client.get("/download/report.html").text.startswith("<!DOCTYPE html>")
    roster = client.get("/download/roster.csv").text
    assert roster.startswith("year,unit_type,unit,level,starts,graduation_year,cost_million_vnd")
    assert client.get("/download/other.txt").status_code == 404


def test_the_template_workbooks_open(client):
    for query in ("?blank=1", ""):
        book = openpyxl.load_workbook(io.BytesIO(client.get(f"/template.xlsx{query}").content))
        assert "levels" in book.sheetnames


def test_opening_a_shipped_file_brings_its_variants_and_compare_marks_differences(client):
    opened = client.post("/open", data={"file": "ben_tre_variants.yaml", "where": "shipped"})
    assert opened.status_code == 200 and "less-money" in opened.text
    assert client.post("/open", data={"file": "../x.yaml"}).status_code == 404
    started = client.post("/compare", data={"names": ["base", "less-money"]})
    state = wait(client, started.json()["job"])
    assert state["state"] == "done", state
    assert '<tr class="differs"><th>* total cost (million VND)' in state["html"] or \
        '<tr class="differs"><th>* scenario hash' in state["html"]
    assert re.search(r"<th>base</th><th>less-money</th>", state["html"])
    assert client.post("/compare", data={"names": ["base"]}).status_code == 400


def test_variants_save_and_open(client):
    client.post("/edit", json={"key": "budget.total", "value": "45000"})
    assert client.post("/variants/save", data={"name": "bad name!"}).status_code == 400
    client.post("/variants/save", data={"name": "cut-10"})
    client.post("/variants/open", data={"name": "base"})
    assert 'data-key="budget.total" value="52500"' in client.get("/").text
    client.post("/variants/open", data={"name": "cut-10"})
    assert 'data-key="budget.total" value="45000"' in client.get("/").text
    assert client.post("/variants/open", data={"name": "nope"}).status_code == 404


def test_a_sweep_draws_the_frontier(client):
    started = client.post("/sweep", data={"key": "budget.total", "values": "30000,40000,52500"})
    state = wait(client, started.json()["job"])
    assert state["state"] == "done", state
    assert re.search(r'id="frontier">.*<strong>40000</strong>', state["html"])
    assert state["html"].count("<circle") == 2 and 'id="sweep-slider"' in state["html"]
    bad = client.post("/sweep", data={"key": "budget.nothing", "values": "1,2"})
    state = wait(client, bad.json()["job"])
    assert state["state"] == "failed" and "error: " in state["html"]


def test_vietnamese_shows_the_budget_the_vietnamese_way(client):
    client.post("/lang", data={"lang": "vi"})
    page = client.get("/").text
    assert '<html lang="vi">' in page and "52.500 triệu đồng" in page
    assert "Sửa kế hoạch" in page
    client.post("/edit", json={"key": "budget.total", "value": "45000"})
    client.post("/variants/save", data={"name": "it-tien"})
    state = wait(client, client.post("/compare", data={"names": ["base", "it-tien"]}
                                     ).json()["job"])
    assert "<th>tổng kinh phí (triệu đồng)</th><td class=\"num\">37.640</td>" in state["html"]


def _crash() -> None:
    os._exit(3)


def test_a_crashed_worker_fails_its_job_and_the_server_goes_on(app, client):
    crashed = app.state.runner.submit(Job("solve", _crash, ()))
    end = time.monotonic() + 60
    while crashed.finished is None and time.monotonic() < end:
        time.sleep(0.2)
    assert crashed.state == "failed" and "ended unexpectedly" in crashed.error
    assert crashed.tries == 2
    assert solve(client)["state"] == "done"


def test_unknown_things_are_404_pages(client):
    assert client.get("/jobs/unknown").status_code == 404
    assert client.get("/jobs/unknown/report.html").status_code == 404
    assert client.get("/nowhere").status_code == 404


def test_the_page_ships_inside_the_package_and_its_imports_are_dependencies():
    import ast
    import sys
    import tomllib
    from fnmatch import fnmatch

    from tests.conftest import ROOT

    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    tool = project["tool"]["setuptools"]
    assert tool["package-dir"]["trainplan.web"] == "web"
    data = tool["package-data"]
    assert all(fnmatch(p.name, "*.yaml") for p in (ROOT / "web").glob("*.yaml"))
    assert data["trainplan.web"] == ["*.yaml"]
    for sub in ("templates", "static"):
        assert f"trainplan.web.{sub}" in tool["packages"]
        files = [p.name for p in (ROOT / "web" / sub).iterdir()]
        assert files and all(any(fnmatch(f, g) for g in data[f"trainplan.web.{sub}"])
                             for f in files), files
    required = {re.split(r"[<>=\[ ]", r)[0].lower() for r in project["project"]["dependencies"]}
    imported = set()
    for path in (ROOT / "web").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - {"trainplan", "__future__"}
    assert third_party == {"jinja2", "starlette", "uvicorn", "yaml"}
    assert {"starlette", "uvicorn", "jinja2", "pyyaml", "python-multipart"} <= required


def test_serve_lang_sets_the_language_a_new_visitor_starts_in():
    application = create_app(BEN_TRE, processes=1, lang="vi")
    page = TestClient(application).get("/")
    assert '<html lang="vi">' in page.text and "52.500 triệu đồng" in page.text


def test_a_files_own_variant_shows_its_values_in_the_forms(client):
    client.post("/open", data={"file": "ben_tre_variants.yaml", "where": "shipped"})
    client.post("/variants/open", data={"name": "more-college-places"})
    page = client.get("/").text
    assert 'data-key="capacity.starts_by_year.2014" value="100"' in page
    assert 'id="variant-name">more-college-places<' in page


def test_a_filled_workbook_uploads_and_its_yaml_is_the_whole_scenario(client, tmp_path):
    book = openpyxl.load_workbook(io.BytesIO(client.get("/template.xlsx").content))
    book.create_sheet("notes")  # a planner's own sheet: ignored, with a warning as in the CLI
    filled = io.BytesIO()
    book.save(filled)
    page = client.post("/upload", files={"scenario": ("ke-hoach.xlsx", filled.getvalue(), "x")})
    assert page.status_code == 200, page.text[:2000]
    assert "ke-hoach.xlsx" in page.text
    assert re.search(r"<li>warning: ke-hoach.xlsx[^<]*notes", page.text)
    assert plan_totals(page.text)[-5:] == ["108", "144", "200", "48", "500"]
    client.post("/edit", json={"key": "budget.total", "value": "50000"})
    text = client.get("/download/scenario.yaml").text
    assert "extends:" not in text
    (tmp_path / "whole.yaml").write_text(text, encoding="utf-8")
    whole = load_scenario(tmp_path / "whole.yaml").scenario
    assert whole.budget.total == 50000 and len(whole.unit_types) == 5


def test_rows_are_added_and_removed_and_checked_like_any_edit(client, tmp_path):
    added = client.post("/rows", json={"key": "milestones", "id": "university-2018",
                                       "action": "add"})
    assert added.status_code == 200 and added.json()["errors"] == {}
    page = client.get("/").text
    assert 'data-key="milestones.university-2018.by_year" value="2020"' in page
    client.post("/edit", json={"key": "milestones.university-2018.by_year", "value": "2018"})
    taken = client.post("/rows", json={"key": "milestones", "id": "university-2018",
                                       "action": "add"})
    assert taken.status_code == 400 and "not used yet" in taken.json()["error"]
    gone = client.post("/rows", json={"key": "unit_types", "id": "school", "action": "remove"})
    assert gone.status_code == 200
    assert plan_totals(gone.json()["totals"])[-1] == "440"  # 500 less the schools' 60
    assert "the plan states 500 people but its table sums to 440" in client.get("/").text
    (tmp_path / "ben_tre_2010_2020.yaml").write_bytes(BEN_TRE.read_bytes())
    (tmp_path / "rows.yaml").write_text(client.get("/download/scenario.yaml").text, "utf-8")
    sc = load_scenario(tmp_path / "rows.yaml").scenario
    assert [m.by_year for m in sc.milestones] == [2015, 2020, 2018]
    assert [u.id for u in sc.unit_types] == ["commune", "district", "facility", "province"]
    assert client.post("/rows", json={"key": "budget.total", "id": "x",
                                      "action": "add"}).status_code == 400


def test_a_plan_with_errors_still_downloads_its_changes_as_typed(client):
    for key, text in (("budget.total", "52.500"), ("budget.per_year", "!!python/name:os")):
        client.post("/edit", json={"key": key, "value": text})
    scenario = client.get("/download/scenario.yaml")
    assert scenario.status_code == 200
    assert "budget.total: '52.500'" in scenario.text
    assert "budget.per_year: '!!python/name:os'" in scenario.text
    assert client.get("/").status_code == 200


KEYS = ["budget.total", "levels.college.duration_years", "unit_types.commune.quotas.college.people",
        "milestones.intermediate-2015.by_year", "capacity.starts_by_year.2014", "capacity",
        "levels", "unit_types.commune", "objective", "a..b", "", ".", "budget.by_year.x",
        "unit_types.commune.unit_list"]
VALUES = ["", "0", "-1", "abc", "[1,2]", "{a: 1}", "1e400", "52.500", "!!python/name:os",
          "[[[[", "null", "true", "999999999999999999999999999", "{2014: -5}", "[]", "*a"]


def test_no_sequence_of_odd_edits_gives_a_server_error(app):
    import random

    rng = random.Random(7)
    browser = TestClient(app, raise_server_exceptions=False)
    browser.get("/")
    for i in range(150):
        key, text = rng.choice(KEYS), rng.choice(VALUES)
        assert browser.post("/edit", json={"key": key, "value": text}).status_code < 500
        if i % 15 == 14:
            for path in ("/", "/download/scenario.yaml"):
                assert browser.get(path).status_code < 500, (path, key, text)
            rows = browser.post("/rows", json={"key": rng.choice(KEYS), "id": "x",
                                               "action": "add"})
            assert rows.status_code < 500
            assert browser.post("/solve").status_code < 500
            browser.post("/reset")


def test_a_waiting_solve_says_how_many_are_ahead(app):
    runner = app.state.runner
    slow = [runner.submit(Job("solve", time.sleep, (1.5,))) for _ in range(3)]
    assert runner.ahead(slow[0]) == 0 and runner.ahead(slow[2]) == 2  # one worker process
    browser = TestClient(app)
    browser.get("/")
    job = browser.post("/solve").json()["job"]
    state = browser.get(f"/jobs/{job}").json()
    assert state["state"] == "queued" and state["ahead"] == 3
    assert "(3 ahead)" in state["words"]
    assert wait(browser, job)["state"] == "done"
    assert all(j.state == "done" for j in slow) and runner.ahead(slow[2]) == 0


def test_a_new_plan_is_started_on_the_page_filled_in_and_solved(client, tmp_path):
    page = client.post("/new")
    assert page.status_code == 200 and 'id="plan-name">New plan<' in page.text
    assert plan_totals(page.text)[-1] == "1"
    client.post("/rows", json={"key": "unit_types", "id": "district", "action": "add"})
    for key, text in (("name", "Tỉnh X 2026-2030"), ("unit_types.commune.units", "100"),
                      ("unit_types.commune.staff_per_unit", "2"),
                      ("unit_types.commune.quotas.intermediate.people", "200"),
                      ("unit_types.district.quotas.intermediate.people", "1"),
                      ("capacity.starts_per_year", "60")):
        assert client.post("/edit", json={"key": key, "value": text}).json()["errors"] == {}
    assert plan_totals(client.get("/").text)[-1] == "201"
    state = solve(client)
    assert 'id="verdict">optimal<' in state["html"] and "0 violations" in state["html"]
    text = client.get("/download/scenario.yaml").text
    assert "extends:" not in text  # the planner has no placeholder file to extend
    (tmp_path / "x.yaml").write_text(text, encoding="utf-8")
    assert load_scenario(tmp_path / "x.yaml").scenario.name == "Tỉnh X 2026-2030"
