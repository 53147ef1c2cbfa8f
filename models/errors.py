"""What is wrong with a scenario file, and where: the problems every reader reports."""

from __future__ import annotations

from dataclasses import dataclass

Origins = dict[tuple, tuple[str, int | str]]
"""Where each part of the merged data was written: path -> (file, line or workbook cell)."""



@dataclass(frozen=True)
class Problem:
    """One finding about a scenario file: where, which field, what."""

    file: str
    line: int | str | None
    field: str
    message: str

    def __str__(self) -> str:
        if isinstance(self.line, str):  # a workbook cell: "sheet 'levels', cell D3"
            field = f", field {self.field}" if self.field else ""
            return _printable(f"{self.file}, {self.line}{field}: {self.message}")
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f"{self.field}: " if self.field else ""
        return _printable(f"{where}: {field}{self.message}")


def _printable(text: str) -> str:
    """Control characters and lone surrogates escaped, so a message is safe to print."""
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


class ScenarioError(Exception):
    """The scenario file cannot be used; `problems` says why, one line each."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
