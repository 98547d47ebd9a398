"""Read one CSV file as organizers save it: UTF-8 (BOM or not), `,` or `;`, values kept as text.

Nothing is interpreted here except the file's encoding and delimiter; rows keep the number a spreadsheet shows
(the header is row 1), so every later message can point at `file:row: column`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from solver.errors import Issue


@dataclass(frozen=True)
class Row:
    """One data row: its spreadsheet row number and its cells (stripped text, '' when empty)."""

    number: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass(frozen=True)
class Table:
    """A whole CSV file: its display name, its columns as written, and its rows."""

    name: str
    columns: list[str]
    rows: list[Row]


def _decode(raw: bytes) -> tuple[str, str | None]:
    """Decode UTF-8 (with or without BOM); fall back to Windows-1252, which older Excel writes."""
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        note = (
            f"not valid UTF-8 (byte {exc.start}); read as Windows-1252. "
            "Save as 'CSV UTF-8' in Excel to avoid this warning"
        )
        return raw.decode("cp1252", errors="replace"), note


def _delimiter(text: str) -> str:
    """`;` (French Excel) or `,`: whichever splits the header line into more fields."""
    header = text.splitlines()[0] if text else ""
    counts = {d: len(next(csv.reader([header], delimiter=d), [])) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 1 else ","


def read_table(path: Path, required: list[str], warnings: list[Issue] | None = None) -> Table:
    """Read `path` as text cells; raise `TableError` when the file cannot be read as a table at all.

    A missing required column is such a problem; cell values are checked later, by the records.
    Non-fatal notes (an encoding fallback) are appended to `warnings`.
    """
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TableError([Issue(name, f"cannot read the file: {exc.strerror or exc}")]) from None
    text, note = _decode(raw)
    if note and warnings is not None:
        warnings.append(Issue(name, note))
    if not text.strip():
        raise TableError([Issue(name, "the file is empty: it needs at least a header row")])
    sep = _delimiter(text)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            skipinitialspace=True,
        )
    except pd.errors.ParserError as exc:
        raise TableError([Issue(name, f"cannot be parsed as CSV ({_parser_message(exc)})")]) from None
    except pd.errors.EmptyDataError:
        raise TableError([Issue(name, "the file is empty: it needs at least a header row")]) from None

    columns = [str(c).strip() for c in frame.columns]
    frame.columns = pd.Index(columns)
    issues = [
        Issue(name, "missing required column", row=1, column=c) for c in required if c not in columns
    ]
    dupes = sorted({c for c in columns if columns.count(c) > 1})
    issues += [Issue(name, "the column appears more than once", row=1, column=c) for c in dupes]
    unnamed = [c for c in columns if c.startswith("Unnamed: ")]
    if issues:
        raise TableError(issues)

    rows: list[Row] = []
    for i, record in enumerate(frame.itertuples(index=False, name=None)):
        cells = {c: ("" if v is None else str(v).strip()) for c, v in zip(columns, record, strict=True)}
        for c in unnamed:
            cells.pop(c, None)
        if not any(cells.values()):
            continue  # a row of empty cells, as spreadsheets often leave at the end
        rows.append(Row(number=i + 2, cells=cells))
    return Table(name=name, columns=[c for c in columns if c not in unnamed], rows=rows)


def _parser_message(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
    return text.replace("Error tokenizing data. C error: ", "")


class TableError(Exception):
    """Problems that stop one file from being read at all."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("; ".join(str(i) for i in issues))
