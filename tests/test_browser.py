"""The HTML report in headless Chromium: the charts draw, nothing errs, nothing loads.

Skipped when Chromium is not installed, except under CI (CI=true), where a
missing browser fails the test so CI cannot pass without rendering the report.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from trainplan.models.checker import verify
from trainplan.models.loader import load_scenario
from trainplan.optimizer.solve import solve
from trainplan.reports.charts import CHARTS
from trainplan.reports.html import html_report

from tests.conftest import FAST, SCENARIOS

WIDTH, HEIGHT = 1200, 3000


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed, but CI=true: the browser test must run in CI")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return found


@pytest.fixture(scope="module")
def browser() -> str:
    return chromium()


def run_chromium(browser: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
               "--no-first-run", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", f"--user-data-dir={profile}", f"--window-size={WIDTH},{HEIGHT}",
               "--hide-scrollbars", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


@pytest.fixture(scope="module")
def report(browser, tmp_path_factory) -> Path:
    sc = load_scenario(SCENARIOS / "ben_tre_2010_2020.yaml").scenario
    result = solve(sc, FAST)
    check = verify(sc, result.roster, result.goals)
    path = tmp_path_factory.mktemp("report") / "bao-cao.html"
    path.write_text(html_report(sc, result, check, "vi"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def rendered(browser, report, tmp_path_factory) -> tuple[str, str, np.ndarray]:
    """The DOM after the page ran, Chromium's log, and a screenshot as an RGB array."""
    work = tmp_path_factory.mktemp("chromium")
    dom = run_chromium(browser, work, "--enable-logging=stderr", "--v=0", "--dump-dom",
                       report.as_uri())
    shot = work / "shot.png"
    run_chromium(browser, work, f"--screenshot={shot}", report.as_uri())
    return dom.stdout, dom.stderr, plt.imread(shot)[..., :3]


def chart_boxes(dom: str) -> list[list[int]]:
    root = re.search(r"<html[^>]*>", dom)
    assert root, dom[:500]
    assert 'data-charts="ok"' in root.group(0), root.group(0)
    boxes = re.search(r'data-chart-boxes="([^"]*)"', root.group(0))
    assert boxes, root.group(0)
    return json.loads(html.unescape(boxes.group(1)))


def test_every_chart_has_a_size_and_shapes(rendered):
    dom, _, _ = rendered
    boxes = chart_boxes(dom)
    assert len(boxes) == len(CHARTS)
    assert all(w > 300 and h > 150 for _, _, w, h in boxes)
    assert '<html lang="vi"' in dom


def test_no_console_messages_and_nothing_fetched(rendered):
    dom, log, _ = rendered
    console = [line for line in log.splitlines() if ":CONSOLE" in line]
    assert console == []
    root = re.search(r"<html[^>]*>", dom).group(0)
    assert 'data-resources="0"' in root, root


def test_screenshot_is_not_blank(rendered):
    _, _, image = rendered
    assert image.shape[:2] == (HEIGHT, WIDTH)
    inked = (image < 0.9).any(axis=-1)
    assert inked.mean() > 0.03


def test_each_chart_region_is_drawn_in_colour(rendered):
    dom, _, image = rendered
    boxes = chart_boxes(dom)
    assert len(boxes) == len(CHARTS)
    for x, y, w, h in boxes:
        assert y + h <= HEIGHT and x + w <= WIDTH, "chart outside the screenshot"
        region = image[y:y + h, x:x + w]
        inked = (region < 0.9).any(axis=-1).mean()
        coloured = (region.max(axis=-1) - region.min(axis=-1) > 0.25).mean()
        assert inked > 0.05, (x, y, inked)
        assert coloured > 0.004, (x, y, coloured)  # bars and lines, not just black text
