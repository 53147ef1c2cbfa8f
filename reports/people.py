"""The per-person roster in every output: CSV, workbook sheets, HTML section, terminal.

Reads the verified per-person result (`optimizer.people.PeopleResult` rows and
conflicts, checked by `models.checker.verify_people`); with `redact`, person ids
only, never names. Unit names are the scenario's (`unit_list` names).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from pathlib import Path

from markupsafe import escape
from trainplan.models.checker import Verification
from trainplan.models.files import as_bytes
from trainplan.models.register import (
    Change,
    NamedRun,
    PeopleOutput,
    PeopleResult,
    PersonRow,
    Register,
    people_csv,
)
from trainplan.models.scenario import Scenario
from trainplan.reports.i18n import Lang
from trainplan.reports.tables import unit_names

#: roster_people.csv and the list of changes against --previous, in the --out folder.
PEOPLE_FILE = "roster_people.csv"
CHANGES_FILE = "roster_people_changes.csv"

HEADERS = {
    "en": ["Person id", "Name", "Unit", "Unit name", "Level", "Start year", "Graduation year",
           "Course cost (million VND)"],
    "vi": ["Mã cán bộ", "Họ và tên", "Đơn vị", "Tên đơn vị", "Trình độ", "Năm bắt đầu",
           "Năm tốt nghiệp", "Kinh phí khóa học (triệu đồng)"],
}
WORDS = {
    "sheet": {"en": "People {type}", "vi": "Người học {type}"},
    "print": {"vi": "In theo đơn vị"},
    "unit": {"en": "Unit: {unit}", "vi": "Đơn vị: {unit}"},
    "title": {"en": "Training roster by person", "vi": "Danh sách cán bộ được cử đi đào tạo"},
    "signed": {"en": "Prepared by (name, signature)",
               "vi": "Người lập biểu (ký, ghi rõ họ tên)"},
}


def _name(out: PeopleOutput, row: PersonRow) -> str:
    return "" if out.redact else row.name


def _cells(out: PeopleOutput, row: PersonRow, lang: Lang) -> list:
    names = unit_names(out.sc)
    level = out.sc.level(row.level)
    return [row.person_id, _name(out, row), row.unit, names.get((row.unit_type, row.unit), ""),
            level.label_vi if lang == "vi" else level.label_en, row.start_year,
            row.graduation_year, row.cost_million_vnd]


def people_files(out_dir: Path, out: PeopleOutput) -> dict[Path, str]:
    """roster_people.csv (and the changes against --previous) for the --out folder."""
    files = {out_dir / PEOPLE_FILE: people_csv(out.rows, out.redact)}
    if out.changes_csv is not None:
        files[out_dir / CHANGES_FILE] = out.changes_csv
    return files


def _sheet_title(text: str) -> str:
    """A sheet title Excel accepts (31 characters, no brackets, colons, stars, slashes)."""
    for ch in "[]:*?/\\":
        text = text.replace(ch, " ")
    return text[:31]


def with_people_sheets(xlsx: bytes, out: PeopleOutput, lang: Lang) -> bytes:
    """The plan workbook with a sheet per unit type of named people and a printable one.

    The printable sheet is in Vietnamese whatever --lang (for a district office): one
    block per unit, each starting on a new printed page, with a line to sign.
    """
    from openpyxl import load_workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.pagebreak import Break
    from trainplan.reports.excel import xlsx_bytes

    wb = load_workbook(io.BytesIO(xlsx))
    bold = Font(bold=True)
    for ut in out.sc.unit_types:
        rows = [r for r in out.rows if r.unit_type == ut.id]
        if not rows:
            continue
        ws = wb.create_sheet(_sheet_title(WORDS["sheet"][lang].format(type=ut.id)))
        ws.append(HEADERS[lang])
        for cell in ws[1]:
            cell.font = bold
        ws.freeze_panes = "A2"
        for r in rows:
            ws.append(_cells(out, r, lang))
    ws = wb.create_sheet(_sheet_title(WORDS["print"]["vi"]))
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    by_unit: dict[tuple[str, str], list[PersonRow]] = {}
    for r in out.rows:
        by_unit.setdefault((r.unit_type, r.unit), []).append(r)
    names = unit_names(out.sc)
    for (type_id, unit), rows in sorted(by_unit.items(), key=lambda kv: _unit_order(out.sc,
                                                                                    kv[0])):
        if ws.max_row > 1:
            ws.row_breaks.append(Break(id=ws.max_row))
        label = f"{unit} {names.get((type_id, unit), '')}".strip()
        ws.append([WORDS["title"]["vi"]])
        ws.cell(ws.max_row, 1).font = bold
        ws.append([WORDS["unit"]["vi"].format(unit=label)])
        ws.append(HEADERS["vi"])
        for cell in ws[ws.max_row]:
            cell.font = bold
        for r in rows:
            ws.append(_cells(out, r, "vi"))
        ws.append([])
        ws.append([WORDS["signed"]["vi"]])
    return xlsx_bytes(wb)


def _unit_order(sc: Scenario, key: tuple[str, str]) -> tuple[int, int]:
    types = [ut.id for ut in sc.unit_types]
    return types.index(key[0]), sc.unit_type(key[0]).unit_ids.index(key[1])


def with_people_section(html: str, out: PeopleOutput, lang: Lang) -> str:
    """The HTML report with the roster by person (names unless redacted) before its end."""
    head = "".join(f"<th>{escape(h)}</th>" for h in HEADERS[lang])
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in _cells(out, r, lang))
        + "</tr>" for r in out.rows)
    section = (f'<section class="roster" id="people"><h2>{escape(WORDS["title"][lang])}</h2>'
               f'<table id="roster-people"><thead><tr>{head}</tr></thead>'
               f"<tbody>{body}</tbody></table></section>")
    return html.replace("</body>", f"{section}</body>", 1)


def _courses(courses: tuple[tuple[str, int], ...]) -> str:
    return "; ".join(f"{level} {year}" for level, year in courses) or "-"


def changes_csv(changes: list[Change]) -> str:
    """The people whose courses changed against --previous: before, after and why."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["person_id", "before", "after", "why"])
    for c in changes:
        writer.writerow([c.person_id, _courses(c.before), _courses(c.after), c.why])
    return buffer.getvalue()


