"""A sweep's results file: one CSV row per point, written so that no finished point is lost.

The file is rewritten whole (temporary file, then rename) when a run starts and
when it finishes; in between, each batch of rows is appended as it arrives,
flushed and synced. Reading it back gives the rows a resumed run need not solve again.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import TextIO

from trainplan.models.files import write_atomic
from trainplan.models.loader import Problem, ScenarioError

Row = dict[str, str]


class ResultsFile:
    """One results CSV with fixed columns."""

    def __init__(self, path: Path, columns: list[str]):
        """The file at `path` (which may not exist yet), holding rows of `columns`."""
        self.path, self.columns = path, columns

    def has_rows(self) -> bool:
        """The file exists and is not empty."""
        return self.path.exists() and self.path.stat().st_size > 0

    def finished_rows(self) -> dict[str, Row]:
        """Rows already in the file that need no new solve (whole, and without an error).

        Raises ScenarioError when the file holds other columns or is no CSV at all.
        """
        other = ScenarioError([Problem(str(self.path), 1, "", "this file holds results with "
                                       "other columns (another scenario or grid, or not a "
                                       "sweep's CSV); choose another --out file")])
        try:
            with self.path.open(encoding="utf-8", newline="") as fh:
                reader = csv.DictReader(fh)
                if reader.fieldnames != self.columns:
                    raise other
                return {r["point"]: r for r in reader
                        if None not in r.values() and None not in r and r["status"] != "error"}
        except (UnicodeDecodeError, csv.Error):
            raise other from None

    def write_all(self, rows: list[Row]) -> None:
        """Replace the file with the header and `rows`, whole or not at all."""
        buf = io.StringIO()
        writer = csv.DictWriter(buf, self.columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        write_atomic(self.path, buf.getvalue())

    def append(self, fh: TextIO, rows: list[Row]) -> None:
        """Append rows to the open file `fh` and sync them to disk (once)."""
        csv.DictWriter(fh, self.columns, lineterminator="\n").writerows(rows)
        fh.flush()
        os.fsync(fh.fileno())
