"""trainplan command line: load -> solve -> verify -> report. Thin by design.

Exit codes:
  0  a plan was found (optimal, or feasible within the time limit) and verified;
     for `explain`, the plan is feasible
  2  invalid input (the scenario file or an option is wrong)
  3  infeasible: no plan meets every rule (`check` and `explain` say why)
  4  no answer: the time limit ran out before any plan was found, or the plan
     could not be assigned to individual units (or, with --staff, to named people)
  5  the independent checker found violations in the solver's plan (a bug)
  130  interrupted (Ctrl-C); `sweep` keeps finished points, run it again to resume

A run writes all its output files or none, and never replaces one of its inputs.

Start-up: a command imports what it uses when it uses it, so that `--help` and the
light commands do not wait for the solver (ortools, which brings pandas), matplotlib,
openpyxl, Jinja2 or Dask: the optimizer and reports modules are imported inside the
commands (and output options) that need them.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click
import yaml
from trainplan.models.checker import Verification, verify
from trainplan.models.errors import Problem, ScenarioError
from trainplan.models.files import as_bytes, write_all
from trainplan.models.loader import (
    LoadedScenario,
    explained_changes,
    load_scenario,
)
from trainplan.models.register import (
    NamedRun,
    PeopleOutput,
    PersonRow,
    Register,
    read_people_csv,
    read_register,
)
from trainplan.models.scenario import Scenario
from trainplan.models.solution import SolveResult, SolveSettings, Status
from trainplan.reports.i18n import CLI_TEXT, EXPLAIN_TEXT, SHORT_TEXT, Lang, status_text, words

if TYPE_CHECKING:  # replan's types, imported when the command runs
    from trainplan.optimizer.replan import Replanned
    from trainplan.reports.replan import PlanVsActual

EXIT_OK, EXIT_INVALID, EXIT_INFEASIBLE, EXIT_NO_ANSWER, EXIT_UNVERIFIED = 0, 2, 3, 4, 5
EXIT_INTERRUPTED = 130
#: Scenario files read as workbooks (as models.workbook reads them; openpyxl loads only then).
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
#: Seconds `check` gives the explanation after its verdict (`explain` takes its time limit).
CHECK_EXPLAIN_S = 10.0

#: Renders the files of one output option, by path; run before anything is written.
Render = Callable[[], Mapping[Path, str | bytes]]


def _invalid(exc: ScenarioError) -> NoReturn:
    """Print each problem with the input and exit 2."""
    for problem in exc.problems:
        click.echo(f"error: {problem}", err=True)
    sys.exit(EXIT_INVALID)


@contextlib.contextmanager
def _writing(what: str) -> Iterator[None]:
    """Turn a failed write into a clear message and exit 2 (files are written whole or not)."""
    try:
        yield
    except OSError as exc:
        click.echo(f"error: cannot write {exc.filename or what}: {exc.strerror or exc}",
                   err=True)
        sys.exit(EXIT_INVALID)


def _load(path: str, variants: tuple[str, ...] = (), sets: tuple[str, ...] = (),
          warned: set[str] | None = None, lang: Lang = "en") -> LoadedScenario:
    """Load a scenario or exit 2; print its warnings (each once, when `warned` is shared)."""
    try:
        loaded = load_scenario(path, variants, sets)
    except ScenarioError as exc:
        _invalid(exc)
    if Path(path).suffix.lower() in WORKBOOK_SUFFIXES:
        from trainplan.models.workbook import ignored_sheets

        loaded.warnings += ignored_sheets(Path(path))
    warned = set() if warned is None else warned
    for warning in map(str, loaded.warnings):
        if warning not in warned:
            warned.add(warning)
            click.echo(words(CLI_TEXT, "warning", lang, text=warning), err=True)
    return loaded


def _wrote(path: Path | str, lang: Lang, err: bool = False) -> None:
    """Say that a file was written, in the reader's language."""
    click.echo(words(CLI_TEXT, "wrote", lang, path=path), err=err)


def _as_text(item: str | None) -> str:
    """What the progress bar shows after the bar: the time left, once known."""
    return item or ""


def _exit_code(status: Status) -> int:
    return {Status.optimal: EXIT_OK, Status.feasible: EXIT_OK,
            Status.infeasible: EXIT_INFEASIBLE, Status.invalid: EXIT_INVALID}.get(
                status, EXIT_NO_ANSWER)


def _check_suffix(option: str, path: str | None, suffix: str) -> None:
    """Refuse, before any work, an output path that does not end in its file type's suffix."""
    if path is not None and Path(path).suffix.lower() != suffix:
        click.echo(f"error: {option}: '{path}' should end in {suffix}", err=True)
        sys.exit(EXIT_INVALID)


def input_files(loaded: LoadedScenario) -> list[Path]:
    """The files a scenario was read from, resolved: the file, then each base it extends."""
    files, current = [loaded.path.resolve()], loaded.path
    while current.suffix.lower() not in WORKBOOK_SUFFIXES:
        try:
            raw = yaml.safe_load(current.read_text(encoding="utf-8"))
        except (OSError, UnicodeError, yaml.YAMLError):
            break
        parent = raw.get("extends") if isinstance(raw, dict) else None
        if not isinstance(parent, str) or (current.parent / parent).resolve() in files:
            break
        current = current.parent / parent
        files.append(current.resolve())
    return files


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def _output_targets(out_dir: str | None, xlsx_path: str | None, html_path: str | None,
                    png_dir: str | None) -> list[tuple[str, Path]]:
    """Every file a run may write or remove, with the option that names it."""
    targets: list[tuple[str, Path]] = []
    if out_dir is not None:
        targets += [("--out", Path(out_dir) / name) for name in ("roster.csv", "summary.json")]
    if xlsx_path is not None:
        targets.append(("--xlsx", Path(xlsx_path)))
    if html_path is not None:
        targets.append(("--html", Path(html_path)))
    if png_dir is not None:
        from trainplan.reports.charts import png_paths

        targets += [("--png", path) for path in png_paths(Path(png_dir))]
    return targets


def _refuse_inputs(loaded: LoadedScenario, targets: list[tuple[str, Path]]) -> None:
    """Exit 2 before any work if an output would replace a file the scenario was read from."""
    inputs = input_files(loaded)
    for option, path in targets:
        if any(_same_file(path, source) for source in inputs):
            click.echo(f"error: {option}: '{path}' is an input of this run (the scenario or a "
                       "file it extends); outputs never replace inputs, choose another name",
                       err=True)
            sys.exit(EXIT_INVALID)


