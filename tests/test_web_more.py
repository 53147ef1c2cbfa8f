"""The page's later capabilities over HTTP: short courses, workforce, actuals and re-plan,
risk (simulate), the staff register (named roster), --robust."""

from __future__ import annotations

import csv
import io
import re
import warnings

import openpyxl
import pytest
import yaml
from click.testing import CliRunner
from trainplan.cli import main

with warnings.catch_warnings():  # Starlette asks for httpx2 one day; httpx works today
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient
from trainplan.web.app import MAX_UPLOAD, create_app

from tests.conftest import SCENARIOS
from tests.test_web import wait
from tests.test_workforce import YAML as WORKFORCE_YAML

BEN_TRE = SCENARIOS / "ben_tre_2010_2020.yaml"
STAFF = SCENARIOS / "ben_tre_staff.csv"


@pytest.fixture(scope="module")
def app():
    application = create_app(BEN_TRE, SCENARIOS, processes=1)
    with TestClient(application):
        yield application


@pytest.fixture
def client(app):
    c = TestClient(app)
    c.get("/")
    yield c
    c.close()


def open_folder_file(client, name: str) -> str:
    page = client.post("/open", data={"file": name, "where": "folder"})
    assert page.status_code == 200, page.text
    return page.text


def run_job(client, url: str, data: dict | None = None, files: dict | None = None) -> dict:
    started = client.post(url, data=data or {}, files=files)
    assert started.status_code == 200, started.text
    state = wait(client, started.json()["job"], 120)
    assert state["state"] == "done", state
    return state


def refused(client, url: str, data: dict, files: dict | None = None) -> dict:
    answer = client.post(url, data=data, files=files)
    assert answer.status_code == 400, answer.text
    return answer.json()["errors"]


# ----- (1) the new sections in the forms, the short courses in the answer -----------------


@pytest.mark.parametrize(("name", "key", "bad", "words"), [
    ("ben_tre_short_courses.yaml", "short_courses.trainer_days_per_year", "-5",
     "short_courses.trainer_days_per_year: Input should be greater than or equal to 0"),
    ("ben_tre_workforce.yaml", "workforce.staff", "[]",
     "workforce.staff: List should have at least 1 item"),
    ("ben_tre_actuals_2013.yaml", "actuals.spending.2010", "-1",
     "actuals.spending.2010: Input should be greater than or equal to 0"),
])
def test_short_course_workforce_and_actuals_sections_are_forms_checked_as_typed(
        client, name, key, bad, words):
    page = open_folder_file(client, name)
    section = key.split(".")[0]
    assert f'id="section-{section}"' in page and f'data-key="{key}"' in page
    answer = client.post("/edit", json={"key": key, "value": bad}).json()
    assert answer["errors"][key][0].startswith(f"error: {name}: {words}")


def test_a_short_course_plan_answers_with_its_classes_and_offers_classes_csv(client):
    page = open_folder_file(client, "ben_tre_short_courses.yaml")
    assert 'id="dl-classes"' in page
    run_job(client, "/solve")
    report = client.get("/download/report.html").text
    assert 'id="classes-table"' in report
    classes = client.get("/download/classes.csv")
    assert classes.status_code == 200
    assert classes.text.startswith("year,course,place,")
    assert client.get("/download/participants.csv").status_code == 200


# ----- (2) risk: simulate --------------------------------------------------------------------


def test_risk_runs_simulate_and_shows_the_share_of_runs_and_the_fan_chart(client):
    html = run_job(client, "/risk", {"runs": "200", "seed": "1"})["html"]
    assert "Bến Tre 2010-2020: 200 runs with random course completion (seed 1)" in html
    assert "<table>" in html and "<svg" in html and "Cumulative graduates" in html
    again = run_job(client, "/risk", {"runs": "200", "seed": "1"})["html"]
    assert again == html  # the same seed gives the same figures


def test_risk_of_a_plan_with_no_answer_says_there_is_nothing_to_simulate(client):
    client.post("/edit", json={"key": "budget.total", "value": "30000"})
    html = run_job(client, "/risk", {"runs": "100", "seed": "0"})["html"]
    assert "Bến Tre 2010-2020: infeasible; no plan to simulate" in html


