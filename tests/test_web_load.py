"""A bounded load test on localhost: 20 concurrent solves of Bến Tre variants, none lost.

Each of 20 browsers (its own session) sets its own budget and solves at once;
every solve must finish with a verified plan within the time bound, the page
must keep answering while they run, and the server's memory stays bounded.
"""

from __future__ import annotations

import re
import threading
import time

import httpx
import psutil

from tests.conftest import SCENARIOS
from tests.test_web_browser import running_server

SOLVES = 20
#: Seconds for all of them (they take about 0.5 s each on two worker processes).
BOUND_S = 60
#: Resident memory of the server process itself, and of each worker process, in MB.
SERVER_RSS_MB = 400
WORKER_RSS_MB = 800


def one_browser(address: str, budget: int, out: dict, errors: list) -> None:
    """Open the page, set a budget, solve, wait for the answer."""
    try:
        with httpx.Client(base_url=address, timeout=30) as client:
            client.get("/")
            client.post("/edit", json={"key": "budget.total", "value": str(budget)})
            job = client.post("/solve").json()["job"]
            end = time.monotonic() + BOUND_S
            while time.monotonic() < end:
                state = client.get(f"/jobs/{job}").json()
                if state["state"] in ("done", "failed"):
                    out[budget] = state
                    return
                time.sleep(0.25)
    except Exception as exc:  # recorded, and asserted on below
        errors.append(f"{budget}: {exc!r}")


def test_twenty_concurrent_solves_complete_and_memory_stays_bounded():
    with running_server(str(SCENARIOS / "ben_tre_2010_2020.yaml")) as (address, server):
        process = psutil.Process(server.pid)
        listening = [c.laddr for c in process.net_connections() if c.status == "LISTEN"]
        assert [a.ip for a in listening] == ["127.0.0.1"]  # localhost only by default
        budgets = [40000 + 1000 * i for i in range(SOLVES)]
        out: dict = {}
        errors: list = []
        threads = [threading.Thread(target=one_browser, args=(address, b, out, errors))
                   for b in budgets]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        time.sleep(1.0)
        answered = time.monotonic()
        page = httpx.get(address, timeout=10)
        assert page.status_code == 200 and time.monotonic() - answered < 5  # not blocked
        for t in threads:
            t.join(BOUND_S + 30)
        took = time.monotonic() - t0
        rss_mb = process.memory_info().rss / 1e6
        workers_mb = [c.memory_info().rss / 1e6 for c in process.children(recursive=True)]
    assert errors == []
    assert sorted(out) == budgets, "a solve was lost"
    for budget, state in out.items():
        assert state["state"] == "done", (budget, state)
        assert re.search(r"\b0 violations", state["html"]), budget
    assert took < BOUND_S, took
    assert rss_mb < SERVER_RSS_MB, rss_mb
    assert workers_mb and max(workers_mb) < WORKER_RSS_MB, workers_mb
    print(f"{SOLVES} solves in {took:.1f} s; server RSS {rss_mb:.0f} MB, workers "
          f"{', '.join(f'{m:.0f}' for m in workers_mb)} MB")


def test_the_address_printed_answers_only_localhost_names():
    with running_server("--host", "127.0.0.1") as (address, _):
        port = address.rsplit(":", 1)[1].strip("/")
        assert address == f"http://127.0.0.1:{port}/"
        assert httpx.get(f"http://localhost:{port}/", timeout=10).status_code == 200
        rebound = httpx.get(address, headers={"host": f"evil.example:{port}"}, timeout=10)
        assert rebound.status_code == 400  # a web site's DNS rebinding is refused


def test_the_workers_end_when_the_server_is_killed():
    with running_server(str(SCENARIOS / "ben_tre_2010_2020.yaml"), processes=1) as (address,
                                                                                    server):
        with httpx.Client(base_url=address, timeout=30) as client:
            client.get("/")
            job = client.post("/solve").json()["job"]
            while client.get(f"/jobs/{job}").json()["state"] not in ("done", "failed"):
                time.sleep(0.2)
        workers = psutil.Process(server.pid).children(recursive=True)
        assert workers
        server.kill()  # kill -9: no shutdown code runs in the server
        server.wait()
        _, alive = psutil.wait_procs(workers, timeout=5)
        assert alive == []