def _unwritable(exc: ValueError) -> str:
    """Why some text cannot go into a file, in words."""
    if isinstance(exc, UnicodeEncodeError):
        return (f"the text has the character {exc.object[exc.start:exc.end]!r}, which no "
                "UTF-8 file can hold (a lone surrogate); fix the scenario's text")
    return str(exc)


def _render(renders: list[tuple[str, Render]]) -> dict[Path, bytes]:
    """Every output file's bytes, made before any is written; a writer that fails exits 2."""
    files: dict[Path, bytes] = {}
    for what, render in renders:
        try:
            files |= {path: as_bytes(content) for path, content in render().items()}
        except ValueError as exc:  # text a format cannot hold; UnicodeError included
            click.echo(f"error: cannot write {what}: {_unwritable(exc)}; nothing was written",
                       err=True)
            sys.exit(EXIT_INVALID)
    return files


def _text_fits(sc: Scenario) -> dict[Path, str]:
    """No file; raises UnicodeEncodeError if some text of the scenario no file can hold.

    Checked before any writer runs, as the chart library fails on such text with an
    error of its own.
    """
    json.dumps(sc.model_dump(mode="json"), ensure_ascii=False).encode("utf-8")
    return {}


def _write_plan_files(sc: Scenario, result: SolveResult, check: Verification | None,
                      lang: Lang, paths: dict[str, str | None],
                      next_step: str | None = None, named: bool = False,
                      people: NamedRun | None = None) -> list[Path]:
    """Write every file asked for (`paths`: out, xlsx, html, png) or none; the paths written.

    Old files that would contradict a run without a roster (roster.csv, chart PNGs)
    are removed with the same commit.
    """
    from trainplan.reports.tables import solve_files, stale_files

    renders: list[tuple[str, Render]] = [("the outputs", lambda: _text_fits(sc))]
    stale: list[Path] = []
    if (out := paths.get("out")) is not None:
        renders.append((out, lambda: solve_files(Path(out), sc, result, check, next_step)))
        stale += stale_files(Path(out), result, sc)
    if (xlsx := paths.get("xlsx")) is not None:
        from trainplan.reports.excel import workbook_bytes

        renders.append((xlsx, lambda: {Path(xlsx): workbook_bytes(sc, result, check, lang)}))
    if (page := paths.get("html")) is not None:
        from trainplan.reports.html import html_report

        renders.append((page, lambda: {Path(page): html_report(sc, result, check, lang)}))
    if (png := paths.get("png")) is not None:
        from trainplan.reports.charts import png_files, png_paths

        renders.append((png, lambda: png_files(Path(png), sc, result, lang)))
        stale += png_paths(Path(png)) if result.roster is None else []
    files = _render(renders)
    if named:  # --staff: the named people's files and sheets
        from trainplan.reports.people import add_people_files

        files, old = add_people_files(files, people, paths, lang)
        stale += old
    with _writing(", ".join(str(p) for p in paths.values() if p is not None)):
        write_all(files, stale)
    return list(files)


def _refused_by_solver(name: str, result: SolveResult) -> None:
    """Exit 2 with a message when the solver refused the model as invalid (writes nothing)."""
    if result.status != Status.invalid:
        return
    detail = f" ({result.message})" if result.message else ""
    click.echo(f"error: {name}: the solver refused the model{detail}: some figure is too "
               "large for exact integer arithmetic; make the money amounts or people counts "
               "smaller; nothing was written", err=True)
    sys.exit(EXIT_INVALID)


_html_png = [
    click.option("--html", "html_path", type=click.Path(dir_okay=False), default=None,
                 help="Also write a self-contained HTML report (charts, tables, roster)."),
    click.option("--png", "png_dir", type=click.Path(file_okay=False), default=None,
                 help="Also write the four charts as PNG files into this folder."),
]


lang_option = click.option(
    "--lang", type=click.Choice(["en", "vi"]), default="en", show_default=True,
    help="Language of what is printed: words, number formats, warnings.")


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
people_options = _options([
    click.option("--staff", type=click.Path(dir_okay=False), default=None,
                 help="Staff register (CSV, or a workbook's 'staff' sheet): hand every "
                      "planned course to a named person; writes roster_people.csv."),
    click.option("--previous", type=click.Path(dir_okay=False), default=None,
                 help="A roster_people.csv of an earlier run: keep what still fits, change "
                      "the fewest people (with --staff)."),
    click.option("--replan-from", "replan_from", type=int, default=None, metavar="YEAR",
                 help="With --previous: courses it starts before YEAR are kept as they are."),
    click.option("--redact", is_flag=True,
                 help="Write and print person ids but no names (for sharing)."),
])
html_png_options = _options(_html_png)
scenario_options = _options(_scenario)


def _epilog(example: str, codes: list[tuple[int, str]]) -> str:
    """A command's --help ending: an example to copy, then its exit codes."""
    lines = ["\b", "Example:", *[f"  {line}" for line in example.splitlines()], "", "\b",
             "Exit codes:"]
    lines += [f"  {code:<3} {meaning}" for code, meaning in codes]
    return "\n".join(lines)


INVALID = (EXIT_INVALID, "invalid input: the scenario file or an option is wrong")
NO_ANSWER = (EXIT_NO_ANSWER, "no answer: the time limit ran out first (or the plan could not "
                             "be assigned to units)")
UNVERIFIED = (EXIT_UNVERIFIED, "the independent checker found violations (a bug; please "
                               "report it)")


class LeversOption(click.Option):
    """`--priority`: by default every slack lever, in explain's order of preference.

    The levers are read from the optimizer when the default is needed (running or
    helping `explain`), not when trainplan starts: `trainplan --help` loads no solver.
    """

    def get_default(self, ctx: click.Context, call: bool = True) -> str:
        """The slack levers, comma-separated."""
        from trainplan.optimizer.explain import SLACK_LEVERS

        return ",".join(SLACK_LEVERS)


class Commands(click.Group):
    """trainplan's commands; Ctrl-C in any of them ends with 'interrupted' and exit 130."""

    def invoke(self, ctx: click.Context) -> object:
        """Run the command; an interrupt becomes a one-line message, not a traceback."""
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)


@click.group(cls=Commands)
@click.version_option(package_name="trainplan")
def main() -> None:
    """Plan multi-year training of social-work staff, and prove the plan holds."""


@main.command("solve", epilog=_epilog(
    "trainplan solve scenarios/ben_tre_2010_2020.yaml --out out --xlsx out/plan.xlsx --lang vi",
    [(EXIT_OK, "a plan was found and verified (optimal, or the best within the time limit)"),
     INVALID, (EXIT_INFEASIBLE, "infeasible: no plan meets every rule (run `trainplan explain`)"),
     NO_ANSWER, UNVERIFIED]))
