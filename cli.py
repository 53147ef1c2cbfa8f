"""trainplan command line: load -> solve -> verify -> report. Thin by design.

Exit codes:
  0  a plan was found (optimal, or feasible within the time limit) and verified;
     for `explain`, the plan is feasible
  2  invalid input (the scenario file or an option is wrong)
  3  infeasible: no plan meets every rule (`check` and `explain` say why)
  4  no answer: the time limit ran out before any plan was found, or the plan
     could not be assigned to individual units
  5  the independent checker found violations in the solver's plan (a bug)
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
import yaml

from models.loader import LoadedScenario, ScenarioError, load_scenario
from models.solution import SolveSettings, Status
from optimizer.checker import verify
from optimizer.explain import (
    SLACK_LEVERS,
    cheapest_combination,
    explain,
    min_budget,
    overrides_yaml,
    repairs,
)
from optimizer.solve import check_feasible, solve
from reports.explain import budget_dict, budget_text, explanation_dict, explanation_text
from reports.tables import scenario_yaml, terminal_report, write_atomic, write_outputs

EXIT_OK, EXIT_INVALID, EXIT_INFEASIBLE, EXIT_NO_ANSWER, EXIT_UNVERIFIED = 0, 2, 3, 4, 5


def _load(path: str, variants: tuple[str, ...] = (), sets: tuple[str, ...] = ()
          ) -> LoadedScenario:
    try:
        loaded = load_scenario(path, variants, sets)
    except ScenarioError as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        sys.exit(EXIT_INVALID)
    for warning in loaded.warnings:
        click.echo(f"warning: {warning}", err=True)
    return loaded


def _exit_code(status: Status) -> int:
    return {Status.optimal: EXIT_OK, Status.feasible: EXIT_OK,
            Status.infeasible: EXIT_INFEASIBLE, Status.invalid: EXIT_INVALID}.get(
                status, EXIT_NO_ANSWER)


_settings = [
    click.option("--time-limit", "time_limit", type=click.FloatRange(min=0, min_open=True),
                 default=60.0, show_default=True, help="Seconds per solve stage."),
    click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
                 help="Solver threads."),
    click.option("--seed", type=int, default=0, show_default=True, help="Solver random seed."),
]


_scenario = [
    click.argument("scenario", type=click.Path(dir_okay=False)),
    click.option("--variant", "variants", multiple=True, metavar="NAME",
                 help="Apply a variant defined in the scenario file (repeatable, in order)."),
    click.option("--set", "sets", multiple=True, metavar="KEY=VALUE",
                 help="Set a value by dotted key, e.g. budget.total=45000 (repeatable)."),
]


def _options(options: list):  # noqa: ANN202 - click decorator plumbing
    def attach(func):  # noqa: ANN001, ANN202
        for option in reversed(options):
            func = option(func)
        return func
    return attach


settings_options = _options(_settings)
scenario_options = _options(_scenario)


@click.group()
@click.version_option(package_name="trainplan")
def main() -> None:
    """Plan multi-year training of social-work staff, and prove the plan holds."""


@main.command("solve")
@scenario_options
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Folder for roster.csv and summary.json.")
@settings_options
def solve_cmd(scenario: str, variants: tuple[str, ...], sets: tuple[str, ...],
              out_dir: str | None, time_limit: float, workers: int, seed: int) -> None:
    """Find the best plan, verify it, print it and write roster.csv and summary.json."""
    loaded = _load(scenario, variants, sets)
    sc = loaded.scenario
    result = solve(sc, SolveSettings(time_limit_s=time_limit, workers=workers, seed=seed))
    check = verify(sc, result.roster, result.goals) if result.roster is not None else None
    click.echo(terminal_report(sc, result, check))
    if out_dir is not None:
        for path in write_outputs(Path(out_dir), sc, result, check):
            click.echo(f"wrote {path}")
    if check is not None and not check.ok:
        sys.exit(EXIT_UNVERIFIED)
    sys.exit(_exit_code(result.status))


@main.command("check")
@scenario_options
@settings_options
def check_cmd(scenario: str, variants: tuple[str, ...], sets: tuple[str, ...],
              time_limit: float, workers: int, seed: int) -> None:
    """Say whether any plan meets every rule (fast); if none does, explain why."""
    loaded = _load(scenario, variants, sets)
    settings = SolveSettings(time_limit_s=time_limit, workers=workers, seed=seed)
    result = check_feasible(loaded.scenario, settings)
    if result.status == Status.infeasible:
        sys.exit(_explain(loaded, settings, list(SLACK_LEVERS), None, as_json=False))
    verdict = {Status.optimal: "feasible"}.get(result.status, result.status.value)
    click.echo(f"{loaded.scenario.name}: {verdict}")
    sys.exit(_exit_code(result.status))


def _explain(loaded: LoadedScenario, settings: SolveSettings, priority: list[str],
             repairs_out: str | None, as_json: bool) -> int:
    sc = loaded.scenario
    try:
        exp = explain(sc, settings)
        fixes = [] if exp.feasible else repairs(sc, settings)
        combo = None if exp.feasible else cheapest_combination(sc, priority, settings)
    except TimeoutError as exc:
        click.echo(f"error: {exc}", err=True)
        return EXIT_NO_ANSWER
    if as_json:
        click.echo(json.dumps(explanation_dict(sc.name, exp, fixes, combo, priority),
                              indent=2, ensure_ascii=False))
    else:
        click.echo(explanation_text(sc.name, exp, fixes, combo, priority))
    if repairs_out is not None:
        named = [(f"repair-{r.lever}", r) for r in fixes]
        named += [("repair-combination", combo)] if combo is not None else []
        base = os.path.relpath(loaded.path.resolve(), Path(repairs_out).resolve())
        for name, repair in named:
            path = Path(repairs_out) / f"{name}.yaml"
            text = f"# {repair.words}\n" + yaml.safe_dump(overrides_yaml(base, repair),
                                                          sort_keys=False, allow_unicode=True)
            write_atomic(path, text)
            if not as_json:
                click.echo(f"wrote {path}")
    return EXIT_OK if exp.feasible else EXIT_INFEASIBLE


@main.command("explain")
@scenario_options
@click.option("--priority", default=",".join(SLACK_LEVERS), show_default=True,
              help="Levers for the cheapest combination, the ones to pull first first.")
@click.option("--repairs-out", type=click.Path(file_okay=False), default=None,
              help="Write each repair as a scenario override file into this folder.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@settings_options
def explain_cmd(scenario: str, variants: tuple[str, ...], sets: tuple[str, ...],
                priority: str, repairs_out: str | None, as_json: bool, time_limit: float,
                workers: int, seed: int) -> None:
    """Say exactly why a plan is impossible, and price the smallest repairs."""
    loaded = _load(scenario, variants, sets)
    levers = [p.strip() for p in priority.split(",") if p.strip()]
    unknown = [p for p in levers if p not in SLACK_LEVERS]
    if unknown:
        click.echo(f"error: --priority: unknown lever(s) {', '.join(unknown)}; choose from "
                   f"{', '.join(SLACK_LEVERS)}", err=True)
        sys.exit(EXIT_INVALID)
    settings = SolveSettings(time_limit_s=time_limit, workers=workers, seed=seed)
    sys.exit(_explain(loaded, settings, levers, repairs_out, as_json))


@main.command("min-budget")
@scenario_options
@click.option("--per-year", is_flag=True, help="Also find the least flat yearly ceiling.")
@click.option("--shares", default="80,90,100", show_default=True,
              help="Shares of the quotas (percent) for the cost curve.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Write the roster at the least budget (roster.csv, summary.json).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@settings_options
def min_budget_cmd(scenario: str, variants: tuple[str, ...], sets: tuple[str, ...],
                   per_year: bool, shares: str, out_dir: str | None, as_json: bool,
                   time_limit: float, workers: int, seed: int) -> None:
    """The least training budget for which the plan is feasible, with its roster."""
    loaded = _load(scenario, variants, sets)
    try:
        share_list = tuple(int(x) for x in shares.split(","))
        assert all(0 < x <= 100 for x in share_list)
    except (ValueError, AssertionError):
        click.echo(f"error: --shares: '{shares}' should be percentages like 80,90,100", err=True)
        sys.exit(EXIT_INVALID)
    settings = SolveSettings(time_limit_s=time_limit, workers=workers, seed=seed)
    answer = min_budget(loaded.scenario, settings, per_year, share_list)
    if not answer.feasible:
        click.echo(budget_text(loaded.scenario.name, answer))
        sys.exit(EXIT_INFEASIBLE)
    at_least = loaded.scenario.model_copy(
        update={"budget": loaded.scenario.budget.model_copy(
            update={"total": answer.least_total})})
    result = solve(at_least, settings)
    check = verify(at_least, result.roster, result.goals) if result.roster else None
    if as_json:
        out = budget_dict(loaded.scenario.name, answer)
        out["roster_verified"] = None if check is None else check.ok
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        click.echo(budget_text(loaded.scenario.name, answer))
        click.echo("\nThe plan at that budget:")
        click.echo(terminal_report(at_least, result, check))
    if out_dir is not None:
        write_outputs(Path(out_dir), at_least, result, check)
    if check is not None and not check.ok:
        sys.exit(EXIT_UNVERIFIED)
    sys.exit(_exit_code(result.status))


@main.command("show")
@scenario_options
def show_cmd(scenario: str, variants: tuple[str, ...], sets: tuple[str, ...]) -> None:
    """Print the effective scenario: base files, variants and --set values merged."""
    loaded = _load(scenario, variants, sets)
    click.echo(scenario_yaml(loaded))


if __name__ == "__main__":
    main()
