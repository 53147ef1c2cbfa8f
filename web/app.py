"""The planners' web page: a Starlette application; `serve` runs it with uvicorn.

Routes (all per browser session, see `web.sessions`):

    GET  /                     the page: open a plan, or edit, solve, compare, download
    POST /open, /upload        open a shipped (or folder) scenario, or an uploaded file
    POST /new                  start a new plan from placeholders
    GET  /template.xlsx        the scenario workbook to fill in (blank or with an example)
    POST /lang                 English / Vietnamese
    POST /edit                 one value typed (JSON): the problems and the plan's totals
    POST /reset                undo every change
    POST /rows                 add a row to a table (a copy of the last) or remove one
    POST /solve, /compare, /sweep   start a job in a worker process (JSON: its id)
    POST /risk, /replan        simulate (runs, seed) / re-plan from actuals: a job too
    POST /staff, /staff/clear  the staff register a solve hands its courses to (or none)
    GET  /jobs/ID              a job's state; when done, its answer as HTML
    GET  /jobs/ID/report.html  the HTML report of a solve (reports.html)
    POST /jobs/ID/repairs/N    a priced repair applied as a new variant
    POST /variants/save, /variants/open   name the changes / go back to a variant
    GET  /download/NAME        scenario.yaml, plan.xlsx, report.html, roster.csv,
                               classes.csv, participants.csv, roster_people.csv

Nothing from an upload is run: a YAML file is read by the scenario loader (no
tags, no aliases beyond its limits), a workbook by openpyxl (macros refused),
and a YAML upload may extend only a shipped scenario.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import re
import socket
import tempfile
import webbrowser
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
import yaml
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from trainplan.models.actuals import with_actuals
from trainplan.models.errors import Problem, ScenarioError
from trainplan.models.loader import MAX_FILE_BYTES, consistency_warnings, load_scenario
from trainplan.models.register import Register, read_register
from trainplan.models.scenario import Scenario
from trainplan.reports.html import plan_table_html
from trainplan.reports.i18n import Lang, money
from trainplan.web.edits import (
    apply_edits,
    problems_by_field,
    sections,
    value_at,
    value_text,
    with_row,
)
from trainplan.web.jobs import (
    Job,
    Runner,
    SolveOptions,
    compare_job,
    replan_job,
    simulate_job,
    solve_job,
    sweep_job,
)
from trainplan.web.sessions import BASE, Opened, Session, Sessions
from trainplan.web.views import (
    DOWNLOADS,
    XLSX,
    compared_view,
    download_body,
    replan_report,
    replan_view,
    risk_view,
    solve_report,
    solved_view,
    swept_view,
)
from trainplan.web.words import WORDS, w

HERE = Path(__file__).resolve().parent
#: The scenario files shipped with trainplan (package data).
SHIPPED = HERE.parent / "scenarios"
#: The new plan's placeholders (package data).
NEW_PLAN = HERE / "new_plan.yaml"
COOKIE = "trainplan_session"
#: Largest upload accepted (the loader's own limit on a scenario file).
MAX_UPLOAD = MAX_FILE_BYTES
#: Room for the form's own fields around the file.
_FORM_MARGIN = 64_000
_SUFFIXES = (".yaml", ".yml", ".xlsx", ".xlsm")
#: Most random runs of one risk simulation on the page (the CLI allows more).
MAX_RUNS = 20_000


def _environment() -> jinja2.Environment:
    """Jinja2 with autoescaping: every text from a scenario or an upload is escaped."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                              autoescape=True, undefined=jinja2.StrictUndefined)


