"""trainplan command line: load -> solve -> verify -> report. Thin by design.

Exit codes:
  0  a plan was found (optimal, or feasible within the time limit) and verified
  2  invalid input (the scenario file or an option is wrong)
  3  infeasible: no plan meets every rule
  4  no answer: the time limit ran out before any plan was found, or the plan
     could not be assigned to individual units
  5  the independent checker found violations in the solver's plan (a bug)
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from models.loader import LoadedScenario, ScenarioError, load_scenario
from models.solution import SolveSettings, Status
from optimizer.checker import verify
from optimizer.solve import check_feasible, solve
from reports.tables import terminal_report, write_outputs

EXIT_OK, EXIT_INVALID, EXIT_INFEASIBLE, EXIT_NO_ANSWER, EXIT_UNVERIFIED = 0, 2, 3, 4, 5


def _load(path: str) -> LoadedScenario:
    try:
        loaded = load_scenario(path)
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


def settings_options(func):  # noqa: ANN001, ANN201 - click decorator plumbing
    """Attach the solver-settings options to a command."""
    for option in reversed(_settings):
        func = option(func)
    return func


@click.group()
@click.version_option(package_name="trainplan")
def main() -> None:
    """Plan multi-year training of social-work staff, and prove the plan holds."""


@main.command("solve")
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Folder for roster.csv and summary.json.")
@settings_options
def solve_cmd(scenario: str, out_dir: str | None, time_limit: float, workers: int,
              seed: int) -> None:
    """Find the best plan, verify it, print it and write roster.csv and summary.json."""
    loaded = _load(scenario)
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
@click.argument("scenario", type=click.Path(dir_okay=False))
@settings_options
def check_cmd(scenario: str, time_limit: float, workers: int, seed: int) -> None:
    """Say only whether any plan meets every rule (fast)."""
    loaded = _load(scenario)
    result = check_feasible(loaded.scenario,
                            SolveSettings(time_limit_s=time_limit, workers=workers, seed=seed))
    verdict = {Status.optimal: "feasible", Status.infeasible: "infeasible"}.get(
        result.status, result.status.value)
    click.echo(f"{loaded.scenario.name}: {verdict}")
    sys.exit(_exit_code(result.status))


if __name__ == "__main__":
    main()
