"""Risk: how often a plan's targets hold when course completion is drawn at random.

Each run draws, for every cohort of the plan (unit type, level, start year), its
graduates from a binomial distribution: each starter completes with the level's
completion rate, independently. A quota holds in a run when at least its people
graduate (at most, for an `at_most` quota); a milestone when the graduates of its
unit types and levels by its year reach its target.

With a workforce section, each run also draws the leavers: each person holding a
qualification leaves in a year with that qualification's attrition (with a
first-year attrition, a recruit in their first year at that rate), independently;
people in training stay (a draw never takes more than the staff not away on a
course). With the draws replaced by the plan's floors this is `models.workforce`'s
stock exactly (tested). Recruits fill the
staff in post as the plan says (`models.workforce`); coverage, trained-share and
staffed-units targets are then judged on each run's stock. The fan is then staff
holding a qualification per year.

All runs are drawn at once (numpy arrays over the runs) from one seeded generator,
so the same plan, runs and seed give the same figures. Solver-free: numpy only.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from trainplan.models.scenario import (
    NO_QUALIFICATION,
    RATE_SCALE,
    Scenario,
    course_routes,
    qualification_ids,
)
from trainplan.models.workforce import (
    SHARE_SCALE,
    coverage_needed,
    phase_years,
    scaled,
    staff_in_post,
    staffed_types,
    staffed_units_needed,
    target_types,
    trained_needed,
)

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
    #: What the fan counts: "graduates", or "qualified" staff (with a workforce section).
    measure: str = "graduates"


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


#: Leavers of a stock: (stock, probability scaled by SHARE_SCALE) -> leavers per run.
Draw = Callable[[np.ndarray, int], np.ndarray]
#: Qualified recruits of the plan: (unit type, qualification, year) -> people.
Hired = dict[tuple[str, str, int], int]


def _binomial_draw(rng: np.random.Generator, stock: np.ndarray, p_scaled: int) -> np.ndarray:
    """Leavers drawn: each of the stock leaves with probability p_scaled / SHARE_SCALE."""
    return rng.binomial(np.maximum(stock, 0), p_scaled / SHARE_SCALE)


def _floor_draw(stock: np.ndarray, p_scaled: int) -> np.ndarray:
    """The plan's integer rule: floor(stock x attrition / 100)."""
    return stock * p_scaled // SHARE_SCALE


def _type_stock(sc: Scenario, t: str, cohorts: list[Cohort], starters: np.ndarray,
                grads: np.ndarray, hired: Hired, draw: Draw
                ) -> tuple[dict[int, dict[str, np.ndarray]], dict[int, np.ndarray]]:
    """One unit type's stock per qualification at the end of each year, for every run.

    Also the graduates into its qualifications each year (for trained-share targets).
    """
    assert sc.workforce is not None
    st = sc.workforce.staff_of(t)
    assert st is not None
    runs = grads.shape[0]
    quals, routes, posts = qualification_ids(sc), course_routes(sc), staff_in_post(sc, t)
    held = {q: np.full(runs, st.held_at_start.get(q, 0), dtype=np.int64) for q in quals}
    last = {q: np.zeros(runs, dtype=np.int64) for q in quals}
    mine = [(i, lv, y) for i, (ct, lv, y) in enumerate(cohorts) if ct == t and lv in routes]
    ends: dict[int, dict[str, np.ndarray]] = {}
    trained: dict[int, np.ndarray] = {}
    for year in sc.years:
        away = dict.fromkeys(quals, 0)
        for i, lv, y in mine:
            if y <= year <= sc.graduation_year(lv, y):
                away[routes[lv].from_qualification] += int(starters[i])
        end, gained = {}, np.zeros(runs, dtype=np.int64)
        left_total = np.zeros(runs, dtype=np.int64)
        for q in quals:  # leavers (as `models.workforce`), never those away on a course
            if st.first_year_attrition_percent is None:
                drawn = draw(held[q], scaled(st.attrition(q)))
            else:
                drawn = (draw(last[q], scaled(st.first_year_attrition(q)))
                         + draw(held[q] - last[q], scaled(st.attrition(q))))
            left = np.minimum(drawn, np.maximum(held[q] - away[q], 0))
            left_total += left
            end[q] = held[q] - left
        for i, lv, y in mine:  # courses ending this year move their graduates up
            if sc.graduation_year(lv, y) == year:
                end[routes[lv].from_qualification] -= grads[:, i]
                end[routes[lv].to_qualification] += grads[:, i]
                gained += grads[:, i]
        hires = {q: hired.get((t, q, year), 0) for q in quals}
        recruits = {q: np.full(runs, hires[q], dtype=np.int64) for q in quals}
        recruits[NO_QUALIFICATION] = np.maximum(
            posts[year] - posts[year - 1] + left_total - sum(hires.values()), 0)
        end = {q: end[q] + recruits[q] for q in quals}
        ends[year], trained[year] = end, gained
        held, last = end, recruits
    return ends, trained


