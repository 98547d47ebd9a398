"""Write imported tables as an inputs folder: validated first (in a temp folder), then renamed into place."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from solver.errors import InputError, Issue
from solver.inputs import Problem, load_problem
from solver.inputs.assignments import read_schedule
from solver.inputs.records import Room, Session, Slot, Speaker, Unavailability
from solver.outputs.atomic import write_atomically
from solver.schedule import Schedule

ASSIGNMENTS = "assignments.csv"
CONTRACT = {m.FILE: tuple(m.columns()) for m in (Room, Slot, Session, Speaker, Unavailability)}


@dataclass(frozen=True)
class Table:
    """Columns and rows (text cells, or None for a blank spreadsheet row) of one CSV file to write."""

    columns: Sequence[str]
    rows: Sequence[dict[str, str] | None]


@dataclass
class Imported:
    """What an import wrote: the validated problem, the published schedule if any, and notes for the user."""

    problem: Problem
    schedule: Schedule | None
    written: list[Path]
    notes: list[str] = field(default_factory=list)


def csv_text(table: Table) -> str:
    """The table as UTF-8 CSV; a blank row stays a blank row, so row numbers match the source."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([(row or {}).get(c, "") for c in table.columns])
    return out.getvalue()


def write_inputs(tables: dict[str, Table], out: Path, where: Callable[[str], str] = str,
                 notes: list[str] | None = None) -> Imported:
    """Validate `tables` exactly as `salle validate` would, then write them into `out` all at once.

    Raises InputError (nothing written) when the reader rejects them; `where` renames the file of each issue
    (`rooms.csv` → `orga.xlsx [rooms]`) so messages point at what the user has.
    """
    texts = {name: csv_text(t) for name, t in tables.items()}
    if Unavailability.FILE not in texts:  # replace a stale file from an earlier import
        texts[Unavailability.FILE] = csv_text(Table(CONTRACT[Unavailability.FILE], []))
    with tempfile.TemporaryDirectory(prefix="salle-import-") as tmp:
        folder = Path(tmp)
        for name, text in texts.items():
            (folder / name).write_text(text, encoding="utf-8")
        try:
            problem = load_problem(folder)
            schedule = read_schedule(folder / ASSIGNMENTS, problem) if ASSIGNMENTS in texts else None
        except InputError as exc:
            raise InputError([_relocate(i, where, folder) for i in exc.issues]) from None
    written = write_atomically({out / name: text for name, text in texts.items()})
    return Imported(problem=problem, schedule=schedule, written=written, notes=list(notes or []))


def _relocate(issue: Issue, where: Callable[[str], str], folder: Path) -> Issue:
    message = issue.message.replace(str(folder), "the workbook")
    return Issue(where(issue.file), message, issue.row, issue.column)