class SessionMiddleware(BaseHTTPMiddleware):
    """Find (or start) the browser's session from its cookie; set the cookie when new."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        """Attach `request.state.session`, then answer."""
        store: Sessions = request.app.state.sessions
        session = store.get(request.cookies.get(COOKIE))
        new = session is None
        if session is None:
            session = store.new()
            session.lang = request.app.state.lang
            start = request.app.state.start
            if start is not None:
                _open_file(session, start, start.name)
        request.state.session = session
        response = await call_next(request)
        if new:
            response.set_cookie(COOKIE, session.id, httponly=True, samesite="strict")
        return response


def _session(request: Request) -> Session:
    return request.state.session


def _lang(request: Request) -> Lang:
    return _session(request).lang


# --------------------------------------------------------------------------- opening


def _shown_problems(exc: ScenarioError, path: Path, shown: str) -> list[str]:
    """The loader's messages, as the CLI prints them, naming the file as the planner knows it."""
    return [f"error: {dataclasses.replace(p, file=shown if p.file == str(path) else p.file)}"
            for p in exc.problems]


def _open_file(session: Session, path: Path, shown: str, extendable: bool = True) -> list[str]:
    """Open a scenario file for the session; the problems (CLI words) when it cannot load.

    A YAML file the planner has (`extendable`) is what a downloaded scenario extends;
    otherwise the download holds the whole scenario.
    """
    try:
        loaded = load_scenario(path)
    except ScenarioError as exc:
        return _shown_problems(exc, path, shown)
    yaml_file = path.suffix.lower() in (".yaml", ".yml")
    if not yaml_file:  # as `trainplan solve` warns about a workbook's own extra sheets
        from trainplan.models.workbook import ignored_sheets

        loaded.warnings += ignored_sheets(path)
    loaded.warnings = [dataclasses.replace(p, file=shown) if p.file == str(path) else p
                       for p in loaded.warnings]
    session.open(Opened(loaded, shown, loaded.scenario.model_dump(), yaml_file and extendable))
    return []


def _listed(folder: Path | None) -> list[str]:
    """Scenario files of a folder, by name."""
    if folder is None or not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir()
                  if p.is_file() and p.suffix.lower() in _SUFFIXES)


async def open_file(request: Request) -> Response:
    """Open a shipped scenario, or one of the folder given to `serve`."""
    form = await request.form()
    name, where = str(form.get("file", "")), str(form.get("where", "shipped"))
    folder = SHIPPED if where == "shipped" else request.app.state.folder
    if folder is None or name not in _listed(folder):
        return _page(request, {"upload": [w("not_found", _lang(request))]}, 404)
    problems = _open_file(_session(request), folder / name, name)
    if problems:
        return _page(request, {"upload": problems}, 400)
    return RedirectResponse("/", 303)


async def new_plan(request: Request) -> Response:
    """Start a new plan on the page: the blank template's levels and placeholders to replace."""
    _open_file(_session(request), NEW_PLAN, "new-plan.yaml", extendable=False)
    return RedirectResponse("/", 303)


def _extends_problem(text: str, shown: str) -> Problem | None:
    """An uploaded YAML file may extend only a shipped scenario (no other file is read)."""
    try:
        raw = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError, ValueError, TypeError):
        return None  # the (stricter) loader refuses it and says why, with the line
    base = raw.get("extends") if isinstance(raw, dict) else None
    if base is None or base in _listed(SHIPPED):
        return None
    return Problem(shown, None, "extends", "an uploaded file may extend only a shipped "
                   f"scenario ({', '.join(_listed(SHIPPED))}); upload the effective "
                   "scenario instead (`trainplan show`)")


def _safe_name(name: str) -> str:
    """A file name safe to keep on the server, keeping its suffix."""
    stem, suffix = Path(name).stem, Path(name).suffix.lower()
    return (re.sub(r"[^\w.-]", "_", stem)[:80] or "upload") + suffix


