"""A national-size scenario, scaled from Bến Tre's plan, for benchmarks.

Run:
    .venv/bin/python benchmarks/national.py                 # print the YAML
    .venv/bin/python benchmarks/national.py out.yaml        # write it to a file
    .venv/bin/python benchmarks/national.py out.yaml --seed 3 --years 13

Vietnam in 2010: 10,599 communes, 705 districts, 400 care facilities,
63 provinces, 100 schools. Levels (durations, costs, completion) are Bến Tre's.
Each unit type keeps Bến Tre's staff per unit and concurrency limit, and its
people are split over levels in Bến Tre's proportions (largest remainder, so a
type's quotas add up to units x staff exactly, as in Bến Tre's table).
Places, total budget and yearly ceiling are Bến Tre's times the ratio of people
(national / Bến Tre; yearly figures also x 11 / years). Milestones are Bến Tre's
shares, with their deadlines at the same offset from the start (clamped to the
horizon).

`seed=0` is the exact scaling; another seed moves up to 1% of each unit type's
people from one of its levels to another at random (totals per type unchanged),
to vary the instance; the budget then follows the people ratio as before.

Every figure here is an ASSUMPTION for benchmarking, not a national plan.
"""

from __future__ import annotations

import math
import random
import sys
from fractions import Fraction
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from trainplan.models.loader import load_scenario  # noqa: E402
from trainplan.models.scenario import Scenario  # noqa: E402

BEN_TRE = ROOT / "scenarios" / "ben_tre_2010_2020.yaml"
NATIONAL_UNITS = {"commune": 10_599, "district": 705, "facility": 400, "province": 63,
                  "school": 100}
BT_YEARS = 11


def _split(total: int, weights: dict[str, int]) -> dict[str, int]:
    """Split `total` over keys in proportion to weights (largest remainder, stable)."""
    wsum = sum(weights.values())
    exact = {k: total * w / wsum for k, w in weights.items()}
    out = {k: math.floor(v) for k, v in exact.items()}
    left = total - sum(out.values())
    order = sorted(weights, key=lambda k: (-(exact[k] - out[k]), list(weights).index(k)))
    for k in order[:left]:
        out[k] += 1
    return out


def _number(value):
    """Decimal -> int when whole, else float (for YAML)."""
    return int(value) if value == int(value) else float(value)


def national_scenario(years: int = 11, seed: int = 0) -> dict:
    """A scenario dict of national size (validated by models.scenario.Scenario)."""
    if years < 8:
        raise ValueError("years must be at least 8 (courses chain up to 7 years per commune)")
    bt = load_scenario(BEN_TRE).scenario
    rng = random.Random(seed)
    first = bt.horizon.first_year
    last = first + years - 1

    unit_types = []
    for ut in bt.unit_types:
        units = NATIONAL_UNITS[ut.id]
        people = units * ut.staff_per_unit
        quotas = _split(people, {lid: q.people for lid, q in ut.quotas.items()})
        if seed and len(quotas) > 1:
            src, dst = rng.sample(sorted(quotas), 2)
            quotas[src], quotas[dst] = (quotas[src] - (moved := rng.randint(
                0, min(quotas[src], people // 100))), quotas[dst] + moved)
        entry = {"id": ut.id, "label_vi": ut.label_vi, "label_en": ut.label_en,
                 "units": units, "staff_per_unit": ut.staff_per_unit}
        if ut.max_in_training_per_unit is not None:
            entry["max_in_training_per_unit"] = ut.max_in_training_per_unit
        entry["quotas"] = quotas
        unit_types.append(entry)

    bt_people = sum(q.people for ut in bt.unit_types for q in ut.quotas.values())
    people = sum(sum(ut["quotas"].values()) for ut in unit_types)
    ratio = Fraction(people, bt_people)
    yearly = ratio * BT_YEARS / years
    level_totals = {lv.id: sum(ut["quotas"].get(lv.id, 0) for ut in unit_types)
                    for lv in bt.levels}

    capacity: dict = {}
    if bt.capacity.starts_per_year is not None:
        capacity["starts_per_year"] = math.ceil(Fraction(bt.capacity.starts_per_year) * yearly)
    budget: dict = {}
    if bt.budget.total is not None:
        budget["total"] = math.ceil(Fraction(bt.budget.total) * ratio)
    if bt.budget.per_year is not None:
        budget["per_year"] = math.ceil(Fraction(bt.budget.per_year) * yearly)

    milestones = []
    for ms in bt.milestones:
        # the plan's end stays the plan's end; other deadlines keep their offset
        by_year = (last if ms.by_year == bt.horizon.last_year
                   else min(last, first + ms.by_year - bt.horizon.first_year))
        entry = {"id": ms.id, "label": ms.label, "by_year": by_year}
        if ms.unit_types is not None:
            entry["unit_types"] = list(ms.unit_types)
        if ms.levels is not None:
            entry["levels"] = list(ms.levels)
        if ms.people is not None:
            entry["people"] = math.ceil(ms.people * ratio)
        else:
            entry["share_percent"] = _number(ms.share_percent)
        milestones.append(entry)

    data = {
        "name": f"Vietnam national {first}-{last} (benchmark, scaled from Bến Tre, seed {seed})",
        "description": (f"Benchmark instance: Bến Tre's plan scaled to "
                        f"{sum(NATIONAL_UNITS.values()):,} units ({people:,} people, "
                        f"x{float(ratio):.3f})."),
        "source": "generated by benchmarks/national.py from scenarios/ben_tre_2010_2020.yaml",
        "horizon": {"first_year": first, "last_year": last},
        "levels": [
            {"id": lv.id, "label_vi": lv.label_vi, "label_en": lv.label_en,
             "duration_years": lv.duration_years,
             "cost_per_trainee_year": _number(lv.cost_per_trainee_year),
             "completion_rate_percent": _number(lv.completion_rate_percent)}
            for lv in bt.levels
        ],
        "unit_types": unit_types,
        "stated_total_people": people,
        "stated_level_totals": level_totals,
        "capacity": capacity,
        "budget": budget,
        "milestones": milestones,
        "objective": list(bt.objective),
    }
    Scenario.model_validate(data)  # fail here, not in the benchmark, if it is malformed
    return data


def main(argv: list[str]) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", nargs="?", help="YAML file to write (default: stdout)")
    ap.add_argument("--years", type=int, default=11)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    data = national_scenario(years=args.years, seed=args.seed)
    text = ("# Generated by benchmarks/national.py (ASSUMPTION: scaled from Bến Tre; "
            "not a national plan).\n"
            + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100))
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
