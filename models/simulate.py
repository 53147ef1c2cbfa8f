"""Risk: how often a plan's targets hold when course completion is drawn at random.

Each run draws, for every cohort of the plan (unit type, level, start year), its
graduates from a binomial distribution: each starter completes with the level's
completion rate, independently. A quota holds in a run when at least its people
graduate (at most, for an `at_most` quota); a milestone when the graduates of its
unit types and levels by its year reach its target. All runs are drawn at once
(numpy arrays of runs x cohorts) from one seeded generator, so the same plan, runs
and seed give the same figures. Solver-free: numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from trainplan.models.scenario import RATE_SCALE, Scenario

Cohort = tuple[str, str, int]
#: Percentiles of the fan chart (lowest band to highest).
FAN_PERCENTILES = (5, 25, 50, 75, 95)


@dataclass(frozen=True)
class TargetRisk:
    """One target: in how many of the runs it held."""

    kind: str  # "quota" or "milestone"
    id: str
    label: str
    required: int
    held: int
    runs: int

    @property
    def share(self) -> float:
        """Share of runs in which the target held (0 to 1)."""
        return self.held / self.runs


@dataclass(frozen=True)
class Simulation:
    """The runs' outcome: each target's share, and graduates per year for the fan chart."""

    runs: int
    seed: int
    years: list[int]
    targets: list[TargetRisk]
    #: Percentile (FAN_PERCENTILES) -> cumulative graduates by the end of each year.
    fan: dict[int, list[int]]
    #: Cumulative graduates by year if every starter completed at the plan's rate.
    planned: list[int]


def draw_graduates(sc: Scenario, cohorts: list[Cohort], starters: np.ndarray, runs: int,
                   rng: np.random.Generator) -> np.ndarray:
    """Graduates of each cohort in each run: an int array of runs x cohorts."""
    rates = np.array([sc.level(lv).rate_scaled / RATE_SCALE for _, lv, _ in cohorts])
    return rng.binomial(starters, rates, size=(runs, len(cohorts)))


def _quota_risks(sc: Scenario, cohorts: list[Cohort], grads: np.ndarray) -> list[TargetRisk]:
    out = []
    runs = grads.shape[0]
    for ut in sc.unit_types:
        for lv, quota in ut.quotas.items():
            mask = np.array([t == ut.id and c == lv for t, c, _ in cohorts], dtype=bool)
            got = grads[:, mask].sum(axis=1) if mask.any() else np.zeros(runs, dtype=np.int64)
            ok = got <= quota.people if quota.mode == "at_most" else got >= quota.people
            out.append(TargetRisk("quota", f"{ut.id}/{lv}", f"{ut.id}, {lv}", quota.people,
                                  int(ok.sum()), runs))
    return out


def _milestone_risks(sc: Scenario, cohorts: list[Cohort], grads: np.ndarray
                     ) -> list[TargetRisk]:
    out = []
    runs = grads.shape[0]
    for ms in sc.milestones:
        pairs = set(sc.milestone_pairs(ms))
        mask = np.array([(t, lv) in pairs and sc.graduation_year(lv, y) <= ms.by_year
                         for t, lv, y in cohorts], dtype=bool)
        got = grads[:, mask].sum(axis=1) if mask.any() else np.zeros(runs, dtype=np.int64)
        need = sc.milestone_target(ms)
        out.append(TargetRisk("milestone", ms.id, ms.label or ms.id, need,
                              int((got >= need).sum()), runs))
    return out


def _by_year(sc: Scenario, cohorts: list[Cohort], grads: np.ndarray) -> np.ndarray:
    """Cumulative graduates by the end of each plan year: runs x years."""
    ends = np.array([sc.graduation_year(lv, y) for _, lv, y in cohorts])
    per_year = np.stack([grads[:, ends == year].sum(axis=1) for year in sc.years], axis=1)
    return np.cumsum(per_year, axis=1)


def simulate(sc: Scenario, plan: dict[Cohort, int], runs: int, seed: int) -> Simulation:
    """Draw `runs` outcomes of the plan (starters per cohort) with a seeded generator."""
    cohorts = sorted(c for c, n in plan.items() if n > 0)
    starters = np.array([plan[c] for c in cohorts], dtype=np.int64)
    rng = np.random.default_rng(seed)
    grads = draw_graduates(sc, cohorts, starters, runs, rng)
    targets = _quota_risks(sc, cohorts, grads) + _milestone_risks(sc, cohorts, grads)
    cumulative = _by_year(sc, cohorts, grads)
    fan = {p: [int(v) for v in np.percentile(cumulative, p, axis=0, method="lower")]
           for p in FAN_PERCENTILES}
    rates = np.array([sc.level(lv).rate_scaled for _, lv, _ in cohorts], dtype=np.int64)
    expected = (starters * rates) // RATE_SCALE
    planned = _by_year(sc, cohorts, expected[np.newaxis, :])[0]
    return Simulation(runs, seed, sc.years, targets, fan, [int(v) for v in planned])