def _at_least(sc: Scenario, end: dict[str, np.ndarray], qualification: str) -> np.ndarray:
    quals = qualification_ids(sc)
    return sum(end[q] for q in quals[quals.index(qualification):])


def _qualified(sc: Scenario, stocks: dict, types: list[str], year: int, q: str,
               runs: int) -> np.ndarray:
    """Staff of some unit types holding `q` or higher at the end of a year, per run."""
    return sum((_at_least(sc, stocks[t][0][year], q) for t in types),
               np.zeros(runs, dtype=np.int64))


def _workforce_risks(sc: Scenario, stocks: dict, runs: int) -> list[TargetRisk]:
    """Coverage, trained-share and staffed-units targets judged on each run's stock."""
    assert sc.workforce is not None
    wf, out = sc.workforce, []
    for c in wf.coverage:
        got = _qualified(sc, stocks, target_types(sc, c), c.by_year, c.at_least, runs)
        need = coverage_needed(sc, c)
        out.append(TargetRisk("coverage", c.id, c.label or c.id, need, int((got >= need).sum()),
                              runs))
    for tr in wf.trained:
        got = sum((stocks[t][1][y] for t in target_types(sc, tr) for y in phase_years(sc, tr)),
                  np.zeros(runs, dtype=np.int64))
        need = trained_needed(sc, tr)
        out.append(TargetRisk("trained", tr.id, tr.label or tr.id, need,
                              int((got >= need).sum()), runs))
    for su in wf.staffed_units:
        got = _qualified(sc, stocks, target_types(sc, su), su.by_year, su.at_least, runs)
        need = staffed_units_needed(sc, su)
        out.append(TargetRisk("staffed_units", su.id, su.label or su.id, need,
                              int((got >= need).sum()), runs))
    return out


def _qualified_by_year(sc: Scenario, stocks: dict) -> np.ndarray:
    """Staff holding any qualification, all described types, at the end of each year."""
    lowest = qualification_ids(sc)[1]
    return np.stack([sum(_at_least(sc, stocks[t][0][y], lowest) for t in stocks)
                     for y in sc.years], axis=1)


def _fan(values: np.ndarray) -> dict[int, list[int]]:
    return {p: [int(v) for v in np.percentile(values, p, axis=0, method="lower")]
            for p in FAN_PERCENTILES}


def simulate(sc: Scenario, plan: dict[Cohort, int], runs: int, seed: int,
             hired: Hired | None = None) -> Simulation:
    """Draw `runs` outcomes of the plan (starters per cohort) with a seeded generator.

    `hired`: the plan's qualified recruits, for the workforce stock (none if absent).
    """
    hired = hired or {}
    cohorts = sorted(c for c, n in plan.items() if n > 0)
    starters = np.array([plan[c] for c in cohorts], dtype=np.int64)
    rng = np.random.default_rng(seed)
    grads = draw_graduates(sc, cohorts, starters, runs, rng)
    targets = _quota_risks(sc, cohorts, grads) + _milestone_risks(sc, cohorts, grads)
    rates = np.array([sc.level(lv).rate_scaled for _, lv, _ in cohorts], dtype=np.int64)
    expected = ((starters * rates) // RATE_SCALE)[np.newaxis, :]
    if sc.workforce is None or not staffed_types(sc):
        return Simulation(runs, seed, sc.years, targets, _fan(_by_year(sc, cohorts, grads)),
                          [int(v) for v in _by_year(sc, cohorts, expected)[0]])
    binomial = functools.partial(_binomial_draw, rng)
    stocks = {t: _type_stock(sc, t, cohorts, starters, grads, hired, binomial)
              for t in staffed_types(sc)}
    planned_stocks = {t: _type_stock(sc, t, cohorts, starters, expected, hired, _floor_draw)
                      for t in staffed_types(sc)}
    targets += _workforce_risks(sc, stocks, runs)
    planned = _qualified_by_year(sc, planned_stocks)[0]
    return Simulation(runs, seed, sc.years, targets, _fan(_qualified_by_year(sc, stocks)),
                      [int(v) for v in planned], measure="qualified")