def test_the_new_forms_are_in_vietnamese_too(client):
    page = client.post("/lang", data={"lang": "vi"}).text
    assert "Rủi ro: tần suất đạt chỉ tiêu" in page and "Lập lại kế hoạch theo thực tế" in page
    assert "Danh sách cán bộ" in page


@pytest.mark.parametrize(("runs", "seed", "field"), [("0", "1", "runs"), ("abc", "1", "runs"),
                                                     ("100", "-3", "seed")])
def test_risk_refuses_bad_runs_or_seed_beside_the_field(client, runs, seed, field):
    errors = refused(client, "/risk", {"runs": runs, "seed": seed})
    assert list(errors) == [field] and errors[field][0].startswith(f"error: --{field}: ")


# ----- (3) re-plan from actuals ------------------------------------------------------------


def test_replan_from_the_scenarios_own_actuals_shows_plan_against_actual(client):
    open_folder_file(client, "ben_tre_actuals_2013.yaml")
    state = run_job(client, "/replan", {"from": "2014"})
    html = state["html"]
    assert 'id="plan-vs-actual"' in html and 'id="verdict">optimal' in html
    assert "verified" in html
    report = client.get(f"/jobs/{state['job']}/report.html").text
    assert 'class="plan-vs-actual"' in report and 'id="roster-table"' in report


def test_replan_with_uploaded_actuals(client):
    shipped = yaml.safe_load((SCENARIOS / "ben_tre_actuals_2013.yaml").read_text("utf-8"))
    text = yaml.safe_dump({"actuals": shipped["actuals"]}, allow_unicode=True)
    files = {"actuals": ("actuals.yaml", text.encode(), "application/yaml")}
    html = run_job(client, "/replan", {"from": "2014"}, files)["html"]
    assert 'id="plan-vs-actual"' in html and 'id="verdict">optimal' in html


def test_replan_with_an_uploaded_actuals_workbook(client, tmp_path):
    """The actuals sheets of a scenario workbook (`trainplan template --xlsx --from`)."""
    book = tmp_path / "past.xlsx"
    made = CliRunner().invoke(main, ["template", "--xlsx", str(book), "--from",
                                     str(SCENARIOS / "ben_tre_actuals_2013.yaml")])
    assert made.exit_code == 0, made.output
    files = {"actuals": ("past.xlsx", book.read_bytes(), "application/octet-stream")}
    html = run_job(client, "/replan", {"from": "2014"}, files)["html"]
    assert 'id="plan-vs-actual"' in html and 'id="verdict">optimal' in html


def test_replan_problems_in_the_cli_words_beside_the_field(client):
    errors = refused(client, "/replan", {"from": "2014"})  # Bến Tre itself has no actuals
    assert errors["actuals"] == ["error: ben_tre_2010_2020.yaml: actuals: no actuals section: "
                                 "give --actuals FILE or an 'actuals:' section"]
    assert list(refused(client, "/replan", {"from": "1990"})) == ["from"]
    files = {"actuals": ("past.yaml", b"actuals:\n  cohorts: 3\n", "application/yaml")}
    errors = refused(client, "/replan", {"from": "2014"}, files)["actuals"]
    assert errors[0].startswith("error: past.yaml:2: actuals.cohorts")
    files = {"actuals": ("past.txt", b"x", "text/plain")}
    assert refused(client, "/replan", {"from": "2014"}, files)["actuals"] == [
        "error: past.txt: not a .yaml, .yml, .xlsx or .xlsm file"]


def test_replan_when_targets_can_no_longer_be_met_explains_why(client):
    open_folder_file(client, "ben_tre_actuals_2013.yaml")
    client.post("/edit", json={"key": "budget.total", "value": "30000"})
    html = run_job(client, "/replan", {"from": "2014"})["html"]
    assert "The targets can no longer be met from 2014" in html
    assert 'id="explanation"' in html and 'id="plan-vs-actual"' in html
    assert "apply-repair" not in html  # a repair of the past is not a variant of the plan