@scenario_options
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Folder for roster.csv and summary.json.")
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False), default=None,
              help="Also write the plan as an Excel workbook (summary, rosters, budget, charts).")
@click.option("--lang", type=click.Choice(["en", "vi"]), default="en", show_default=True,
              help="Language of the reports (labels and number formats).")
@html_png_options
@settings_options
@click.option("--robust", "robust", type=click.FloatRange(min=0, max=100, max_open=True),
              default=None, metavar="POINTS",
              help="Workforce: the cheapest plan whose targets hold with every attrition "
                   "raised by POINTS percentage points.")
@people_options
def solve_cmd(scenario: str, variants: tuple[str, ...], sets: tuple[str, ...],
              out_dir: str | None, xlsx_path: str | None, lang: Lang, html_path: str | None,
              png_dir: str | None, time_limit: float, workers: int, seed: int,
              robust: float | None, staff: str | None, previous: str | None,
              replan_from: int | None, redact: bool) -> None:
    """Find the best plan, verify it, print it and write roster.csv and summary.json."""
    from trainplan.optimizer.solve import solve_verified
    from trainplan.reports.explain import explain_command
    from trainplan.reports.tables import terminal_report

    _check_suffix("--xlsx", xlsx_path, ".xlsx")
    _check_suffix("--html", html_path, ".html")
    loaded = _load(scenario, variants, sets, lang=lang)
    _refuse_inputs(loaded, _output_targets(out_dir, xlsx_path, html_path, png_dir))
    sc = loaded.scenario if robust is None else _robust(loaded.scenario, scenario, robust)
    named = _read_people_inputs(sc, staff, previous, replan_from, redact, lang)
    result, check = solve_verified(sc, SolveSettings(time_limit_s=time_limit, workers=workers,
                                                     seed=seed))
    _refused_by_solver(scenario, result)
    people = _people(sc, result, check, named, time_limit)
    next_step = explain_command(loaded) if result.status == Status.infeasible else None
    # Files first, then the terminal: a reader who pipes into `head` loses no file.
    paths = {"out": out_dir, "xlsx": xlsx_path, "html": html_path, "png": png_dir}
    written = _write_plan_files(sc, result, check, lang, paths, next_step,
                                named is not None, people)
    click.echo(terminal_report(sc, result, check, lang, next_step))
    if robust is not None and result.roster is not None:
        from trainplan.reports.workforce import robust_lines

        expected = verify(loaded.scenario, result.roster)
        click.echo("\n".join(robust_lines(Decimal(str(robust)), expected, lang)))
    if people is not None:
        click.echo(people.report)
    for path in written:
        _wrote(path, lang)
    if (check is not None and not check.ok) or (people is not None and not people.verified):
        sys.exit(EXIT_UNVERIFIED)
    if people is not None and not people.assigned:
        sys.exit(EXIT_NO_ANSWER)
    sys.exit(_exit_code(result.status))


def _robust(sc: Scenario, path: str, points: float) -> Scenario:
    """The scenario with every attrition raised by `points` (exit 2 without a workforce)."""
    from trainplan.models.workforce import with_attrition_margin

    if sc.workforce is None:
        click.echo(f"error: {path}: --robust needs a workforce section (staff, attrition and "
                   "targets); this scenario has none", err=True)
        sys.exit(EXIT_INVALID)
    return with_attrition_margin(sc, Decimal(str(points)).quantize(Decimal("0.01")))


# ----- named people: --staff, --previous, --replan-from, --redact (issue 11) --------------

@dataclass
class _NamedInputs:
    """The register and the previous per-person roster, read and checked before solving."""

    register: Register
    previous: list[PersonRow] | None
    replan_from: int | None
    redact: bool


def _read_people_inputs(sc: Scenario, staff: str | None, previous: str | None,
                        replan_from: int | None, redact: bool, lang: Lang
                        ) -> _NamedInputs | None:
    """The register (and previous roster) or exit 2; None without --staff."""
    if staff is None:
        if previous is not None or replan_from is not None or redact:
            click.echo("error: --previous, --replan-from and --redact need --staff FILE",
                       err=True)
            sys.exit(EXIT_INVALID)
        return None
    try:
        register = read_register(staff, sc)
        before = read_people_csv(previous) if previous is not None else None
    except ScenarioError as exc:
        _invalid(exc)
    for warning in register.warnings:
        click.echo(words(CLI_TEXT, "warning", lang, text=warning), err=True)
    return _NamedInputs(register, before, replan_from, redact)


def _people(sc: Scenario, result: SolveResult, check: Verification | None,
            named: _NamedInputs | None, time_limit: float) -> NamedRun | None:
    """Hand the verified unit roster to the register's people and re-check it."""
    if named is None or result.roster is None or (check is not None and not check.ok):
        return None
    from trainplan.optimizer.people import assign_and_verify
    from trainplan.reports.people import changes_csv, people_report

    found, people_check = assign_and_verify(sc, named.register, result.roster.rows,
                                            named.previous, named.replan_from, time_limit)
    output = PeopleOutput(sc, named.register, found.rows, people_check, named.redact,
                          changes_csv(found.changes) if named.previous is not None else None)
    return NamedRun(output, found, people_report(found, named.register, people_check,
                                                 named.redact))


@main.command("check", epilog=_epilog(
    "trainplan check scenarios/ben_tre_2010_2020.yaml --set budget.total=30000 --json",
    [(EXIT_OK, "feasible: some plan meets every rule"), INVALID,
     (EXIT_INFEASIBLE, "infeasible: no plan meets every rule (the reason is printed)"),
     NO_ANSWER]))
@scenario_options
@click.option("--json", "as_json", is_flag=True,
              help="Print the verdict as JSON (with the explanation, as `explain --json` "
                   "gives it, when no plan exists).")
