"""The web page in headless Chromium (Debian's), driven by Playwright, as a planner uses it.

One browser session goes from the shipped Bến Tre plan to a cut budget, its
explanation and repair, a verified repaired plan, a comparison of variants, a
downloaded workbook and the Vietnamese page. Skipped without Chromium, except
under CI (CI=true), where a missing browser fails (see tests/test_browser.py).
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib.pyplot as plt
import openpyxl
import pytest

from tests.conftest import ROOT, SCENARIOS
from tests.test_browser import chromium

if os.environ.get("CI") == "true":  # CI must drive the browser: a missing Playwright fails
    from playwright import sync_api as playwright_api
else:
    playwright_api = pytest.importorskip("playwright.sync_api")

#: Seconds a solve may take in the page (Bến Tre takes well under one).
SOLVE_WAIT_MS = 60_000


@contextmanager
def running_server(*args: str, processes: int = 2) -> Iterator[tuple[str, subprocess.Popen]]:
    """`trainplan serve ARGS --port 0 --no-browser` in a process; its address and process."""
    command = [sys.executable, "-m", "trainplan", "serve", *args, "--port", "0",
               "--no-browser", "--processes", str(processes)]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, start_new_session=True)
    try:
        line = server.stdout.readline()
        assert line.startswith("trainplan: serving on http://127.0.0.1:"), (
            line + server.stderr.read())
        yield line.split()[3], server
    finally:
        with contextlib.suppress(ProcessLookupError):  # a test may have killed it already
            os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@pytest.fixture(scope="module")
def address() -> Iterator[str]:
    chromium()
    with running_server(str(SCENARIOS / "ben_tre_2010_2020.yaml")) as (url, _):
        yield url


@pytest.fixture(scope="module")
def page(address):
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        context = browser.new_context(accept_downloads=True,
                                      viewport={"width": 1280, "height": 1000})
        tab = context.new_page()
        tab.console_messages, tab.requested = [], []
        tab.on("console", lambda m: tab.console_messages.append(f"{m.type}: {m.text}"))
        tab.on("request", lambda r: tab.requested.append(r.url))
        tab.goto(address)
        yield tab
        browser.close()


def not_blank(png: bytes) -> float:
    """The share of the screenshot's pixels that are drawn (not near-white)."""
    image = plt.imread(io.BytesIO(png), format="png")[..., :3]
    return float((image < 0.9).any(axis=-1).mean())


def test_1_bentre_opens_with_500_people(page):
    total = page.locator("#plan-table tr.total td").last
    assert total.inner_text() == "500"
    levels = page.locator("#plan-table tr.total td").all_inner_texts()[-5:]
    assert levels == ["108", "144", "200", "48", "500"]
    assert not_blank(page.screenshot(full_page=False)) > 0.02


def test_2_a_budget_below_the_least_is_explained_with_a_repair(page):
    field = page.locator('input[data-key="budget.total"]')
    field.fill("30000")
    page.wait_for_function("document.getElementById('edit-count').textContent === '1'")
    page.click("#solve-button")
    page.wait_for_selector("#explanation", timeout=SOLVE_WAIT_MS)
    assert "total training budget 30,000 million VND" in page.inner_text("#explanation")
    repair = page.locator("#repairs li").first
    assert "raise the total training budget from 30,000" in repair.inner_text()
    assert not_blank(page.locator("#solve").screenshot()) > 0.02


def test_3_the_repair_applied_gives_a_verified_plan(page):
    page.locator("#repairs .apply-repair").first.click()
    page.wait_for_selector("#variant-name")
    assert page.inner_text("#variant-name") == "repair-total_budget"
    page.click("#solve-button")
    page.wait_for_selector("#verification", timeout=SOLVE_WAIT_MS)
    assert "0 violations" in page.inner_text("#verification")
    assert page.inner_text("#verdict") == "optimal"
    report = page.frame_locator("iframe.report")
    report.locator("svg").first.wait_for(timeout=SOLVE_WAIT_MS)
    assert not_blank(page.screenshot(full_page=True)) > 0.02


def test_4_the_workbook_downloads_and_opens(page, tmp_path):
    with page.expect_download() as got:
        page.click("#dl-xlsx")
    path = tmp_path / "plan.xlsx"
    got.value.save_as(path)
    book = openpyxl.load_workbook(path)
    assert "Summary" in book.sheetnames and "Budget" in book.sheetnames


def test_5_two_variants_compared_side_by_side(page):
    page.check('input[name="names"][value="base"]')
    page.check('input[name="names"][value="repair-total_budget"]')
    page.click("#compare-button")
    page.wait_for_selector("#compare-table", timeout=SOLVE_WAIT_MS)
    heads = page.locator("#compare-table thead th").all_inner_texts()
    assert heads[1:] == ["base", "repair-total_budget"]
    assert page.locator("#compare-table tr.differs").count() >= 1


def test_5b_a_table_row_is_added_and_removed(page):
    form = page.locator('form.rows[data-key="milestones"]')
    form.locator('input[name="id"]').fill("m-new")
    with page.expect_navigation():
        form.locator('button[value="add"]').click()
    assert page.locator('input[data-key="milestones.m-new.by_year"]').count() == 1
    form = page.locator('form.rows[data-key="milestones"]')
    form.locator('input[name="id"]').fill("m-new")
    with page.expect_navigation():
        form.locator('button[value="remove"]').click()
    assert page.locator('input[data-key="milestones.m-new.by_year"]').count() == 0


def test_6_vietnamese_shows_52_500_trieu_dong(page):
    page.locator('button[form="open-variant"][value="base"]').click()
    page.wait_for_selector("#variant-name")
    page.click("#lang-switch")
    page.wait_for_selector('html[lang="vi"]')
    assert page.inner_text("#budget-total") == "52.500 triệu đồng"
    assert not_blank(page.screenshot()) > 0.02


def test_7_nothing_fetched_elsewhere_and_no_console_errors(page, address):
    assert page.requested and all(url.startswith(address) for url in page.requested)
    assert page.console_messages == []


def test_serve_refuses_a_taken_port(address):
    port = address.rsplit(":", 1)[1].strip("/")
    done = subprocess.run([sys.executable, "-m", "trainplan", "serve", "--port", port,
                           "--no-browser"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 2 and f"cannot listen on 127.0.0.1:{port}" in done.stderr
