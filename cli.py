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
from reports.tables import scenario_yaml, terminal_report, write_outputs

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
    """Say only whether any plan meets every rule (fast)."""
    loaded = _load(scenario, variants, sets)
    result = check_feasible(loaded.scenario,
                            SolveSettings(time_limit_s=time_limit, workers=workers, seed=seed))
    verdict = {Status.optimal: "feasible", Status.infeasible: "infeasible"}.get(
        result.status, result.status.value)
    click.echo(f"{loaded.scenario.name}: {verdict}")
    sys.exit(_exit_code(result.status))


@main.command("show")
@scenario_options
def show_cmd(scenario: str, variants: tuple[str, ...], sets: tuple[str, ...]) -> None:
    """Print the effective scenario: base files, variants and --set values merged."""
    loaded = _load(scenario, variants, sets)
    click.echo(scenario_yaml(loaded))


if __name__ == "__main__":
    main()
