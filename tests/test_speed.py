"""Speed work (issue 13) keeps every answer: the same rosters and sweep rows as before.

The digests below were taken from the code before the speed changes (commit d6a666f,
OR-Tools 9.15): a faster path that changed any roster byte or any sweep figure fails
here. Nothing is timed (benchmarks/ print the times).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from trainplan.cli import main
from trainplan.models.loader import load_scenario
from trainplan.models.solution import SolveSettings
from trainplan.optimizer.whatif import plan_sweep, run_point

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"

#: sha256 of roster.csv written by `trainplan solve` before the speed changes.
ROSTERS = [
    ("ben_tre_2010_2020.yaml", None,
     "9aede45166d2a382e01fa45357c916001c345645d5372409c7fcb98bb5697548"),
    ("ben_tre_variants.yaml", "less-money",
     "9aede45166d2a382e01fa45357c916001c345645d5372409c7fcb98bb5697548"),
    ("ben_tre_variants.yaml", "more-college-places",
     "41c06f1fde2ab8a7c84edb39697a91c0dfb40dbe04d363077e9d26ce01b21c83"),
    ("ben_tre_variants.yaml", "late-deadline",
     "1990d88c910909871ba12ccccd1d53a9d0444720d84fa9f83d7b67e0a4f6be83"),
    ("ben_tre_variants.yaml", "tight-years",
     "3cf94dffd8585ef7510b746ac39209671d6e18a1465c22422c0e170c21d5ae1f"),
    ("ben_tre_options.yaml", "lean-years",
     "a91ab91e13edee7993d2588af30dd27d0d2b66b1ff657b3921ca6900ddc4bcb6"),
    ("ben_tre_options.yaml", "early-university",
     "6a37999faf36209c96b9feebe5af6e8ce6c6531862969744e3e90bd8df73bf94"),
    ("ben_tre_options.yaml", "slow-start",
     "a76ece0c28bdd7d722b8beac6c50c210ad1744967c03b04ce52e1623e4911b5e"),
]

#: The README's sweep grid (benchmarks/sweep.py); every 50th point from the 4th.
GRID = ["budget.total=40000:58000:2000", "capacity.starts_per_year=55:100:5",
        "levels.university.cost_per_trainee_year=16:34:2"]
#: sha256 of those 20 rows (timing column left out) before the speed changes.
SWEEP_ROWS = "a3988ae3582a646116eb417615dfa1f903224a633cabe77baa20ab220ce287ac"


@pytest.mark.parametrize(("name", "variant", "digest"), ROSTERS)
def test_roster_bytes_unchanged(tmp_path, name, variant, digest):
    args = ["solve", str(SCENARIOS / name), "--out", str(tmp_path), "--time-limit", "120"]
    result = CliRunner().invoke(main, args + (["--variant", variant] if variant else []),
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert hashlib.sha256((tmp_path / "roster.csv").read_bytes()).hexdigest() == digest


def test_sweep_rows_unchanged():
    settings = SolveSettings(time_limit_s=120, workers=1)
    sweep = plan_sweep(load_scenario(SCENARIOS / "ben_tre_2010_2020.yaml"), GRID, settings)
    rows = []
    for point in sweep.points[3::50]:
        row = run_point(sweep.base, point, settings, sweep.name)
        row.pop("seconds")
        rows.append(row)
    assert {r["status"] for r in rows} == {"optimal"}
    assert hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest() == SWEEP_ROWS


def test_goal_stages_of_a_small_model_skip_presolve(monkeypatch):
    from trainplan.optimizer import solve as solve_module
    from trainplan.optimizer.model import build

    sc = load_scenario(SCENARIOS / "ben_tre_2010_2020.yaml").scenario
    m = build(sc, exact=frozenset())
    settings = SolveSettings(time_limit_s=5, workers=1)
    assert solve_module.goal_solver(m, settings).parameters.cp_model_presolve is False
    monkeypatch.setattr(solve_module, "NO_PRESOLVE_VARS", len(m.model.proto.variables) - 1)
    assert solve_module.goal_solver(m, settings).parameters.cp_model_presolve is True
    # the tie-break keeps CP-SAT's defaults, so its plan (the roster) is as before
    assert solve_module.new_solver(settings, workers=1, seed=0).parameters.cp_model_presolve


def test_points_go_out_in_chunks_each_once_loosest_first():
    from trainplan.models.sweep import Axis, chunks, dominates, grid_points
    from trainplan.optimizer.backends import CHUNK_POINTS, CHUNKS_PER_JOB

    points = grid_points([Axis("budget.total", tuple(range(1000)))])
    got = chunks(points, 2, CHUNK_POINTS, CHUNKS_PER_JOB)
    assert sorted(p.index for c in got for p in c) == list(range(1000))
    assert max(map(len, got)) == CHUNK_POINTS
    assert all(dominates(a, b) for c in got for a, b in itertools.pairwise(c))
    small = chunks(points[:6], 2, CHUNK_POINTS, CHUNKS_PER_JOB)  # one point a job
    assert [len(c) for c in small] == [1] * 6
    # Points that differ only in ceilings share a chunk when there are chunks enough.
    grid = grid_points([Axis("budget.total", (1, 2, 3)),
                        Axis("levels.college.seats", tuple(range(8))),
                        Axis("capacity.starts_per_year", (5, 6))])
    got = chunks(grid, 2, CHUNK_POINTS, CHUNKS_PER_JOB)
    assert len(got) == 8 and all(len(c) == 6 for c in got)
    for c in got:
        assert len({dict(p.values)["levels.college.seats"] for p in c}) == 1
        assert dominates(c[0], c[-1]) and not dominates(c[-1], c[0])


def test_a_failed_chunk_gives_each_of_its_points_an_error_row():
    from concurrent.futures import Future

    from trainplan.models.sweep import Axis, grid_points
    from trainplan.optimizer.backends import _chunk_rows

    points = grid_points([Axis("budget.total", (1, 2, 3))])
    fut: Future = Future()
    fut.set_exception(RuntimeError("worker died"))
    rows = _chunk_rows(fut, points, lambda p, exc: {"point": p.id, "error": str(exc)})
    assert rows == [{"point": p.id, "error": "worker died"} for p in points]


def test_spending_comes_in_whole_steps_of_the_level_costs():
    from trainplan.optimizer.explain import _spending_step
    from trainplan.optimizer.model import build

    sc = load_scenario(SCENARIOS / "ben_tre_2010_2020.yaml").scenario  # 15, 20, 25, 60
    assert _spending_step(build(sc, exact=frozenset())) == 5000  # 5 million VND, scaled


@pytest.mark.parametrize("name", ["kon_tum_2021_2025.yaml", "tay_ninh_2016_2020.yaml"])
def test_least_flat_ceiling_is_proven_and_tight(name):
    from decimal import Decimal

    from trainplan.optimizer.explain import is_feasible, min_budget, without_budget

    sc = load_scenario(SCENARIOS / name).scenario
    settings = SolveSettings(time_limit_s=60, workers=1)
    answer = min_budget(sc, settings, per_year=True, shares=())
    ceiling = answer.least_flat_ceiling
    assert answer.proven and ceiling is not None and answer.flat_ceiling_bound == ceiling
    assert answer.plan is not None and answer.plan.roster is not None
    assert is_feasible(without_budget(sc, ceiling), settings) is True
    # one model money unit (1,000 VND) less: no plan, though it is no whole step of spending
    assert is_feasible(without_budget(sc, ceiling - Decimal("0.001")), settings) is False


def test_repair_goal_stages_of_a_small_model_skip_presolve():
    from trainplan.optimizer.explain import _repair_goal_solver, _repair_solver
    from trainplan.optimizer.model import build

    sc = load_scenario(SCENARIOS / "ben_tre_2010_2020.yaml").scenario
    settings = SolveSettings(time_limit_s=5, workers=2)
    solver = _repair_goal_solver(build(sc, exact=frozenset()), settings)
    assert solver.parameters.cp_model_presolve is False
    assert (solver.parameters.num_workers, solver.parameters.random_seed) == (1, 0)
    assert _repair_solver(settings).parameters.cp_model_presolve  # the repair's own solve