@lang_option
@settings_options
def check_cmd(scenario: str, variants: tuple[str, ...], sets: tuple[str, ...], as_json: bool,
              lang: Lang, time_limit: float, workers: int, seed: int) -> None:
    """Say whether any plan meets every rule (fast); if none does, explain why."""
    from trainplan.optimizer.explain import NoAnswer, explain
    from trainplan.optimizer.solve import check_feasible
    from trainplan.reports.explain import (
        check_dict,
        conflict_text,
        explain_command,
        explanation_dict,
    )

    loaded = _load(scenario, variants, sets, lang=lang)
    settings = SolveSettings(time_limit_s=time_limit, workers=workers, seed=seed)
    result = check_feasible(loaded.scenario, settings)
    _refused_by_solver(scenario, result)
    name = loaded.scenario.name
    if not as_json:  # the verdict first: the explanation only adds to it
        verdict = (words(CLI_TEXT, "feasible", lang) if result.status == Status.optimal
                   else status_text(result.status, lang))
        click.echo(words(CLI_TEXT, "check_verdict", lang, name=name, verdict=verdict))
        if result.message:
            click.echo(result.message)
    exp, unfinished = None, ""
    if result.status == Status.infeasible:
        try:
            exp = explain(loaded.scenario, settings, CHECK_EXPLAIN_S)
        except NoAnswer as exc:
            unfinished = str(exc)
    if as_json:
        out = (check_dict(name, result.status) if exp is None
               else explanation_dict(name, exp, [], None, []))
        out.update({"message": result.message} if result.message else {})
        out.update({"explanation_unfinished": unfinished} if unfinished else {})
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
    elif result.status == Status.infeasible:
        click.echo(conflict_text(exp, lang) if exp is not None
                   else words(EXPLAIN_TEXT, "unfinished", lang, why=unfinished))
        click.echo(words(EXPLAIN_TEXT, "priced_repairs", lang, command=explain_command(loaded)))
    sys.exit(_exit_code(result.status))


def _explain(loaded: LoadedScenario, settings: SolveSettings, priority: list[str],
             repairs_out: str | None, as_json: bool, lang: Lang = "en") -> int:
    """Explain, price the repairs, print them (and write them as files); the exit code."""
    from trainplan.optimizer.explain import (
        NoAnswer,
        cheapest_combination,
        explain,
        overrides_yaml,
        repairs,
    )
    from trainplan.reports.explain import explanation_dict, explanation_text

    sc = loaded.scenario
    try:
        exp = explain(sc, settings, settings.time_limit_s)
        fixes = [] if exp.feasible else repairs(sc, settings)
        combo = None if exp.feasible else cheapest_combination(sc, priority, settings)
    except NoAnswer as exc:
        click.echo(f"{sc.name}: {exc}", err=True)
        return EXIT_NO_ANSWER
    if as_json:
        click.echo(json.dumps(explanation_dict(sc.name, exp, fixes, combo, priority),
                              indent=2, ensure_ascii=False))
    else:
        click.echo(explanation_text(sc.name, exp, fixes, combo, priority, lang))
    if repairs_out is not None:
        from trainplan.models.files import write_atomic
        from trainplan.reports.tables import scenario_dump

        named = [(f"repair-{r.lever}", r) for r in fixes]
        named += [("repair-combination", combo)] if combo is not None else []
        base = os.path.relpath(loaded.path.resolve(), Path(repairs_out).resolve())
        for name, repair in named:
            path = Path(repairs_out) / f"{name}.yaml"
            data = overrides_yaml(base, repair, explained_changes(loaded))
            text = f"# {repair.words}\n" + scenario_dump(data)
            with _writing(str(path)):
                write_atomic(path, text)
            if not as_json:
                _wrote(path, lang)
    return EXIT_OK if exp.feasible else EXIT_INFEASIBLE


@main.command("explain", epilog=_epilog(
    "trainplan explain scenarios/ben_tre_variants.yaml --variant early-deadline \\\n"
    "  --repairs-out out/repairs",
    [(EXIT_OK, "feasible: there is nothing to explain"), INVALID,
     (EXIT_INFEASIBLE, "infeasible: the conflict and its repairs are printed"), NO_ANSWER]))
@scenario_options
@click.option("--priority", cls=LeversOption, show_default=True,
              help="Levers for the cheapest combination, the ones to pull first first.")