def people_report(result: PeopleResult, register: Register, check: Verification | None,
                  redact: bool) -> str:
    """What the terminal says about the named people: status, check, conflicts, changes."""
    names = {} if redact else {p.id: p.name for p in register.people}
    people = len({r.person_id for r in result.rows})
    lines = [f"people: {result.status.value}"]
    if result.rows:
        lines[0] += f"; {len(result.rows)} courses to {people} named people"
    if check is not None:
        lines.append(f"people {check.summary()}")
        lines += [f"  {v.rule}: {v.message}" for v in check.violations]
    for c in result.conflicts:
        courses = ", ".join(f"{k.level} {k.year} x{k.starts}" for k in c.courses) or "none"
        lines.append(f"  {c.unit_type} {c.unit} (courses: {courses}) cannot be staffed:")
        if not c.instances:
            lines.append("    - person_courses: no one in the register can take them")
        lines += [f"    - {i.rule}: {_named(i.text, i.person_id, names)}" for i in c.instances]
    if result.changes:
        lines.append(f"changed against the previous roster: {len(result.changes)} people")
        lines += [f"  {_named(c.person_id, c.person_id, names)}: {_courses(c.before)} -> "
                  f"{_courses(c.after)} ({c.why})" for c in result.changes]
    return "\n".join(lines)


def _named(text: str, pid: str, names: dict[str, str]) -> str:
    """`text` with the person's name after their id (unless redacted)."""
    return text.replace(pid, f"{pid} ({names[pid]})", 1) if pid in names else text


def with_people_summary(text: str, result: PeopleResult, out: PeopleOutput) -> str:
    """summary.json's text with a `people` block: the per-person verdict, goals, conflicts."""
    check = out.check
    block = {
        "status": result.status.name, "message": result.status.value,
        "courses": len(result.rows), "people": len({r.person_id for r in result.rows}),
        "redacted": out.redact,
        "goals": [{"name": g.name, "value": g.value, "bound": g.bound,
                   "proven_optimal": g.optimal} for g in result.goals],
        "verification": None if check is None else {
            "ok": check.ok, "rules_checked": len(check.rules_checked),
            "violations": [{"rule": v.rule, "message": v.message} for v in check.violations]},
        "conflicts": [{"unit_type": c.unit_type, "unit": c.unit,
                       "rules": [{"rule": i.rule, "person_id": i.person_id, "text": i.text}
                                 for i in c.instances]} for c in result.conflicts],
        "changed_people": len(result.changes),
    }
    inner = json.dumps(block, indent=2, ensure_ascii=False).replace("\n", "\n  ")
    head = text.rstrip()
    assert head.endswith("}")
    return f'{head[:-1].rstrip()},\n  "people": {inner}\n}}\n'


def add_people_files(files: dict[Path, bytes], people: NamedRun | None,
                     paths: Mapping[str, str | None], lang: Lang
                     ) -> tuple[dict[Path, bytes], list[Path]]:
    """A `--staff` run's files with the people's files, sheets and summary added.

    `paths` are the run's outputs (out, xlsx, html); returned with the files are the
    people's files of an earlier run to remove when this run has no named roster.
    """
    out = paths.get("out")
    if out is not None and people is not None:
        summary = Path(out) / "summary.json"
        files[summary] = with_people_summary(files[summary].decode("utf-8"), people.result,
                                             people.output).encode("utf-8")
    if people is None or not people.assigned:
        return files, ([Path(out) / PEOPLE_FILE, Path(out) / CHANGES_FILE] if out else [])
    if out is not None:
        files |= {p: as_bytes(t) for p, t in people_files(Path(out), people.output).items()}
    if (xlsx := paths.get("xlsx")) is not None:
        files[Path(xlsx)] = with_people_sheets(files[Path(xlsx)], people.output, lang)
    if (page := paths.get("html")) is not None:
        html = files[Path(page)].decode("utf-8")
        files[Path(page)] = with_people_section(html, people.output, lang).encode("utf-8")
    return files, []
