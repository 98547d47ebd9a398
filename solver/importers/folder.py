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
from solver.inputs.table import neutralize
from solver.publish.atomic import check_out_folder, write_atomically
from solver.schedule import Schedule

ASSIGNMENTS = "assignments.csv"
SCHEDULES = (ASSIGNMENTS, "published.csv")  # a schedule an import writes beside the inputs, checked with them
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
    writer.writerow([neutralize(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([neutralize((row or {}).get(c, "")) for c in table.columns])
    return out.getvalue()


def write_inputs(tables: dict[str, Table], out: Path, where: Callable[[str], str] = str,
                 notes: list[str] | None = None, source: Path | None = None,
                 keep_unavailability: bool = False) -> Imported:
    """Validate `tables` exactly as `salle validate` would, then write them into `out` all at once.

    Raises InputError (nothing written) when the reader rejects them; `where` renames the file of each issue
    (`rooms.csv` → `orga.xlsx [rooms]`) so messages point at what the user has. `out` may not be where the
    `source` file would be overwritten. Without an unavailability table, an unavailability.csv already in `out`
    is kept (and validated with the new tables) when `keep_unavailability`, else replaced by an empty one.
    """
    notes = list(notes or [])
    writes = [out / name for name in tables] + [out / Unavailability.FILE]
    check_out_folder(out, [source], writes)
    texts = {name: csv_text(t) for name, t in tables.items()}
    kept: str | None = None
    existing = out / Unavailability.FILE
    if Unavailability.FILE not in texts and keep_unavailability and existing.is_file():
        try:
            kept = existing.read_bytes().decode("utf-8-sig", errors="replace")
        except OSError:
            kept = None
    if Unavailability.FILE not in texts and kept is None:  # replace a stale file from an earlier import
        texts[Unavailability.FILE] = csv_text(Table(CONTRACT[Unavailability.FILE], []))
    elif kept is not None:
        notes.append(f"kept the existing {existing} (the import has no unavailability table)")
    with tempfile.TemporaryDirectory(prefix="salle-import-") as tmp:
        folder = Path(tmp)
        for name, text in texts.items():
            (folder / name).write_text(text, encoding="utf-8")
        if kept is not None:
            (folder / Unavailability.FILE).write_text(kept, encoding="utf-8")
        try:
            problem = load_problem(folder)
            placed = [name for name in SCHEDULES if name in texts]
            schedule = read_schedule(folder / placed[0], problem) if placed else None
        except InputError as exc:
            kept_file = str(existing) if kept is not None else None
            raise InputError([_relocate(i, where, folder, kept_file) for i in exc.issues]) from None
    written = write_atomically({out / name: text for name, text in texts.items()})
    return Imported(problem=problem, schedule=schedule, written=written, notes=notes)


def _relocate(issue: Issue, where: Callable[[str], str], folder: Path, kept: str | None = None) -> Issue:
    message = issue.message.replace(str(folder), "the workbook")
    file = kept if kept is not None and issue.file == Unavailability.FILE else where(issue.file)
    return Issue(file, message, issue.row, issue.column)
