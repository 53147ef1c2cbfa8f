"""Start-up time: `trainplan --help` and a whole Bến Tre solve against importing the solver.

Run (from the project root, with trainplan installed in .venv):
    .venv/bin/python benchmarks/startup.py              # 7 rounds
    .venv/bin/python benchmarks/startup.py --runs 11

Three commands, each a fresh process, run in turn (A B C A B C ...) after one
warm-up round, so that a drift in the machine's speed touches all three alike:
  help     trainplan --help
  solve    trainplan solve scenarios/ben_tre_2010_2020.yaml --out <temp dir>
  import   python -c "import ortools.sat.python.cp_model, pandas"
Printed: machine, per command the median [min-max] wall seconds, and the ratios
help/import and solve/import (median of the per-round ratios, with their range).
Targets: help within 1.3x and solve within 1.5x of the import.

This prints numbers; it is not a test.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.run import cpu_name  # noqa: E402

SCENARIO = ROOT / "scenarios" / "ben_tre_2010_2020.yaml"
TARGETS = {"help": 1.3, "solve": 1.5}


def commands(trainplan: str, out_dir: str) -> dict[str, list[str]]:
    return {
        "help": [trainplan, "--help"],
        "solve": [trainplan, "solve", str(SCENARIO), "--out", out_dir],
        "import": [sys.executable, "-c", "import ortools.sat.python.cp_model, pandas"],
    }


def wall(command: list[str]) -> float:
    """Seconds one run of `command` takes, from start to exit; a failing run stops here."""
    t0 = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed (exit {done.returncode}): {done.stderr.decode()}")
    return seconds


def spread(values: list[float], digits: int = 3) -> str:
    return (f"{statistics.median(values):.{digits}f} "
            f"[{min(values):.{digits}f}-{max(values):.{digits}f}]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="counted rounds (default 7)")
    parser.add_argument("--trainplan", default=str(Path(sys.executable).parent / "trainplan"),
                        help="the trainplan command (default: beside this Python)")
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"machine: {cpu_name()}, {cores} cores, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as out_dir:
        cmds = commands(args.trainplan, out_dir)
        for command in cmds.values():  # warm-up: file caches, byte code
            wall(command)
        times: dict[str, list[float]] = {name: [] for name in cmds}
        for _ in range(args.runs):
            for name, command in cmds.items():
                times[name].append(wall(command))
    print(f"{args.runs} rounds, wall seconds, median [min-max]:")
    for name, command in cmds.items():
        print(f"  {name:<7} {spread(times[name])}   {' '.join(command[-4:])}")
    for name, target in TARGETS.items():
        ratios = [a / b for a, b in zip(times[name], times["import"], strict=True)]
        verdict = "within" if statistics.median(ratios) <= target else "over"
        print(f"  {name}/import ratio {spread(ratios, 2)}  (target <= {target}x: {verdict})")


if __name__ == "__main__":
    main()