# ----- (4) the staff register: a named roster ----------------------------------------------


def upload_staff(client, name: str, data: bytes):
    return client.post("/staff", files={"register": (name, data, "text/csv")})


def test_a_staff_register_turns_the_answer_into_a_named_roster(client):
    page = upload_staff(client, "ben_tre_staff.csv", STAFF.read_bytes())
    assert page.status_code == 200 and 'id="staff-name">ben_tre_staff.csv' in page.text
    html = run_job(client, "/solve")["html"]
    assert "500 courses to 500 named people" in html and "people verified" in html
    people = client.get("/download/roster_people.csv")
    assert people.text.startswith("person_id,name,unit,")
    first = people.text.splitlines()[1].split(",")
    assert first[1]  # a name
    assert first[1] in client.get("/download/report.html").text
    book = openpyxl.load_workbook(io.BytesIO(client.get("/download/plan.xlsx").content))
    assert any(name.startswith("People ") for name in book.sheetnames)
    run_job(client, "/solve", {"redact": "on"})
    redacted = client.get("/download/roster_people.csv").text.splitlines()[1].split(",")
    assert redacted[0] == first[0] and redacted[1] == ""
    client.post("/staff/clear")
    assert 'id="dl-people"' not in client.get("/").text
    run_job(client, "/solve")
    assert client.get("/download/roster_people.csv").status_code == 404


def test_the_register_may_be_a_workbooks_staff_sheet(client):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "staff"
    for row in csv.reader(STAFF.read_text("utf-8").splitlines()[1:]):
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    page = client.post("/staff", files={"register": ("register.xlsx", data.getvalue(),
                                                     "application/octet-stream")})
    assert page.status_code == 200 and 'id="staff-name">register.xlsx' in page.text, page.text
    html = run_job(client, "/solve")["html"]
    assert "500 courses to 500 named people" in html


def test_a_bad_register_is_refused_beside_the_field_in_the_cli_words(client):
    lines = STAFF.read_text("utf-8").splitlines()
    header = lines[1].split(",")
    row = lines[2].split(",")
    row[header.index("unit_type")] = "comune"
    bad = "\n".join([*lines[:2], ",".join(row), *lines[3:]]).encode()
    page = upload_staff(client, "staff.csv", bad)
    assert page.status_code == 400
    errors = re.findall(r'class="error staff-error">([^<]*)<', page.text)
    assert errors and errors[0].startswith("error: staff.csv:3")
    assert "comune" in page.text
    assert "choose a file first" in client.post("/staff", files={"other": ("a", b"")}).text
    too_big = upload_staff(client, "staff.csv", b"x" * (MAX_UPLOAD + 1))
    assert too_big.status_code == 413
    assert upload_staff(client, "staff.pdf", b"x").status_code == 400


# ----- (5) --robust P ----------------------------------------------------------------------


def test_robust_is_an_option_of_the_solve(client):
    files = {"scenario": ("hand.yaml", WORKFORCE_YAML.replace(
        "attrition_percent: 10", "attrition_percent: 10\n      recruits: {intermediate: "
        "{per_year: 2, cost_per_person: 15}}").encode(), "application/yaml")}
    assert client.post("/upload", files=files).status_code == 200
    assert 'id="robust-field"' in client.get("/").text
    html = run_job(client, "/solve", {"robust": "10"})["html"]
    assert "robust: every attrition raised by 10 percentage points" in html
    assert "the same plan at the expected attrition: 19 rules" in html
    plain = run_job(client, "/solve")["html"]
    assert 'id="robust"' not in plain
    risk = run_job(client, "/risk", {"runs": "50", "seed": "0", "robust": "10"})["html"]
    assert "hand case: 50 runs" in risk and "<table>" in risk
    assert list(refused(client, "/solve", {"robust": "100"})) == ["robust"]


def test_robust_without_a_workforce_is_refused_in_the_cli_words(client):
    errors = refused(client, "/solve", {"robust": "3"})
    assert errors == {"robust": ["error: ben_tre_2010_2020.yaml: --robust needs a workforce "
                                 "section (staff, attrition and targets); this scenario has "
                                 "none"]}