@click.option("--repairs-out", type=click.Path(file_okay=False), default=None,
              help="Write each repair as a scenario override file into this folder.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@lang_option
@settings_options
@click.option("--staff", type=click.Path(dir_okay=False), default=None,
              help="Staff register: when the plan holds per type but not per person, name "
                   "the people and person rules that cannot hold together.")
def explain_cmd(scenario: str, variants: tuple[str, ...], sets: tuple[str, ...],
                priority: str, repairs_out: str | None, as_json: bool, lang: Lang,
                time_limit: float, workers: int, seed: int, staff: str | None) -> None:
    """Say exactly why a plan is impossible, and price the smallest repairs."""
    from trainplan.optimizer.explain import SLACK_LEVERS

    loaded = _load(scenario, variants, sets, lang=lang)
    levers = [p.strip() for p in priority.split(",") if p.strip()]
    unknown = [p for p in levers if p not in SLACK_LEVERS]
    if unknown:
        click.echo(f"error: --priority: unknown lever(s) {', '.join(unknown)}; choose from "
                   f"{', '.join(SLACK_LEVERS)}", err=True)
        sys.exit(EXIT_INVALID)
    settings = SolveSettings(time_limit_s=time_limit, workers=workers, seed=seed)
    if staff is not None:
        code = _explain_people(loaded.scenario, settings, staff, lang)
        if code is not None:
            sys.exit(code)
    sys.exit(_explain(loaded, settings, levers, repairs_out, as_json, lang))


def _explain_people(sc: Scenario, settings: SolveSettings, staff: str, lang: Lang
                    ) -> int | None:
    """With a plan per type: the per-person verdict and its conflicts (None: no plan)."""
    from trainplan.optimizer.solve import solve_verified

    named = _read_people_inputs(sc, staff, None, None, False, lang)
    result, check = solve_verified(sc, settings)
    people = _people(sc, result, check, named, settings.time_limit_s)
    if people is None:
        return None
    click.echo(people.report)
    return EXIT_OK if people.assigned else EXIT_NO_ANSWER


@main.command("min-budget", epilog=_epilog(
    "trainplan min-budget scenarios/ben_tre_2010_2020.yaml --per-year --out out/least",
    [(EXIT_OK, "the least budget was found, with a verified plan at it"), INVALID,
     (EXIT_INFEASIBLE, "infeasible even with unlimited money (run `trainplan explain`)"),
     NO_ANSWER, UNVERIFIED]))
@scenario_options
@click.option("--per-year", is_flag=True, help="Also find the least flat yearly ceiling.")
@click.option("--shares", default="80,90,100", show_default=True,
              help="Shares of the quotas (percent) for the cost curve.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Write the roster at the least budget (roster.csv, summary.json).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--lang", type=click.Choice(["en", "vi"]), default="en", show_default=True,
              help="Language of the plan's report, HTML and charts.")
@html_png_options
@settings_options
def min_budget_cmd(scenario: str, variants: tuple[str, ...], sets: tuple[str, ...],
                   per_year: bool, shares: str, out_dir: str | None, as_json: bool, lang: Lang,
                   html_path: str | None, png_dir: str | None, time_limit: float, workers: int,
                   seed: int) -> None:
    """The least training budget for which the plan is feasible, with its roster."""
    from trainplan.optimizer.explain import at_least_budget, min_budget
    from trainplan.reports.explain import budget_dict, budget_text
    from trainplan.reports.tables import terminal_report

    _check_suffix("--html", html_path, ".html")
    loaded = _load(scenario, variants, sets, lang=lang)
    _refuse_inputs(loaded, _output_targets(out_dir, None, html_path, png_dir))
    try:
        share_list = tuple(int(x) for x in shares.split(","))
        assert all(0 < x <= 100 for x in share_list)
    except (ValueError, AssertionError):
        click.echo(f"error: --shares: '{shares}' should be percentages like 80,90,100", err=True)
        sys.exit(EXIT_INVALID)
    settings = SolveSettings(time_limit_s=time_limit, workers=workers, seed=seed)
    answer = min_budget(loaded.scenario, settings, per_year, share_list,
                        progress=_progress if sys.stderr.isatty() else None)
    if sys.stderr.isatty():
        click.echo("\r\033[K", err=True, nl=False)
    if not answer.feasible:
        click.echo(budget_text(loaded.scenario.name, answer, lang))
        sys.exit(EXIT_INFEASIBLE if answer.feasible is False else EXIT_NO_ANSWER)
    # the plan shown is the plan at the figure stated, verified like every roster
    at_least = at_least_budget(loaded.scenario, answer, per_year)
    result = answer.plan
    assert result is not None
    check = verify(at_least, result.roster, result.goals) if result.roster is not None else None
    _refused_by_solver(scenario, result)
    written = _write_plan_files(at_least, result, check, lang, {
        "out": out_dir, "html": html_path, "png": png_dir})
    if as_json:
        out = budget_dict(loaded.scenario.name, answer)
        out["roster_verified"] = None if check is None else check.ok
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        click.echo(budget_text(loaded.scenario.name, answer, lang))
        click.echo("\n" + words(EXPLAIN_TEXT, "plan_at_flat" if per_year else "plan_at_total",
                                 lang))
        click.echo(terminal_report(at_least, result, check, lang))
    for path in written:
        _wrote(path, lang, err=as_json)
    if check is not None and not check.ok:
        sys.exit(EXIT_UNVERIFIED)
    sys.exit(_exit_code(result.status))


def _progress(step: str) -> None:
    """One line of progress on the terminal (stderr), overwritten by the next."""
    click.echo(f"\r\033[K... {step}", err=True, nl=False)


@main.command("show", epilog=_epilog(
    "trainplan show scenarios/ben_tre_variants.yaml --variant early-deadline",
    [(EXIT_OK, "the effective scenario was printed"), INVALID]))
@scenario_options
@lang_option
def show_cmd(scenario: str, variants: tuple[str, ...], sets: tuple[str, ...],
             lang: Lang) -> None:
    """Print the effective scenario: base files, variants and --set values merged."""
    from trainplan.reports.tables import scenario_yaml

    loaded = _load(scenario, variants, sets, lang=lang)
    click.echo(scenario_yaml(loaded))


@main.command("compare", epilog=_epilog(
    "trainplan compare scenarios/ben_tre_options.yaml:lean-years \\\n"
    "  scenarios/ben_tre_options.yaml:slow-start --out out/compare",
    [(EXIT_OK, "every scenario has an answer (an infeasible one counts as an answer)"),
     INVALID, NO_ANSWER, UNVERIFIED]))
@click.argument("scenarios", nargs=-1, required=True, metavar="SCENARIO...")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE",
              help="Set a value in every scenario, e.g. budget.per_year=6000 (repeatable).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Write comparison.csv, roster_differences.csv and comparison.json here.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@lang_option
@settings_options
def compare_cmd(scenarios: tuple[str, ...], sets: tuple[str, ...], out_dir: str | None,
                as_json: bool, lang: Lang, time_limit: float, workers: int, seed: int) -> None:
    """Solve two or more scenarios side by side; each is FILE or FILE:variant[+variant...]."""
    from trainplan.optimizer.whatif import compare, labels, parse_spec
    from trainplan.reports.whatif import compare_dict, compare_text, write_compare

    if len(scenarios) < 2:
        _invalid(ScenarioError([Problem("compare", None, "", "name at least two scenarios, "
                                        "e.g. plan.yaml plan.yaml:less-money")]))
    try:
        specs = [parse_spec(s) for s in scenarios]
    except ScenarioError as exc:
        _invalid(exc)
    warned: set[str] = set()
    loaded = [(label, _load(path, tuple(variants), sets, warned, lang))
              for label, (path, variants) in zip(labels(specs), specs, strict=True)]
    compared = compare(loaded, SolveSettings(time_limit_s=time_limit, workers=workers,
                                             seed=seed))
    for c in compared:
        _refused_by_solver(c.label, c.result)
    if as_json:
        click.echo(json.dumps(compare_dict(compared), indent=2, ensure_ascii=False))
    else:
        click.echo(compare_text(compared, lang))
    written: list[Path] = []
    if out_dir:
        with _writing(out_dir):
            written = write_compare(Path(out_dir), compared)
    for path in written:
        _wrote(path, lang, err=as_json)
    codes = [EXIT_UNVERIFIED if c.check is not None and not c.check.ok
             else EXIT_OK if c.result.status == Status.infeasible
             else _exit_code(c.result.status) for c in compared]
    sys.exit(max(codes))


@main.command("sweep", epilog=_epilog(
    "trainplan sweep scenarios/ben_tre_2010_2020.yaml --grid budget.total=36000:60000:2000 \\\n"
    "  --grid capacity.starts_per_year=50,60,70,80 --out out/sweep.csv",
    [(EXIT_OK, "every point has an answer (feasible or infeasible)"), INVALID,
     (EXIT_NO_ANSWER, "some point had no answer within the time limit"), UNVERIFIED,
     (130, "interrupted: finished points are saved; run the same command to resume")]))
@scenario_options
@click.option("--grid", "grids", multiple=True, metavar="KEY=VALUES",
              help="Values of one key: start:stop:step (stop included) or v1,v2,... "
                   "(repeatable; every combination is solved).")
@click.option("--out", "out_file", type=click.Path(dir_okay=False), default=None,
              help="Results CSV, written as points finish; an existing one is resumed.")
@click.option("--frontier", "along", default=None, metavar="KEY",
              help="Key whose least feasible value the frontier reports [first --grid key].")
@click.option("--backend", type=click.Choice(["local", "dask"]), default="local",
              show_default=True, help="Local processes, or a Dask distributed cluster.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Dask scheduler, e.g. tcp://host:8786 [a local Dask cluster].")
@click.option("--jobs", type=click.IntRange(1, 512), default=None,
              help="Concurrent solves (local processes or local Dask workers) "
                   "[cores // --workers].")
@click.option("--time-limit", "time_limit", type=click.FloatRange(min=0, min_open=True),
              default=60.0, show_default=True, help="Seconds per solve stage.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Solver threads per point.")
@click.option("--seed", type=int, default=0, show_default=True, help="Solver random seed.")
@click.option("--first-goal", is_flag=True,
              help="Minimise only the scenario's first goal at each point (faster).")
@click.option("--wide", is_flag=True,
              help="Print every column of the table (by default it fits 100 characters).")
@lang_option
def sweep_cmd(scenario: str, variants: tuple[str, ...], sets: tuple[str, ...],
              grids: tuple[str, ...], out_file: str | None, along: str | None, backend: str,
              scheduler: str | None, jobs: int | None, time_limit: float, workers: int,
              seed: int, first_goal: bool, wide: bool, lang: Lang) -> None:
    """Solve every combination of grid values; print a table and the feasibility frontier."""
    from trainplan.optimizer.backends import default_jobs, require_dask
    from trainplan.optimizer.whatif import FEASIBLE, SweepRun, frontier, plan_sweep
    from trainplan.reports.whatif import frontier_text, sweep_text, time_left

    loaded = _load(scenario, variants, sets, lang=lang)
    settings = SolveSettings(time_limit_s=time_limit, workers=workers, seed=seed)
    try:
        sweep = plan_sweep(loaded, list(grids), settings, first_goal)
        keys = [a.key for a in sweep.axes]
        along = along or keys[0]
        if along not in keys:
            raise ScenarioError([Problem("--frontier", None, along, "name one of the --grid "
                                         f"keys: {', '.join(keys)}")])
        if scheduler and backend != "dask":
            raise ScenarioError([Problem("--scheduler", None, "", "needs --backend dask")])
        if backend == "dask":
            require_dask()
        with _writing(str(out_file)):
            run = SweepRun(sweep, Path(out_file) if out_file else None)
    except ScenarioError as exc:
        _invalid(exc)
    jobs = jobs or default_jobs(workers)
    if jobs * workers > default_jobs(1) and not scheduler:
        click.echo(words(CLI_TEXT, "warning", lang, text=words(
            CLI_TEXT, "cores", lang, jobs=jobs, workers=workers, cores=default_jobs(1))),
            err=True)
    if run.rows:
        click.echo(words(CLI_TEXT, "resumed", lang, done=len(run.rows), todo=len(run.todo)),
                   err=True)
    shown = sys.stderr.isatty()
    bar = click.progressbar(length=len(run.todo), label=words(CLI_TEXT, "solving", lang),
                            file=sys.stderr, show_eta=False, item_show_func=_as_text)
    started = time.monotonic()
    try:
        with bar if shown else contextlib.nullcontext(), _writing(str(out_file)):
            for _ in run.results(backend, jobs, scheduler):
                if shown:
                    bar.update(1, time_left(bar.pos + 1, len(run.todo),
                                            time.monotonic() - started, lang))
    except ScenarioError as exc:
        _invalid(exc)
    except KeyboardInterrupt:
        where = words(CLI_TEXT, "saved_in", lang, path=out_file) if out_file else ""
        click.echo(words(CLI_TEXT, "interrupted", lang, done=len(run.rows),
                         total=len(sweep.points), where=where), err=True)
        sys.exit(130)
    with _writing(str(out_file)):
        rows = run.finish()
    click.echo(sweep_text(sweep, rows, lang, wide))
    click.echo("\n" + frontier_text(frontier(sweep, rows, along), along, lang))
    if out_file:
        _wrote(out_file, lang, err=True)
    answered = (*FEASIBLE, Status.infeasible.name)
    sys.exit(EXIT_UNVERIFIED if any(r["verified"] == "no" for r in rows)
             else EXIT_NO_ANSWER if any(r["status"] not in answered for r in rows)
             else EXIT_OK)


@main.command("template", epilog=_epilog(
    "trainplan template --xlsx new-plan.xlsx --lang vi --blank",
    [(EXIT_OK, "the workbook was written"),
     (EXIT_INVALID, "invalid input: a wrong --xlsx path or --from scenario")]))
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False), required=True,
              help="The workbook to write, e.g. new-plan.xlsx.")
