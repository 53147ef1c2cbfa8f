"""The page's risk table and staff register in headless Chromium (as tests/test_web_browser)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.conftest import SCENARIOS
from tests.test_browser import chromium
from tests.test_web_browser import SOLVE_WAIT_MS, not_blank, running_server

if os.environ.get("CI") == "true":  # CI must drive the browser: a missing Playwright fails
    from playwright import sync_api as playwright_api
else:
    playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def page() -> Iterator:
    chromium()
    with running_server(str(SCENARIOS / "ben_tre_2010_2020.yaml"), processes=1) as (url, _), \
            playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        context = browser.new_context(accept_downloads=True,
                                      viewport={"width": 1280, "height": 1000})
        tab = context.new_page()
        tab.console_messages = []
        tab.on("console", lambda m: tab.console_messages.append(f"{m.type}: {m.text}"))
        tab.goto(url)
        yield tab
        browser.close()


def test_risk_shows_the_share_of_runs_table_and_the_fan_chart(page):
    page.fill("#risk-runs", "300")
    page.fill("#risk-seed", "7")
    page.click("#risk-button")
    page.wait_for_selector("#risk-result table", timeout=SOLVE_WAIT_MS)
    assert "300 runs with random course completion (seed 7)" in page.inner_text("#risk-result")
    rows = page.locator("#risk-result table tbody tr")
    assert rows.count() >= 1
    assert all(cell.endswith("%") for cell in
               page.locator("#risk-result table tbody tr td:last-child").all_inner_texts())
    assert page.locator("#risk-result svg").count() == 1
    assert not_blank(page.locator("#risk").screenshot()) > 0.02


def test_a_bad_register_shows_its_error_beside_the_field(page, tmp_path):
    bad = tmp_path / "staff.csv"
    bad.write_text("person_id,name\nP1,An\n", encoding="utf-8")
    page.set_input_files("#staff-file", str(bad))
    with page.expect_navigation():
        page.click("#staff-upload")
    assert page.inner_text(".staff-error").startswith("error: staff.csv")


def test_the_register_upload_gives_a_named_roster_and_its_redacted_download(page, tmp_path):
    page.console_messages.clear()  # the refused upload above answered 400, as it should
    page.set_input_files("#staff-file", str(SCENARIOS / "ben_tre_staff.csv"))
    with page.expect_navigation():
        page.click("#staff-upload")
    assert page.inner_text("#staff-name") == "ben_tre_staff.csv"
    page.check("#redact")
    page.click("#solve-button")
    page.wait_for_selector("#named", timeout=SOLVE_WAIT_MS)
    assert "500 courses to 500 named people" in page.inner_text("#named")
    with page.expect_download() as got:
        page.click("#answer-people")
    path = tmp_path / "roster_people.csv"
    got.value.save_as(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("person_id,name,unit,") and len(lines) == 501
    assert all(line.split(",")[1] == "" for line in lines[1:])  # redacted: no names
    assert page.console_messages == []