async def upload(request: Request) -> Response:
    """Open an uploaded scenario file; problems are shown next to the upload field."""
    lang = _lang(request)
    too_large = {"upload": [w("too_large", lang, mb=MAX_UPLOAD // 1_000_000)]}
    length = request.headers.get("content-length", "")
    if not length.isdigit() or int(length) > MAX_UPLOAD + _FORM_MARGIN:
        return _page(request, too_large, 413)
    form = await request.form(max_files=1, max_fields=5)
    item = form.get("scenario")
    if item is None or isinstance(item, str) or not item.filename:
        return _page(request, {"upload": [w("upload", lang)]}, 400)
    data = await item.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        return _page(request, too_large, 413)
    shown = _safe_name(item.filename)
    if Path(shown).suffix not in _SUFFIXES:
        return _page(request, {"upload": [f"error: {shown}: not a scenario file; upload a "
                                          ".yaml, .yml or .xlsx file"]}, 400)
    session = _session(request)
    problem = None
    if shown.endswith((".yaml", ".yml")):
        problem = _extends_problem(data.decode("utf-8", errors="replace"), shown)
    if problem is not None:
        return _page(request, {"upload": [f"error: {problem}"]}, 400)
    problems = _open_file(session, _store_upload(session, shown, data), shown)
    if problems:
        return _page(request, {"upload": problems}, 400)
    return RedirectResponse("/", 303)


def _store_upload(session: Session, shown: str, data: bytes) -> Path:
    """Keep an upload in the session's folder, beside copies of the shipped scenarios."""
    folder = session.folder / f"upload-{len(list(session.folder.glob('upload-*')))}"
    folder.mkdir(parents=True)
    for name in _listed(SHIPPED):
        (folder / name).write_bytes((SHIPPED / name).read_bytes())
    path = folder / shown
    path.write_bytes(data)
    return path


def template(request: Request) -> Response:
    """The scenario workbook to fill in: blank, or with Bến Tre as the example."""
    from trainplan.reports.excel import xlsx_bytes
    from trainplan.reports.template import template_workbook

    blank = request.query_params.get("blank") == "1"
    sc = load_scenario(SHIPPED / "ben_tre_2010_2020.yaml").scenario
    body = xlsx_bytes(template_workbook(sc, _lang(request), blank))
    name = "new-plan.xlsx" if blank else "template.xlsx"
    return _file(body, name, XLSX)


# --------------------------------------------------------------------------- editing


def current(session: Session) -> tuple[Scenario | None, dict[str, list[str]]]:
    """The session's plan with its edits, or the problems by form key (CLI words)."""
    opened = session.opened
    if opened is None:
        return None, {}
    try:
        return apply_edits(opened.base, dict(session.edits), opened.shown), {}
    except ScenarioError as exc:
        return None, problems_by_field(exc)


def _base_text(opened: Opened, key: str) -> str | None:
    """The text a key holds in the opened file (None for a key it does not have)."""
    try:
        return value_text(value_at(opened.base, key.split(".")))
    except (KeyError, ValueError, AttributeError, TypeError):
        return None


async def edit(request: Request) -> Response:
    """One value typed: keep it as an edit, answer the problems and the plan's totals."""
    session = _session(request)
    if session.opened is None:
        return JSONResponse({"error": "open a plan first"}, 409)
    try:
        body = json.loads(await request.body())
        key, text = str(body["key"]).strip(), str(body["value"]).strip()
    except (ValueError, KeyError, TypeError):
        return JSONResponse({"error": "send {\"key\": ..., \"value\": ...}"}, 400)
    if not key or len(key) > 500 or len(text) > 100_000:
        return JSONResponse({"error": "a key and a value, please"}, 400)
    if _base_text(session.opened, key) == text:
        session.edits.pop(key, None)
    else:
        session.edits[key] = text
    return JSONResponse(_edited(session))


def _edited(session: Session) -> dict[str, Any]:
    """What the page shows after an edit: problems by field, the plan's table, the count."""
    sc, errors = current(session)
    shown = sc or apply_edits(session.opened.base, {}, session.opened.shown)
    return {"errors": errors, "edits": len(session.edits),
            "totals": _render("plan_table.html.j2", session.lang, sc=shown)}


async def rows(request: Request) -> Response:
    """Add a row to a table (a copy of its last row, with a new id) or remove one by id.

    The table's whole list becomes one edit (`milestones: [...]`), checked like any other.
    """
    session = _session(request)
    sc, errors = current(session)
    if sc is None:
        return _invalid(session, errors)
    try:
        body = json.loads(await request.body())
        key, ident, action = (str(body[k]).strip() for k in ("key", "id", "action"))
    except (ValueError, KeyError, TypeError):
        return JSONResponse({"error": "send {\"key\", \"id\", \"action\"}"}, 400)
    changed = with_row(sc.model_dump(), key, ident, action == "add")
    if isinstance(changed, str):
        return JSONResponse({"error": changed, "errors": {key: [changed]}}, 400)
    session.edits[key] = value_text(changed)
    return JSONResponse(_edited(session))


async def reset(request: Request) -> Response:
    """Undo every change to the opened plan."""
    session = _session(request)
    session.edits = {}
    return RedirectResponse("/", 303)


async def language(request: Request) -> Response:
    """Switch the page between English and Vietnamese."""
    form = await request.form()
    lang = str(form.get("lang", "en"))
    _session(request).lang = "vi" if lang == "vi" else "en"
    return RedirectResponse("/", 303)


# --------------------------------------------------------------------------- jobs


def _start(request: Request, job: Job) -> Response:
    """Hand a job to the worker processes; answer its id."""
    session = _session(request)
    if session.busy():
        return JSONResponse({"error": "too many jobs running; wait for one to finish"}, 429)
    session.add_job(request.app.state.runner.submit(job))
    if job.kind == "solve":
        session.solved = job.id
    return JSONResponse({"job": job.id, "state": job.state})


def _invalid(session: Session, errors: dict[str, list[str]]) -> Response:
    return JSONResponse({"error": w("invalid", session.lang), "errors": errors}, 400)


async def solve(request: Request) -> Response:
    """Solve the plan as it is now (the CLI's solve, and explain when no plan exists).

    The form's options: `robust` (`--robust P`) and `redact` (`--redact`, with the
    uploaded staff register as `--staff`).
    """
    session = _session(request)
    sc, errors = current(session)
    if sc is None:
        return _invalid(session, errors)
    form = await request.form()
    robust = _robust_points(str(form.get("robust", "")).strip(), sc, session.opened.shown)
    if isinstance(robust, dict):
        return _invalid(session, robust)
    register = _register(session, sc)
    if isinstance(register, dict):
        return _invalid(session, register)
    options = SolveOptions(robust, register, form.get("redact") == "on")
    return _start(request, Job("solve", solve_job, (sc, options), edits=dict(session.edits)))


async def compare_variants(request: Request) -> Response:
    """Compare two or more variants side by side (the CLI's compare)."""
    session = _session(request)
    form = await request.form()
    names = [str(n) for n in form.getlist("names") if str(n) in session.variants]
    if len(names) < 2 or session.opened is None:
        return JSONResponse({"error": w("pick_two", session.lang)}, 400)
    scenarios = []
    for name in names:
        try:
            scenarios.append((name, apply_edits(session.opened.base, session.variants[name],
                                                session.opened.shown)))
        except ScenarioError as exc:
            return _invalid(session, problems_by_field(exc))
    return _start(request, Job("compare", compare_job, (scenarios,)))


async def sweep(request: Request) -> Response:
    """Solve the plan for each value of one figure (the CLI's sweep, one grid key)."""
    session = _session(request)
    form = await request.form()
    key, values = str(form.get("key", "")).strip(), str(form.get("values", "")).strip()
    sc, errors = current(session)
    if sc is None:
        return _invalid(session, errors)
    return _start(request, Job("sweep", sweep_job, (sc, f"{key}={values}")))


# --------------------------------------------------------------- robust, register, risk, re-plan


def _robust_points(text: str, sc: Scenario, shown: str) -> Decimal | dict[str, list[str]] | None:
    """`--robust P` as the CLI reads it (points, to the hundredth), or the problem by field."""
    if not text:
        return None
    try:
        points = Decimal(text)
    except ArithmeticError:
        points = Decimal(-1)
    if not points.is_finite() or not 0 <= points < 100:
        return {"robust": [f"error: --robust: {text!r} is not a number of percentage points "
                           "from 0 up to (not including) 100"]}
    if sc.workforce is None:
        return {"robust": [f"error: {shown}: --robust needs a workforce section (staff, "
                           "attrition and targets); this scenario has none"]}
    return points.quantize(Decimal("0.01"))


def _register(session: Session, sc: Scenario) -> Register | dict[str, list[str]] | None:
    """The uploaded staff register read against the plan as it is now, or its problems."""
    if session.staff is None:
        return None
    path, shown = session.staff
    try:
        return read_register(path, sc)
    except ScenarioError as exc:
        return {"staff": _shown_problems(exc, path, shown)}


@dataclasses.dataclass(frozen=True)
class Refused:
    """An upload refused: the words to show beside its field, and the HTTP status."""

    words: str
    status: int = 400


async def _uploaded(request: Request, field: str, suffixes: tuple[str, ...]
                    ) -> tuple[str, bytes] | Refused | None:
    """An uploaded file of a form (at most MAX_UPLOAD): its safe name and bytes.

    None when the form has no file; a problem (too large, of the wrong kind) refused.
    """
    too_large = Refused(w("too_large", _lang(request), mb=MAX_UPLOAD // 1_000_000), 413)
    length = request.headers.get("content-length", "")
    if not length.isdigit() or int(length) > MAX_UPLOAD + _FORM_MARGIN:
        return too_large
    form = await request.form(max_files=1, max_fields=5)
    item = form.get(field)
    if item is None or isinstance(item, str) or not item.filename:
        return None
    data = await item.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        return too_large
    shown = _safe_name(item.filename)
    if Path(shown).suffix not in suffixes:
        return Refused(f"error: {shown}: not a {', '.join(suffixes[:-1])} or {suffixes[-1]} file"
                       if len(suffixes) > 1 else f"error: {shown}: not a {suffixes[0]} file")
    return shown, data


def _keep(session: Session, shown: str, data: bytes) -> Path:
    """Keep an uploaded register or actuals file in the session's own folder."""
    folder = session.folder / f"file-{len(list(session.folder.glob('file-*')))}"
    folder.mkdir(parents=True)
    path = folder / shown
    path.write_bytes(data)
    return path


async def staff_upload(request: Request) -> Response:
    """Upload the staff register (CSV, or a workbook's `staff` sheet): `solve --staff FILE`.

    It is read against the plan at once; its problems (file, line and column, as the
    CLI prints them) are shown beside the field, and it is read again at each solve.
    """
    session = _session(request)
    sc, _ = current(session)
    if sc is None:
        return _page(request, {"staff": [w("invalid", session.lang)]}, 400)
    got = await _uploaded(request, "register", (".csv", ".xlsx"))
    if got is None:
        got = Refused(w("choose_file", session.lang))
    if isinstance(got, Refused):
        return _page(request, {"staff": [got.words]}, got.status)
    shown, data = got
    path = _keep(session, shown, data)
    try:
        register = read_register(path, sc)
    except ScenarioError as exc:
        return _page(request, {"staff": _shown_problems(exc, path, shown)}, 400)
    session.staff = (path, shown)
    notes = [f"warning: {text}" for text in register.warnings]
    return _page(request, {"staff_notes": notes}) if notes else RedirectResponse("/", 303)


async def staff_clear(request: Request) -> Response:
    """Solve without the staff register again."""
    _session(request).staff = None
    return RedirectResponse("/", 303)


def _whole(text: str, field: str, low: int, high: int) -> int | dict[str, list[str]]:
    """A whole number from a form field, within bounds, or the problem by field."""
    if not re.fullmatch(r"-?\d{1,9}", text) or not low <= int(text) <= high:
        return {field: [f"error: --{field}: give a whole number from {low:,} to {high:,} "
                        f"(got {text!r})"]}
    return int(text)


async def risk(request: Request) -> Response:
    """`trainplan simulate --runs N --seed S [--robust P]`: how often each target holds."""
    session = _session(request)
    sc, errors = current(session)
    if sc is None:
        return _invalid(session, errors)
    form = await request.form()
    runs = _whole(str(form.get("runs", "")).strip(), "runs", 1, MAX_RUNS)
    seed = _whole(str(form.get("seed", "0")).strip() or "0", "seed", 0, 2**31 - 1)
    robust = _robust_points(str(form.get("robust", "")).strip(), sc, session.opened.shown)
    for problem in (runs, seed, robust):
        if isinstance(problem, dict):
            return _invalid(session, problem)
    return _start(request, Job("risk", simulate_job, (sc, runs, seed, robust)))


async def replan_form(request: Request) -> Response:
    """`trainplan replan --from YEAR [--actuals FILE]`: the past as it happened, the rest again.

    Without an uploaded file, the scenario's own `actuals` section is used.
    """
    session = _session(request)
    sc, errors = current(session)
    if sc is None:
        return _invalid(session, errors)
    got = await _uploaded(request, "actuals", (".yaml", ".yml", ".xlsx", ".xlsm"))
    if isinstance(got, Refused):
        return _invalid(session, {"actuals": [got.words]})
    form = await request.form()  # read once by _uploaded, kept by Starlette
    year = _whole(str(form.get("from", "")).strip(), "from", sc.horizon.first_year,
                  sc.horizon.last_year)
    if isinstance(year, dict):
        return _invalid(session, year)
    opened = session.opened
    kept = None if got is None else _keep(session, *got)
    try:
        with_past = with_actuals(sc, opened.loaded.path, kept, year)
    except ScenarioError as exc:
        shown = _shown_problems(exc, opened.loaded.path, opened.shown)
        if got is not None:
            shown = [line.replace(str(kept), got[0]) for line in shown]
        return _invalid(session, {"actuals": shown})
    return _start(request, Job("replan", replan_job, (with_past, year)))


def _job(request: Request) -> Job | None:
    return _session(request).jobs.get(request.path_params["job"])


def job_state(request: Request) -> Response:
    """A job's state; when finished, its answer as HTML for the page."""
    job, lang = _job(request), _lang(request)
    if job is None:
        return JSONResponse({"error": w("not_found", lang)}, 404)
    state = job.state
    ahead = request.app.state.runner.ahead(job) if state == "queued" else 0
    words = "" if state == "done" else f"{w(state, lang)} {job.seconds} {w('seconds', lang)}"
    if ahead:
        words += f" ({w('ahead', lang, n=ahead)})"
    out: dict[str, Any] = {"job": job.id, "kind": job.kind, "state": state,
                           "seconds": job.seconds, "ahead": ahead, "words": words}
    if state == "failed":
        out["html"] = _render("failed.html.j2", lang, job=job)
    elif state == "done":
        out["html"] = _answer(job, _session(request))
    return JSONResponse(out)


def _answer(job: Job, session: Session) -> str:
    """A finished job's answer, as the page shows it."""
    lang = session.lang
    if job.kind == "solve":
        return _render("solved.html.j2", lang, job=job, apply=True,
                       **solved_view(job.result, lang))
    if job.kind == "compare":
        return _render("compared.html.j2", lang, **compared_view(job.result, lang))
    if job.kind == "risk":
        return _render("risk.html.j2", lang, **risk_view(job.result, lang))
    if job.kind == "replan":
        return _render("replanned.html.j2", lang, job=job, apply=False,
                       **replan_view(job.result, lang))
    return _render("swept.html.j2", lang, **swept_view(job.result, lang))


def report(request: Request) -> Response:
    """The HTML report of a finished solve or re-plan, as the CLI's `--html` writes it."""
    job = _job(request)
    if job is None or job.kind not in ("solve", "replan") or job.state != "done":
        return _not_found(request)
    if job.kind == "replan":
        return HTMLResponse(replan_report(job.result, _lang(request)))
    return HTMLResponse(solve_report(job.result, _lang(request)))


def apply_repair(request: Request) -> Response:
    """A priced repair applied to the edits it was found for, as a new variant."""
    job, session = _job(request), _session(request)
    index = int(request.path_params["index"])
    if job is None or job.kind != "solve" or job.state != "done":
        return _not_found(request)
    fixes = [*job.result.repairs, *([job.result.combination] if job.result.combination else [])]
    if not 0 <= index < len(fixes):
        return _not_found(request)
    repair = fixes[index]
    edits = dict(job.edits)
    for change in repair.changes:
        edits |= {k: value_text(v) for k, v in change.overrides().items()}
    name, n = f"repair-{repair.lever}", 2
    while name in session.variants:
        name, n = f"repair-{repair.lever}-{n}", n + 1
    session.edits = edits
    session.save_variant(name)
    return RedirectResponse("/", 303)


async def save_variant(request: Request) -> Response:
    """Keep the current changes as a named variant."""
    session = _session(request)
    form = await request.form()
    if not session.save_variant(str(form.get("name", "")).strip()):
        return _page(request, {"variant": [w("variant_name", session.lang)]}, 400)
    return RedirectResponse("/", 303)


async def open_variant(request: Request) -> Response:
    """Go back to a variant's changes."""
    session = _session(request)
    form = await request.form()
    name = str(form.get("name", ""))
    if name not in session.variants:
        return _not_found(request)
    session.open_variant(name)
    return RedirectResponse("/", 303)


# --------------------------------------------------------------------------- downloads

def _file(body: str | bytes, name: str, media: str) -> Response:
    return Response(body, media_type=media,
                    headers={"content-disposition": f'attachment; filename="{name}"'})


def download(request: Request) -> Response:
    """The scenario as YAML (changes as overrides), or the last solve's workbook, report, CSV."""
    session, name = _session(request), request.path_params["name"]
    if session.opened is None or name not in DOWNLOADS:
        return _not_found(request)
    job = session.jobs.get(session.solved or "")
    solved = job.result if job is not None and job.state == "done" else None
    found = download_body(session, name, solved)
    if found is None:
        return _page(request, {"download": [w("solve_first", session.lang)]}, 404)
    body, media = found
    return _file(body, name, media)


# --------------------------------------------------------------------------- pages


def _render(template_name: str, lang: Lang, **context: Any) -> str:
    env = _environment()
    return env.get_template(template_name).render(
        lang=lang, w=lambda key, **kv: w(key, lang, **kv), money=money,
        plan_table=plan_table_html, **context)


def _around(value: Decimal | int) -> str:
    """Sweep values around a figure: 60% to 120% of it in round steps ("30000:65000:5000")."""
    step = 5 * 10 ** max(len(str(int(value))) - 2, 0)
    low = max(int(value) * 6 // 10 // step * step, step)
    high = -(-int(value) * 12 // 10 // step) * step
    return f"{low}:{high}:{step}"


def _sweep_defaults(sc: Scenario) -> dict[str, str]:
    """Figures a sweep may vary from the page (money, places, milestone years), with values."""
    out: dict[str, str] = {}
    for key, value in (("budget.total", sc.budget.total), ("budget.per_year", sc.budget.per_year),
                       ("capacity.starts_per_year", sc.capacity.starts_per_year)):
        if value:
            out[key] = _around(value)
    for m in sc.milestones:
        out[f"milestones.{m.id}.by_year"] = ", ".join(
            str(y) for y in range(m.by_year - 2, m.by_year + 3) if y in sc.years)
    return out


def _warnings(session: Session, sc: Scenario | None) -> list[Problem]:
    """The plan's consistency warnings as the CLI prints them: the file's, or the edited plan's."""
    opened = session.opened
    if opened is None:
        return []
    if sc is None or not session.edits:
        return opened.loaded.warnings
    return consistency_warnings(sc, opened.shown, {})


def _page(request: Request, problems: dict[str, list[str]] | None = None,
          status: int = 200) -> Response:
    """The page: the open view, and the plan's editor when one is open."""
    session = _session(request)
    sc, errors = current(session)
    opened = session.opened
    shown = sc or (apply_edits(opened.base, {}, opened.shown) if opened else None)
    context: dict[str, Any] = {
        "session": session, "problems": problems or {}, "sc": shown, "errors": errors,
        "shipped": _listed(SHIPPED), "folder": _listed(request.app.state.folder),
        "sections": sections(sc.model_dump() if sc else opened.base, session.edits)
        if opened else [],
        "warnings": _warnings(session, sc),
        "sweep": _sweep_defaults(shown) if shown else {}, "base": BASE,
        "words_json": json.dumps({k: v[session.lang] for k, v in WORDS.items()},
                                 ensure_ascii=False)}
    return HTMLResponse(_render("page.html.j2", session.lang, **context), status)


def index(request: Request) -> Response:
    """The page."""
    return _page(request)


def _not_found(request: Request) -> Response:
    return _page(request, {"download": [w("not_found", _lang(request))]}, 404)


@contextlib.asynccontextmanager
async def _lifespan(app: Starlette) -> AsyncIterator[None]:
    """Stop the worker processes and drop the uploads when the server stops."""
    yield
    app.state.runner.shutdown()
    app.state.tmp.cleanup()


def create_app(start: Path | None = None, folder: Path | None = None,
               processes: int = 2, root: Path | None = None, lang: Lang = "en",
               hosts: list[str] | None = None) -> Starlette:
    """The application; `start` opens for every new session, `folder` is listed to open.

    `lang` is the language a new session starts in; `root` holds the sessions' uploads
    (a temporary folder, removed when the server stops, by default); `hosts`, when
    given, are the only Host headers answered (a page on localhost refuses a web
    site's DNS-rebinding requests).
    """
    routes = [
        Route("/", index), Route("/open", open_file, methods=["POST"]),
        Route("/upload", upload, methods=["POST"]), Route("/new", new_plan, methods=["POST"]),
        Route("/template.xlsx", template),
        Route("/lang", language, methods=["POST"]), Route("/edit", edit, methods=["POST"]),
        Route("/reset", reset, methods=["POST"]), Route("/rows", rows, methods=["POST"]),
        Route("/solve", solve, methods=["POST"]),
        Route("/compare", compare_variants, methods=["POST"]),
        Route("/sweep", sweep, methods=["POST"]), Route("/jobs/{job}", job_state),
        Route("/risk", risk, methods=["POST"]), Route("/replan", replan_form, methods=["POST"]),
        Route("/staff", staff_upload, methods=["POST"]),
        Route("/staff/clear", staff_clear, methods=["POST"]),
        Route("/jobs/{job}/report.html", report),
        Route("/jobs/{job}/repairs/{index:int}", apply_repair, methods=["POST"]),
        Route("/variants/save", save_variant, methods=["POST"]),
        Route("/variants/open", open_variant, methods=["POST"]),
        Route("/download/{name}", download),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [Middleware(SessionMiddleware)]
    if hosts is not None:
        middleware.insert(0, Middleware(TrustedHostMiddleware, allowed_hosts=hosts))
    app = Starlette(routes=routes, middleware=middleware, lifespan=_lifespan)
    app.state.start, app.state.folder, app.state.lang = start, folder, lang
    app.state.runner = Runner(processes)
    app.state.tmp = tempfile.TemporaryDirectory(prefix="trainplan-web-")
    app.state.sessions = Sessions(root or Path(app.state.tmp.name))
    return app


def serve(target: Path | None, host: str, port: int, browser: bool, processes: int,
          lang: Lang = "en", echo: Any = print) -> None:
    """Run the page until Ctrl-C: prints its address (and opens the browser when asked)."""
    import uvicorn

    start = target if target is not None and target.is_file() else None
    folder = target if target is not None and target.is_dir() else None
    loopback = host in ("127.0.0.1", "localhost", "::1")
    app = create_app(start, folder, processes, lang=lang,
                     hosts=["127.0.0.1", "localhost", "[::1]", "::1"] if loopback else None)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)  # reachable from the moment the address is printed
    shown_host = f"[{host}]" if ":" in host else host
    address = f"http://{shown_host}:{sock.getsockname()[1]}/"
    echo(f"trainplan: serving on {address} (Ctrl-C to stop)")
    if browser:
        webbrowser.open(address)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    server.run(sockets=[sock])