@click.option("--from", "from_scenario", type=click.Path(dir_okay=False),
              default=str(Path(__file__).resolve().parent / "scenarios" /
                          "ben_tre_2010_2020.yaml"),
              help="Scenario whose figures fill the template as the example "
                   "[default: Bến Tre 2010-2020].")
@click.option("--lang", type=click.Choice(["en", "vi"]), default="en", show_default=True,
              help="Language of the sheet and field names and their explanations "
                   "(either is read back).")
@click.option("--blank", is_flag=True,
              help="Leave the sheets empty (headers only; the example's level ids and names "
                   "stay, as the quota columns are named after them).")
def template_cmd(xlsx_path: str, from_scenario: str, lang: Lang, blank: bool) -> None:
    """Write an Excel template to fill with a province's figures, then `trainplan solve` it."""
    from trainplan.reports.excel import write_template

    _check_suffix("--xlsx", xlsx_path, ".xlsx")
    try:  # the example's own oddities are not the planner's: no warnings here
        sc = load_scenario(from_scenario).scenario
    except ScenarioError as exc:
        _invalid(exc)
    if sc.short_courses is not None and not blank:  # the workbook has no sheet for them
        click.echo(words(CLI_TEXT, "warning", lang, text=words(
            SHORT_TEXT, "short_not_in_workbook", lang, file=from_scenario)), err=True)
    with _writing(xlsx_path):
        write_template(Path(xlsx_path), sc, lang, blank)
    _wrote(xlsx_path, lang)
    sys.exit(EXIT_OK)


#: The scenario files shipped with trainplan (package data when installed).
EXAMPLES = Path(__file__).resolve().parent / "scenarios"


@main.command("examples", epilog=_epilog(
    "trainplan examples --copy my-plans && trainplan solve my-plans/ben_tre_2010_2020.yaml",
    [(EXIT_OK, "listed, or copied"), (EXIT_INVALID, "a file of that name is already there")]))
@click.option("--copy", "copy_to", type=click.Path(file_okay=False), default=None,
              help="Copy every shipped scenario into this folder (existing files are kept).")
