"""`trainplan sweep`: grids, local processes and Dask alike, traceable rows, resume."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
from click.testing import CliRunner
from trainplan.cli import main
from trainplan.models.errors import ScenarioError
from trainplan.models.files import scenario_hash
from trainplan.models.loader import load_scenario
from trainplan.models.solution import SolveSettings
from trainplan.models.sweep import TIMING_COLUMNS
from trainplan.optimizer.grid import parse_grid
from trainplan.optimizer.whatif import SweepRun, plan_sweep

from tests.conftest import SCENARIOS

BEN_TRE = str(SCENARIOS / "ben_tre_2010_2020.yaml")
GRID = ["--grid", "budget.total=36000:38000:2000", "--grid", "capacity.starts_per_year=50,60,70"]
SETTINGS = SolveSettings(time_limit_s=120, workers=1)


def sweep(*args: str):
    return CliRunner().invoke(main, ["sweep", BEN_TRE, *args, "--time-limit", "120",
                                     "--jobs", "2"])


def read(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def untimed(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{k: v for k, v in r.items() if k not in TIMING_COLUMNS} for r in rows]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    out = tmp_path_factory.mktemp("fresh") / "results.csv"
    result = sweep(*GRID, "--out", str(out))
    assert result.exit_code == 0, result.output
    return result, read(out)


def test_every_point_is_solved_in_grid_order(fresh):
    result, rows = fresh
    assert [r["point"] for r in rows] == [
        f"budget.total={b};capacity.starts_per_year={p}"
        for b in (36000, 38000) for p in (50, 60, 70)]
    feasible = {r["point"] for r in rows if r["status"] == "optimal"}
    assert feasible == {"budget.total=38000;capacity.starts_per_year=60",
                        "budget.total=38000;capacity.starts_per_year=70"}
    assert all(r["verified"] == "yes" and r["total_cost"] == "37640"
               for r in rows if r["point"] in feasible)
    assert "solving" not in result.stderr  # no progress bar when not on a terminal


def test_frontier_gives_the_least_budget_per_level_of_places(fresh):
    result, _ = fresh
    assert "capacity.starts_per_year=50: none feasible on this grid" in result.stdout
    assert "capacity.starts_per_year=60: budget.total=38000 (cost 37,640" in result.stdout


def test_rows_trace_back_to_scenario_solver_and_settings(fresh):
    _, rows = fresh
    row = rows[4]
    sets = [f"budget.total={row['budget.total']}",
            f"capacity.starts_per_year={row['capacity.starts_per_year']}"]
    assert row["scenario_hash"] == scenario_hash(load_scenario(BEN_TRE, sets=sets).scenario)
    assert row["ortools"].count(".") == 2
    assert (row["time_limit_s"], row["solver_workers"], row["seed"]) == ("120.0", "1", "0")


def test_dask_cluster_gives_the_same_results_as_local_processes(fresh, tmp_path):
    from distributed import LocalCluster

    out = tmp_path / "dask.csv"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        result = sweep(*GRID, "--out", str(out), "--backend", "dask",
                       "--scheduler", cluster.scheduler_address)
    assert result.exit_code == 0, result.output
    assert untimed(read(out)) == untimed(fresh[1])


def test_resume_after_interruption_solves_only_the_missing_points(fresh, tmp_path):
    out = tmp_path / "results.csv"
    header, *body = _csv_lines(fresh[1])
    out.write_text("\n".join([header, *body[:2]]) + "\nbudget.total=38000;capaci")  # cut short
    result = sweep(*GRID, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "resumed: 2 done, 4 to go" in result.stderr
    rows = read(out)
    assert untimed(rows) == untimed(fresh[1])
    assert [r["seconds"] for r in rows[:2]] == [r["seconds"] for r in fresh[1][:2]]  # kept


def test_an_interrupted_run_keeps_what_it_wrote(tmp_path):
    out = tmp_path / "results.csv"
    plan = plan_sweep(load_scenario(BEN_TRE), GRID[1::2], SETTINGS)
    first = SweepRun(plan, out)
    for n, _ in enumerate(first.results("local", 2), 1):
        if n == 3:
            break  # as if interrupted
    assert len(read(out)) == 3
    again = SweepRun(plan, out)
    assert (len(again.rows), len(again.todo)) == (3, 3)
    assert len(list(again.results("local", 2))) == 3
    assert [r["point"] for r in again.finish()] == [p.id for p in plan.points]


def test_failed_points_are_redone_on_resume(fresh, tmp_path):
    out = tmp_path / "results.csv"
    rows = [dict(r) for r in fresh[1]]
    rows[1] |= {"status": "error", "error": "BrokenProcessPool: a worker died"}
    out.write_text("\n".join(_csv_lines(rows)) + "\n")
    plan = plan_sweep(load_scenario(BEN_TRE), GRID[1::2], SETTINGS)
    assert [p.id for p in SweepRun(plan, out).todo] == [rows[1]["point"]]


def test_a_failing_point_never_kills_the_sweep(tmp_path):
    out = tmp_path / "results.csv"
    result = sweep("--grid", "budget.total=-5,40000", "--out", str(out))
    assert result.exit_code == 4, result.output  # one point has no answer
    bad, good = read(out)
    assert bad["status"] == "invalid" and "budget.total" in bad["error"]
    assert good["status"] == "optimal" and good["verified"] == "yes"


def test_resuming_with_other_settings_is_refused(fresh, tmp_path):
    out = tmp_path / "results.csv"
    out.write_text("\n".join(_csv_lines(fresh[1][:2])) + "\n")
    result = CliRunner().invoke(main, ["sweep", BEN_TRE, *GRID, "--out", str(out),
                                       "--time-limit", "30"])  # the rows were solved with 120
    assert result.exit_code == 2
    assert "time_limit_s" in result.stderr and "Traceback" not in result.output


@pytest.mark.parametrize("spec, values", [
    ("budget.total=40000:44000:2000", (40000, 42000, 44000)),
    ("budget.total=44000:40000:-2000", (44000, 42000, 40000)),
    ("levels.college.completion_rate_percent=90:91:0.5", (90.0, 90.5, 91.0)),
    ("capacity.starts_per_year=50, 60,70", (50, 60, 70)),
    ("budget.total=45000", (45000,)),
])
def test_grid_syntax(spec, values):
    assert parse_grid(spec).values == values


@pytest.mark.parametrize("args, words", [
    (["--grid", "budget.total"], "write KEY=START:STOP:STEP"),
    (["--grid", "budget.total=1:9"], "a range is start:stop:step"),
    (["--grid", "budget.total=9:1:2"], "never gets from 9 to 1"),
    (["--grid", "budget.total=a:b:1"], "is not a number"),
    (["--grid", "budget.total=1,1"], "listed twice"),
    (["--grid", "budget.total=0:100000000:1"], "a sweep takes at most 100,000 points"),
    (["--grid", "budget.total=1:1000:1", "--grid", "capacity.starts_per_year=1:1000:1"],
     "more than 100,000 combinations"),
    (["--grid", "budget.totl=1,2"], "unknown key 'totl'"),
    (["--grid", "budget.total=1", "--grid", "budget.total=2"], "one --grid only"),
    (["--grid", "budget.total=1", "--frontier", "x"], "name one of the --grid keys"),
    (["--grid", "budget.total=1", "--scheduler", "tcp://x:1"], "needs --backend dask"),
    ([], "give at least one --grid"),
])
def test_bad_options_exit_2_and_write_nothing(tmp_path, args, words):
    out = tmp_path / "results.csv"
    result = sweep(*args, "--out", str(out))
    assert result.exit_code == 2, result.output
    assert words in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


def test_grid_errors_are_scenario_errors():
    with pytest.raises(ScenarioError, match="--grid"):
        parse_grid("=1")


def _csv_lines(rows: list[dict[str, str]]) -> list[str]:
    buf = StringIO()
    writer = csv.DictWriter(buf, list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().splitlines()


def _children(pid: int) -> set[int]:
    """Every live descendant of a process, read from /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_killing_a_sweep_leaves_no_worker_running(tmp_path):
    """kill -9 of a sweep: its pool workers (and the resource tracker) go within seconds."""
    grid = ["--grid", "budget.total=30000:60000:100", "--grid", "capacity.starts_per_year=50,70"]
    proc = subprocess.Popen(
        [sys.executable, "-c", "from trainplan import cli; cli.main()", "sweep", BEN_TRE, *grid,
         "--jobs", "2", "--time-limit", "120", "--out", str(tmp_path / "r.csv")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=Path(__file__).parent.parent)
    try:
        deadline = time.monotonic() + 60
        while len(children := _children(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(children) >= 2, "the sweep started no workers"
        time.sleep(1)
        children = _children(proc.pid)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 5
    while any(map(_alive, children)) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in children if _alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == []


def test_a_local_dask_cluster_listens_on_loopback_only(monkeypatch):
    import distributed

    asked: dict = {}

    class Refused(Exception):
        pass

    def local_cluster(**kwargs):
        asked.update(kwargs)
        raise Refused

    monkeypatch.setattr(distributed, "LocalCluster", local_cluster)
    plan = plan_sweep(load_scenario(BEN_TRE), GRID[1::2], SETTINGS)
    with pytest.raises(Refused):
        list(SweepRun(plan, None).results("dask", 1))
    assert asked["host"] == "127.0.0.1"
    assert asked["dashboard_address"] is None


def test_dask_backend_without_dask_names_the_install_command(monkeypatch, tmp_path):
    # None in sys.modules makes `import distributed` raise ImportError, as when not installed
    monkeypatch.setitem(sys.modules, "distributed", None)
    monkeypatch.setitem(sys.modules, "dask", None)
    out = tmp_path / "r.csv"
    result = sweep(*GRID, "--out", str(out), "--backend", "dask")
    assert result.exit_code == 2, result.output
    assert "install the extra with: pip install 'trainplan[dask]'" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


# ----- points answered from a point that dominates them (models.sweep.dominates) -----------


def _rows_without_timing(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return sorted(({k: v for k, v in r.items() if k not in TIMING_COLUMNS} for r in rows),
                  key=lambda r: r["point"])


def test_points_answered_from_dominating_points_are_the_rows_of_solving_each(monkeypatch):
    """Proven infeasible and proven goal values carried to tighter points change no row.

    The grid has infeasible points (too little money or too few places), points whose
    dominating plan breaks their ceilings (solved afresh) and points whose goals come
    from a looser point (only the tie-break solved); each row must equal the row of
    solving that point on its own, the way a sweep did before.
    """
    from trainplan.models.sweep import loosest_first
    from trainplan.optimizer import whatif

    grid = ["budget.total=36000:46000:2000", "capacity.starts_per_year=45,55,70,100"]
    sw = plan_sweep(load_scenario(BEN_TRE), grid, SETTINGS)
    alone = [whatif.run_point(sw.base, p, SETTINGS, sw.name) for p in sw.points]

    used = {"known goals": 0, "infeasible": 0}
    recall, infeasible_at = whatif.PointMemory.recall, whatif.Known.infeasible_at

    def counting_recall(self, exact):
        goals = recall(self, exact)
        used["known goals"] += goals is not None
        return goals

    def counting_infeasible(self, point):
        found = infeasible_at(self, point)
        used["infeasible"] += found
        return found

    monkeypatch.setattr(whatif.PointMemory, "recall", counting_recall)
    monkeypatch.setattr(whatif.Known, "infeasible_at", counting_infeasible)
    together = whatif.run_chunk(sw.base, loosest_first(sw.points), SETTINGS, sw.name)

    statuses = {r["status"] for r in alone}
    assert statuses == {"optimal", "infeasible"}, statuses
    assert used["known goals"] >= 5 and used["infeasible"] >= 3, used
    assert _rows_without_timing(together) == _rows_without_timing(alone)


class Remembered:
    """A goal memory that recalls the given values for the first pass."""

    def __init__(self, goals):
        self.goals = goals

    def recall(self, exact):
        return self.goals if not exact else None

    def remember(self, exact, goals):
        pass


def test_known_goal_values_give_the_tie_break_stage_the_same_model(monkeypatch):
    """Why the roster cannot change: the model the tie-break solves is the same, byte for byte."""
    from ortools.sat.python import cp_model
    from trainplan.optimizer.solve import solve

    sc = load_scenario(BEN_TRE).scenario
    solved: list[str] = []
    real_solve = cp_model.CpSolver.solve

    def recording(self, model, *args, **kwargs):
        solved.append(str(model.proto))
        return real_solve(self, model, *args, **kwargs)

    monkeypatch.setattr(cp_model.CpSolver, "solve", recording)
    fresh = solve(sc, SETTINGS)
    fresh_solves = list(solved)
    solved.clear()
    known = solve(sc, SETTINGS, memory=Remembered(fresh.goals))
    assert len(fresh_solves) == len(sc.objective) + 1 and len(solved) == 1
    assert solved[-1] == fresh_solves[-1]
    assert known.roster == fresh.roster and known.goals == fresh.goals


def test_wrong_known_goal_values_are_never_an_answer():
    """Goal values no plan of this scenario reaches: the scenario is solved from the start."""
    from trainplan.models.solution import GoalResult
    from trainplan.optimizer.solve import solve

    sc = load_scenario(BEN_TRE).scenario
    fresh = solve(sc, SETTINGS)
    too_good = [GoalResult(name=g.name, value=g.value - 1, bound=g.value - 1, optimal=True)
                for g in fresh.goals]
    again = solve(sc, SETTINGS, memory=Remembered(too_good))
    assert (again.status, again.goals, again.roster) == (fresh.status, fresh.goals, fresh.roster)
    assert again.status.name == "optimal"


def test_dominance_gives_the_rows_of_solving_each_point_on_random_small_plans():
    """Cross-check on 20 random small plans (all three goals, mixed course lengths).

    Each plan gets a 3 x 3 grid of total budget x yearly places; the sweep's way
    (points loosest first, goals and infeasibility carried to dominated points) must
    give every row that solving each point on its own gives.
    """
    import random

    from trainplan.models.loader import LoadedScenario
    from trainplan.models.sweep import loosest_first
    from trainplan.optimizer import whatif

    from tests.test_verdicts import LEVELS, plan

    rng = random.Random(13)
    seen: set[str] = set()
    for case in range(20):
        staff = rng.randint(3, 6)
        levels = rng.sample(list(LEVELS), rng.randint(2, 3))
        quotas = {lv: {rng.choice(["exact", "at_least"]): rng.randint(1, 5)} for lv in levels}
        sc = plan(rng.randint(1, 3), staff, rng.randint(1, staff - 1), quotas,
                  2020 + rng.randint(3, 6), {lv: rng.randint(1, 50) for lv in LEVELS})
        sc = sc.model_copy(update={"objective": ["min_cost", "smooth_intake",
                                                 "earliest_completion"]})
        cost = sum(q.people for q in sc.unit_types[0].quotas.values()) * 50 * 4
        grid = [f"budget.total={','.join(str(rng.randint(cost // 8, cost)) for _ in range(3))}",
                f"capacity.starts_per_year={','.join(map(str, rng.sample(range(1, 8), 3)))}"]
        sw = plan_sweep(LoadedScenario(sc, Path("random.yaml")), grid, SETTINGS)
        alone = [whatif.run_point(sw.base, p, SETTINGS, sw.name) for p in sw.points]
        together = whatif.run_chunk(sw.base, loosest_first(sw.points), SETTINGS, sw.name)
        assert _rows_without_timing(together) == _rows_without_timing(alone), case
        seen |= {r["status"] for r in alone}
    assert {"optimal", "infeasible"} <= seen, seen


@pytest.mark.parametrize("name", ["ben_tre_2010_2020.yaml", "thua_thien_hue_2021_2030.yaml",
                                  "ben_tre_short_courses.yaml", "ben_tre_workforce.yaml"])
def test_each_ceiling_key_is_read_by_its_one_rule_only(name):
    """`models.sweep.CEILINGS` is what dominance rests on: check it against the model.

    Built at two values of a ceiling key (with a switch literal per rule instance, which
    names its rule), the models differ only in constraints of the declared rule, and
    only in their bounds; no variable's domain changes.
    """
    from trainplan.models.loader import apply_change, validate
    from trainplan.models.sweep import CEILINGS
    from trainplan.optimizer.model import build

    sc = load_scenario(SCENARIOS / name).scenario
    names: list[str] = []
    for key, rule in CEILINGS.items():
        base = sc.model_dump()
        current = base["budget"]["total"] if key == "budget.total" else \
            base["capacity"]["starts_per_year"]
        if current is None:
            continue
        models = []
        for value in (current, current // 2):
            data = sc.model_dump()
            apply_change(data, {}, key, value, "--set", None)
            models.append(build(validate(data, {}, name), switches=True).model.proto)
        low, high = models
        assert [str(v) for v in low.variables] == [str(v) for v in high.variables]
        assert len(low.constraints) == len(high.constraints)
        changed = [i for i, (a, b) in enumerate(zip(low.constraints, high.constraints,
                                                     strict=True)) if str(a) != str(b)]
        assert changed, key
        for i in changed:
            [literal] = low.constraints[i].enforcement_literal
            assert low.variables[literal].name.startswith(f"on[{rule}:"), (key, i)
        names.append(key)
    assert names
