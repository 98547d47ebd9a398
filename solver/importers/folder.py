"""Write imported tables as an inputs folder: validated first (in a temp folder), then renamed into place."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from solver.errors import InputError, Issue, OutputError
from solver.inputs import Problem, load_problem
from solver.inputs.assignments import read_schedule
from solver.inputs.records import Interest, PenaltyCell, Preference, Room, Session, Slot, Speaker, Track, Unavailability
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


def unique(base: str, taken: set[str]) -> str:
    """`base`, else `base-2`, `base-3`… the first not in `taken` (which it joins): ids an import makes."""
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    taken.add(name)
    return name


def distinct_name(name: str, folded: set[str]) -> str:
    """`name`, else `name (2)`, `name (3)`… the first whose letter-case- and spacing-blind form is not in `folded`
    (which it joins): salle refuses two rooms of one name, a source may have `Room A` and `ROOM A`."""
    label, n = name, 1
    while " ".join(label.casefold().split()) in folded:
        n += 1
        label = f"{name} ({n})"
    folded.add(" ".join(label.casefold().split()))
    return label


def csv_text(table: Table) -> str:
    """The table as UTF-8 CSV; a blank row stays a blank row, so row numbers match the source."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([neutralize(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([neutralize((row or {}).get(c, "")) for c in table.columns])
    return out.getvalue()


def _listed(names: list[str], most: int = 8) -> str:
    shown_names = ", ".join(names[:most])
    return shown_names + (f" and {len(names) - most} more" if len(names) > most else "")


# what salle reads from an inputs folder: an import may not replace these, nor leave them beside its own tables
GUARDED = (*CONTRACT, Interest.FILE, Preference.FILE, Track.FILE, PenaltyCell.FILE, "constraints.yaml",
           "conference.yaml", "cosplib.json")


def already_there(out: Path, writes: Iterable[str], kept: Iterable[str] = ()) -> tuple[list[str], list[str]]:
    """The files of `out` (hidden ones and `kept` aside) an import writing `writes` would replace, and those it
    would leave."""
    try:
        present = sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) if out.is_dir() else []
        present = [n for n in present if n not in set(kept)]
    except OSError:
        present = []
    names = set(writes)
    return [n for n in present if n in names], [n for n in present if n not in names]


def refuse_full(out: Path, writes: Iterable[str], kept: Iterable[str] = ()) -> None:
    """OutputError (exit 1) when `out` already holds inputs (GUARDED: tables, constraints.yaml, conference.yaml)
    that an import would replace (a constraints.yaml edited by hand) or leave beside tables they no longer match.
    The sentence names every file replaced and left; `--force` (replace=True) imports anyway. Other files (a
    previous run's outputs) do not stop it: those it replaces or leaves are named in a note."""
    replaced, left = already_there(out, writes, kept)
    if not any(n in GUARDED for n in (*replaced, *left)):
        return
    parts = ([f"replace {_listed(replaced)}"] if replaced else []) + (
        [f"leave {_listed(left)} beside the new files (they may no longer match them)"] if left else [])
    raise OutputError([Issue(str(out), f"already holds input files: the import would {' and '.join(parts)}; "
                                       "import into a new or empty folder, or add --force to write there anyway")])


def write_inputs(tables: dict[str, Table], out: Path, where: Callable[[str], str] = str,
                 notes: list[str] | None = None, source: Path | None = None,
                 keep_unavailability: bool = False, replace: bool = True, also: Sequence[str] = ()) -> Imported:
    """Validate `tables` exactly as `salle validate` would, then write them into `out` all at once.

    Raises InputError (nothing written) when the reader rejects them; `where` renames the file of each issue
    (`rooms.csv` → `orga.xlsx [rooms]`) so messages point at what the user has. `out` may not be where the
    `source` file would be overwritten. Without an unavailability table, an unavailability.csv already in `out`
    is kept (and validated with the new tables) when `keep_unavailability`, else replaced by an empty one.
    Without `replace`, an `out` that already holds files is refused (`refuse_full`; `also` names the other files
    the import writes, such as conference.yaml); with it, files the import does not write are left, with a note.
    """
    notes = list(notes or [])
    writes = [out / name for name in tables] + [out / Unavailability.FILE]
    check_out_folder(out, [source], writes)
    kept_too = keep_unavailability and Unavailability.FILE not in tables and (out / Unavailability.FILE).is_file()
    names = [*tables, *([] if kept_too else [Unavailability.FILE]), *also]
    kept_names = [Unavailability.FILE] if kept_too else []
    if not replace:
        refuse_full(out, names, kept_names)
    stale = already_there(out, names, kept_names)[1]
    if stale:
        notes.append(f"{out} already held {_listed(stale)}: left as they were (check they still match the import)")
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