@lang_option
def examples_cmd(copy_to: str | None, lang: Lang) -> None:
    """List the shipped example scenarios (the provinces' plans), or copy them out."""
    files = sorted(EXAMPLES.glob("*.yaml"))
    if copy_to is None:
        for path in files:
            first = path.read_text(encoding="utf-8").splitlines()[0]
            click.echo(f"{path.name:<32} {first.lstrip('# ').strip()}")
        click.echo(f"({EXAMPLES})")
        sys.exit(EXIT_OK)
    target = Path(copy_to)
    taken = [target / p.name for p in files if (target / p.name).exists()]
    if taken:
        click.echo(f"error: {', '.join(map(str, taken))} already there; nothing was copied "
                   "(choose another folder)", err=True)
        sys.exit(EXIT_INVALID)
    with _writing(copy_to):
        write_all({target / p.name: p.read_bytes() for p in files})
    for path in files:
        _wrote(target / path.name, lang)
    sys.exit(EXIT_OK)


# ----- replan: re-plan the remaining years from actual results (issue 10) --------------


def _replan_workbook(p: PlanVsActual, done: Replanned, lang: Lang) -> bytes:
    """The re-plan's workbook with its plan-against-actual sheet, as .xlsx bytes."""
    from trainplan.reports import replan as report
    from trainplan.reports.excel import plan_workbook, xlsx_bytes

    wb = plan_workbook(done.replan, done.result, done.check, lang)
    report.add_sheet(wb, p, lang)
    return xlsx_bytes(wb)


def _replan_files(p: PlanVsActual, done: Replanned, lang: Lang,
                  paths: dict[str, str | None]) -> list[Path]:
    """Write the re-plan's files (plan files plus the plan-against-actual parts) or none."""
    from trainplan.reports import replan as report
    from trainplan.reports.tables import solve_files, stale_files

    sc, result, check = done.replan, done.result, done.check
    renders: list[tuple[str, Render]] = [("the outputs", lambda: _text_fits(sc))]
    stale = [] if paths.get("out") is None else stale_files(Path(str(paths["out"])), result)
    if (out := paths.get("out")) is not None:
        renders.append((out, lambda: {**solve_files(Path(out), sc, result, check),
                                      **report.csv_files(p, Path(out))}))
    if (xlsx := paths.get("xlsx")) is not None:
        renders.append((xlsx, lambda: {Path(xlsx): _replan_workbook(p, done, lang)}))
    if (page := paths.get("html")) is not None:
        from trainplan.reports.html import html_report

        renders.append((page, lambda: {Path(page): report.with_section(
            html_report(sc, result, check, lang), p, lang)}))
    if (png := paths.get("png")) is not None:
        renders.append((png, lambda: {Path(png) / report.CHART_PNG: report.chart(p, lang, "png")}))
    files = _render(renders)
    with _writing(", ".join(str(v) for v in paths.values() if v is not None)):
        write_all(files, stale)
    return list(files)


def _replan_explain(sc: Scenario, settings: SolveSettings, from_year: int, lang: Lang) -> None:
    """Why the targets can no longer be met, and the repairs, priced and checked.

    Each lever's least repair and the cheapest combination, as `trainplan explain`.
    """
    from trainplan.optimizer.explain import (
        SLACK_LEVERS,
        NoAnswer,
        cheapest_combination,
        explain,
        repairs,
    )
    from trainplan.reports.explain import explanation_text
    from trainplan.reports.i18n import REPLAN_TEXT

    click.echo(words(REPLAN_TEXT, "cannot", lang, year=from_year))
    try:
        exp = explain(sc, settings, settings.time_limit_s)
        fixes = repairs(sc, settings)
        combo = cheapest_combination(sc, list(SLACK_LEVERS), settings)
    except NoAnswer as exc:
        click.echo(f"{sc.name}: {exc}")
        return
    click.echo(explanation_text(sc.name, exp, fixes, combo, list(SLACK_LEVERS), lang))


@main.command("replan", epilog=_epilog(
    "trainplan replan scenarios/binh_thuan_2010_2020.yaml --from 2018 --out out/binh_thuan\n"
    "trainplan replan scenarios/ben_tre_actuals_2013.yaml --from 2014 --html out/ben_tre.html",
    [(EXIT_OK, "a re-plan was found and verified, the past kept as it happened"), INVALID,
     (EXIT_INFEASIBLE, "infeasible: the targets can no longer be met (why, and the cheapest "
                       "repair, are printed)"), NO_ANSWER, UNVERIFIED]))
@scenario_options
@click.option("--actuals", "actuals_path", type=click.Path(dir_okay=False), default=None,
              help="YAML file with an 'actuals:' section (default: the scenario's own).")
@click.option("--from", "from_year", type=int, required=True,
              help="First year to re-plan; the years before it are kept as they happened.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Folder for roster.csv, summary.json and plan_vs_actual.csv "
                   "(and plan_vs_actual_short.csv with short courses).")
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False), default=None,
              help="Also write the re-plan as a workbook, with a plan-against-actual sheet.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False), default=None,
              help="Also write the HTML report, with a plan-against-actual section.")
@click.option("--png", "png_dir", type=click.Path(file_okay=False), default=None,
              help="Also write the plan-against-actual chart (plan-vs-actual.png) here.")
@lang_option
@settings_options
def replan_cmd(scenario: str, variants: tuple[str, ...], sets: tuple[str, ...],
               actuals_path: str | None, from_year: int, out_dir: str | None,
               xlsx_path: str | None, html_path: str | None, png_dir: str | None, lang: Lang,
               time_limit: float, workers: int, seed: int) -> None:
    """Keep the past as it happened and re-plan the remaining years; plan against actual."""
    from trainplan.models.actuals import with_actuals
    from trainplan.optimizer.replan import replan
    from trainplan.reports import replan as report
    from trainplan.reports.tables import terminal_report

    _check_suffix("--xlsx", xlsx_path, ".xlsx")
    _check_suffix("--html", html_path, ".html")
    loaded = _load(scenario, variants, sets, lang=lang)
    targets = _output_targets(out_dir, xlsx_path, html_path, None)
    targets += [] if png_dir is None else [("--png", Path(png_dir) / "plan-vs-actual.png")]
    _refuse_inputs(loaded, targets)
    if actuals_path is not None and any(_same_file(Path(actuals_path), p) for _, p in targets):
        click.echo(f"error: an output would replace the actuals file {actuals_path}; "
                   "nothing was written", err=True)
        sys.exit(EXIT_INVALID)
    try:
        sc = with_actuals(loaded.scenario, loaded.path,
                          None if actuals_path is None else Path(actuals_path), from_year)
    except ScenarioError as exc:
        _invalid(exc)
    settings = SolveSettings(time_limit_s=time_limit, workers=workers, seed=seed)
    done = replan(sc, from_year, settings)
    _refused_by_solver(scenario, done.result)
    p = report.plan_vs_actual(sc, done.original.roster, done.result.roster, from_year)
    written = _replan_files(p, done, lang, {"out": out_dir, "xlsx": xlsx_path,
                                            "html": html_path, "png": png_dir})
    click.echo(terminal_report(done.replan, done.result, done.check, lang))
    click.echo("")
    click.echo(report.terminal_text(p, lang))
    if done.result.status == Status.infeasible:
        _replan_explain(done.replan, settings, from_year, lang)
    for path in written:
        _wrote(path, lang)
    if done.check is not None and not done.check.ok:
        sys.exit(EXIT_UNVERIFIED)
    sys.exit(_exit_code(done.result.status))


