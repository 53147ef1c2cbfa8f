"""National instance with short courses: every commune worker on a course once a year.

Run:
    .venv/bin/python benchmarks/short_courses.py            # 11 years, 2 workers
    .venv/bin/python benchmarks/short_courses.py --years 9 --workers 1

The long-course part is `benchmarks/national.py`'s national scenario (10,599
communes x 2 staff, ...); on top of it one skills course, held in the 63
provincial towns (at most 12 classes of 20-40 each a year), must reach every
commune worker every year: at least 21,198 commune person-times a year and at
most 2 per commune (`max_per_unit_per_year`). Long-course trainees may attend
(the courses are held at work). The total budget and yearly ceiling grow by the
most the short courses could cost (every class of 20). The solve is verified by
the independent checker, and the script prints the status, each goal, and the
build and solve seconds (one run: the machine is shared). Every figure here is an
ASSUMPTION for benchmarking, not a national plan.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from trainplan.models.scenario import Scenario  # noqa: E402
from trainplan.models.solution import SolveSettings  # noqa: E402
from trainplan.optimizer.solve import solve_verified  # noqa: E402

from benchmarks.national import NATIONAL_UNITS, national_scenario  # noqa: E402
from benchmarks.run import cpu_name  # noqa: E402

PROVINCES = 63
MIN_CLASS, MAX_CLASS, CLASSES_PER_TOWN = 20, 40, 12
COST_PER_CLASS, COST_PER_PARTICIPANT = 20, 1


def short_national(years: int = 11) -> dict:
    """The national scenario with every commune worker on the skills course every year."""
    data = national_scenario(years=years)
    data.pop("short_courses", None)
    commune = next(ut for ut in data["unit_types"] if ut["id"] == "commune")
    workers = commune["units"] * commune["staff_per_unit"]
    most_per_year = math.ceil(workers / MIN_CLASS) * COST_PER_CLASS \
        + workers * COST_PER_PARTICIPANT
    data["budget"]["total"] += most_per_year * years
    data["budget"]["per_year"] += most_per_year
    data["short_courses"] = {
        "places": [{"id": f"province-{i:02d}", "classes_per_year": CLASSES_PER_TOWN}
                   for i in range(1, PROVINCES + 1)],
        "courses": [{"id": "skills", "label_vi": "Tập huấn kỹ năng", "label_en": "Skills",
                     "days": 5, "unit_types": ["commune"], "min_class": MIN_CLASS,
                     "max_class": MAX_CLASS, "cost_per_class": COST_PER_CLASS,
                     "cost_per_participant": COST_PER_PARTICIPANT}],
        "targets": [{"id": "every-worker-every-year", "unit_types": ["commune"],
                     "each_year": True, "at_least": workers}],
        "max_per_unit_per_year": {"commune": commune["staff_per_unit"]},
        "long_course_trainees_attend": True,
    }
    return data


def main(argv: list[str]) -> int:
    """Solve the instance once and print its figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--years", type=int, default=11)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--time-limit", type=float, default=60.0)
    args = ap.parse_args(argv)
    sc = Scenario.model_validate(short_national(args.years))
    settings = SolveSettings(time_limit_s=args.time_limit, workers=args.workers)
    t0 = time.perf_counter()
    result, check = solve_verified(sc, settings)
    wall = time.perf_counter() - t0
    roster = result.roster
    print(f"machine: {cpu_name()}, {args.workers} workers")
    print(f"instance: {sum(NATIONAL_UNITS.values()):,} units, {args.years} years, "
          f"{len(sc.short_courses.places)} places")
    print(f"status: {result.status.value}; verified: "
          f"{'no roster' if check is None else check.summary()}")
    for g in result.goals:
        print(f"  {g.name}: {g.value:,} (bound {g.bound:,}, proven {g.optimal})")
    if roster is not None:
        print(f"short courses: {sum(r.classes for r in roster.classes):,} classes, "
              f"{sum(r.participants for r in roster.attendance):,} person-times")
    print(f"build {result.build_seconds:.2f} s, solve {result.solve_seconds:.2f} s, "
          f"wall (with split and check) {wall:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