# ----- simulate: how often the targets hold with random completion (issue 10) ----------


@main.command("simulate", epilog=_epilog(
    "trainplan simulate scenarios/kon_tum_variants.yaml --variant observed-dropout \\\n"
    "  --runs 1000 --seed 7 --png out/risk",
    [(EXIT_OK, "the plan was simulated"), INVALID,
     (EXIT_INFEASIBLE, "infeasible: there is no plan to simulate (run `trainplan explain`)"),
     NO_ANSWER, UNVERIFIED]))
@scenario_options
@click.option("--runs", type=click.IntRange(1, 1_000_000), default=1000, show_default=True,
              help="Number of random runs.")
@click.option("--seed", "sim_seed", type=int, default=0, show_default=True,
              help="Seed of the random draws: the same seed gives the same figures.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Folder for simulation.csv (each target, the runs in which it held).")
@click.option("--png", "png_dir", type=click.Path(file_okay=False), default=None,
              help="Folder for the fan chart of graduates per year (graduates-fan.png).")
@click.option("--html", "html_path", type=click.Path(dir_okay=False), default=None,
              help="Also write the table and the fan chart as one self-contained HTML page.")
@click.option("--robust", "robust", type=click.FloatRange(min=0, max=100, max_open=True),
              default=None, metavar="P",
              help="Draw against the plan `solve --robust P` gives (attrition raised by P "
                   "points), at the expected attrition.")
@lang_option
@click.option("--time-limit", "time_limit", type=click.FloatRange(min=0, min_open=True),
              default=60.0, show_default=True, help="Seconds per solve stage.")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Solver threads.")
def simulate_cmd(scenario: str, variants: tuple[str, ...], sets: tuple[str, ...], runs: int,
                 sim_seed: int, out_dir: str | None, png_dir: str | None,
                 html_path: str | None, robust: float | None, lang: Lang, time_limit: float,
                 workers: int) -> None:
    """Draw course completion at random against the best plan; how often each target holds."""
    from trainplan.models.simulate import simulate
    from trainplan.optimizer.replan import cohort_starts
    from trainplan.optimizer.solve import solve_verified
    from trainplan.reports import simulate as report

    if sim_seed < 0:
        click.echo("error: --seed: give a whole number of 0 or more", err=True)
        sys.exit(EXIT_INVALID)
    _check_suffix("--html", html_path, ".html")
    loaded = _load(scenario, variants, sets, lang=lang)
    outputs = [] if html_path is None else [("--html", Path(html_path))]
    outputs += [] if out_dir is None else [("--out", Path(out_dir) / "simulation.csv")]
    outputs += [] if png_dir is None else [("--png", Path(png_dir) / "graduates-fan.png")]
    _refuse_inputs(loaded, outputs)
    sc = loaded.scenario
    planned = sc if robust is None else _robust(sc, scenario, robust)
    result, check = solve_verified(planned, SolveSettings(time_limit_s=time_limit,
                                                          workers=workers))
    _refused_by_solver(scenario, result)
    if result.roster is None:
        click.echo(f"{sc.name}: {status_text(result.status, lang)}; no plan to simulate")
        sys.exit(_exit_code(result.status))
    if check is not None and not check.ok:
        click.echo(check.summary(), err=True)
        sys.exit(EXIT_UNVERIFIED)
    hired = {(r.unit_type, r.qualification, r.year): r.people for r in result.roster.recruits}
    sim = simulate(sc, cohort_starts(result.roster), runs, sim_seed, hired)
    files: dict[Path, str | bytes] = {}
    if out_dir is not None:
        files[Path(out_dir) / "simulation.csv"] = report.simulation_csv(sim)
    if png_dir is not None:
        files[Path(png_dir) / report.FAN_PNG] = report.fan_chart(sim, lang)
    if html_path is not None:
        files[Path(html_path)] = report.html_page(sc.name, sim, lang)
    with _writing(", ".join(str(p) for p in files)):
        write_all(files)
    click.echo(report.terminal_text(sc.name, sim, lang))
    click.echo(report.plan_line(status_text(result.status, lang),
                                [(g.name, g.value) for g in result.goals], lang))
    for path in files:
        _wrote(path, lang)
# --------------------------------------------------------------------------- serve


@main.command("serve", epilog=_epilog(
    "trainplan serve scenarios/ben_tre_2010_2020.yaml --port 8000",
    [(EXIT_OK, "the server was stopped (SIGTERM)"),
     (EXIT_INVALID, "invalid input: the scenario or folder does not exist, or the port is taken"),
     (EXIT_INTERRUPTED, "stopped with Ctrl-C")]))
@click.argument("target", required=False, type=click.Path(exists=True), metavar="[SCENARIO|DIR]")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but localhost exposes the page (see README).")
@click.option("--no-browser", is_flag=True, help="Do not open the page in a browser.")
@click.option("--lang", type=click.Choice(["en", "vi"]), default="en", show_default=True,
              help="Language a new visitor's page starts in (switchable on the page).")
@click.option("--processes", type=click.IntRange(1, 64), default=max(os.cpu_count() or 2, 2),
              show_default="the cores, at least 2",
              help="Worker processes that solve (one solver thread each).")
def serve_cmd(target: str | None, port: int, host: str, no_browser: bool, lang: Lang,
              processes: int) -> None:
    """Start the planners' web page on this machine and print its address."""
    from trainplan.web.app import serve

    try:
        serve(Path(target) if target else None, host, port, not no_browser, processes,
              lang=lang, echo=click.echo)
    except OSError as exc:
        click.echo(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_INVALID)
    sys.exit(EXIT_OK)


if __name__ == "__main__":
    main()
