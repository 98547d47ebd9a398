"""`salle import xlsx`: a workbook with one sheet per input table, as an inputs folder.

Sheets are matched by name, ignoring case and a `.csv` suffix: rooms, slots, sessions, speakers (required),
unavailability, assignments (or « Affectations »: salle's column names in French or English are read back),
conference (optional: columns key and value, written as conference.yaml) and « Règles » / Rules (optional: each
rule's mode, weight, level and parameters, written as constraints.yaml: solver.importers.xlsx_rules); other
sheets (salle's own grids and lists) are ignored. Row 1 holds the column names, as in the CSV files; dates,
times and numbers typed as such in the spreadsheet are read as the contract writes them. Problems are reported
like the CSV reader's, naming the workbook and sheet:
`orga.xlsx [rooms]:4: capacity: expected a whole number, got 'many'`.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from pydantic import ValidationError

from solver.errors import InputError, Issue, clip, shown
from solver.importers.folder import ASSIGNMENTS, CONTRACT, Imported, Table, write_inputs
from solver.importers.labels import column_key, sheet_key
from solver.importers.xlsx_rules import rules_yaml
from solver.inputs.conference import CONFERENCE, ConferenceFile, conference_yaml
from solver.inputs.files import not_regular
from solver.inputs.values import format_time
from solver.publish.atomic import write_atomically

REQUIRED = ("rooms", "slots", "sessions", "speakers")
MAX_WORKBOOK_BYTES = 20 * 1024 * 1024
MAX_INFLATED_BYTES = 100 * 1024 * 1024  # what the XML inside may inflate to (187 MB of strings: 88 s, 1.2 GB)
MAX_ENTRIES = 1_000
MAX_ROWS = 100_000  # per sheet
MAX_COLUMNS = 200
OPTIONAL = ("unavailability", "assignments", "conference", "rules")
CONSTRAINTS = "constraints.yaml"


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text a CSV would hold (dates ISO, times HH:MM, 90.0 as 90)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return format_time(value.hour * 60 + value.minute)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _sheet_table(rows: list[tuple[object, ...]]) -> Table:
    """Row 1 as column names (trailing blank headers dropped), later rows as cells; blank rows kept as None."""
    header = [cell_text(v) for v in (rows[0] if rows else ())]
    while header and not header[-1]:
        header.pop()
    body: list[dict[str, str] | None] = []
    for row in rows[1:]:
        cells = {h: cell_text(v) for h, v in zip(header, row, strict=False) if h}
        body.append(cells if any(cells.values()) else None)
    while body and body[-1] is None:
        body.pop()
    return Table(header, body)


_DOCTYPE = re.compile(b"|".join(re.escape("<!DOCTYPE".encode(c)) for c in ("ascii", "utf-16-le", "utf-16-be")),
                      re.IGNORECASE)


def check_size(path: Path) -> None:
    """Refuse a workbook too big to read safely: the file itself, or the XML it inflates to (a zip bomb), counted
    from the parts' declared sizes (zipfile never inflates a part past its declared size); and refuse a part
    declaring a DOCTYPE (entities: an entity bomb, an external entity), before openpyxl parses anything."""
    refused = not_regular(path)
    if refused:
        raise InputError([Issue(path.name, refused)])
    size = path.stat().st_size
    if size > MAX_WORKBOOK_BYTES:
        raise InputError([Issue(path.name, f"is {size:,} bytes: a workbook is limited to {MAX_WORKBOOK_BYTES:,}")])
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            inflated = sum(e.file_size for e in entries)
            if len(entries) > MAX_ENTRIES or inflated > MAX_INFLATED_BYTES:
                raise InputError([Issue(path.name, f"inflates to {inflated:,} bytes in {len(entries):,} parts: a "
                                                   f"workbook is limited to {MAX_INFLATED_BYTES:,} bytes of content")])
            for entry in entries:
                if _declares_doctype(archive, entry):
                    raise InputError([Issue(path.name, f"its part {clip(entry.filename, 80)} declares a DOCTYPE "
                                                       "(XML entities), which no spreadsheet program writes: "
                                                       "refused; save the workbook again from Excel or LibreOffice")])
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, zlib.error) as exc:
        raise InputError([Issue(path.name, f"cannot be read as an .xlsx workbook ({clip(str(exc), 120)})")]) from None


def _declares_doctype(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bool:
    """Whether the part holds `<!DOCTYPE` (in ASCII or UTF-16), read in chunks, never more than its size."""
    if entry.is_dir():
        return False
    tail = b""
    with archive.open(entry) as part:
        while chunk := part.read(1 << 20):
            if _DOCTYPE.search(tail + chunk):
                return True
            tail = chunk[-32:]
    return False


def _rows(ws: Any, title: str, name: str) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for row in ws.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True):
        rows.append(row)
        if len(rows) > MAX_ROWS:
            raise InputError([Issue(f"{name} [{title}]", f"has more than {MAX_ROWS:,} rows (blank ones included): "
                                                         "delete the rows below the table")])
    return rows


UNREADABLE = (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, EOFError,
              ParseError, AttributeError, IndexError, zlib.error, RecursionError, NotImplementedError)


@contextmanager
def opened(path: Path) -> Iterator[Any]:
    """The workbook at `path`, read-only, closed afterwards; a file that cannot be read as a workbook, on opening
    or while its sheets are read, is an InputError naming it."""
    if not path.is_file():
        raise InputError([Issue(str(path), "no such workbook")])
    check_size(path)

    def unreadable(exc: Exception) -> InputError:
        return InputError([Issue(path.name, f"cannot be read as an .xlsx workbook ({clip(str(exc), 120)})")])

    try:
        wb = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except UNREADABLE as exc:
        raise unreadable(exc) from None
    try:
        yield wb
    except UNREADABLE as exc:
        raise unreadable(exc) from None
    finally:
        wb.close()


EXCEL_CELL_LIMIT = 32_767  # characters: Excel cuts a longer text there, silently


def cut_cells(rows: list[tuple[object, ...]], where: str) -> list[str]:
    """A note for each cell holding exactly Excel's limit of characters: its text was most likely cut there."""
    header = [cell_text(v) for v in (rows[0] if rows else ())]
    notes = []
    for number, row in enumerate(rows, start=1):
        for index, value in enumerate(row):
            if isinstance(value, str) and len(value) == EXCEL_CELL_LIMIT:
                column = header[index] if index < len(header) and header[index] else get_column_letter(index + 1)
                notes.append(f"{where}:{number}: {column}: the text is exactly {EXCEL_CELL_LIMIT:,} characters, "
                             "Excel's limit for a cell: it was probably cut there; check its end against the source")
    return notes


def read_sheets(path: Path, notes: list[str] | None = None) -> dict[str, tuple[str, Table]]:
    """The workbook's input tables by contract name (`rooms`, …), each with its sheet's own title; a note in
    `notes` for each text cut at Excel's limit."""
    tables: dict[str, tuple[str, Table]] = {}
    with opened(path) as wb:
        for ws in wb.worksheets:
            key = ws.title.strip().lower().removesuffix(".csv")
            key = key if key in (*REQUIRED, *OPTIONAL) else sheet_key(key) or key
            if key in (*REQUIRED, *OPTIONAL) and key not in tables:
                rows = _rows(ws, ws.title, path.name)
                tables[key] = (ws.title, _sheet_table(rows))
                if notes is not None:
                    notes += cut_cells(rows, f"{path.name} [{ws.title}]")
    missing = [k for k in REQUIRED if k not in tables]
    if missing:
        raise InputError([Issue(path.name, f"no sheet named '{k}' (one sheet per input table: "
                                           f"{', '.join(REQUIRED)}; optional {', '.join(OPTIONAL)})")
                          for k in missing])
    return tables


def import_xlsx(path: Path, out: Path, replace: bool = True) -> Imported:
    """Write the workbook's tables into `out` as CSV files, once the same reader as CSV files accepts them;
    without `replace`, an `out` that already holds files is refused (solver.importers.folder.refuse_full)."""
    cut: list[str] = []
    sheets = read_sheets(path, cut)
    conference = _conference(sheets["conference"], path.name) if "conference" in sheets else None
    rules = None
    if "rules" in sheets:
        title, table = sheets["rules"]
        rules = rules_yaml(table, f"{path.name} [{title}]", path.name, title)
    tables = {f"{k}.csv": t for k, (_, t) in sheets.items() if k not in ("assignments", "conference", "rules")}
    if "assignments" in sheets:
        table = sheets["assignments"][1]  # salle's own headers (« salle », "room") as the contract's keys
        keys = [column_key(c) for c in table.columns]
        tables[ASSIGNMENTS] = Table(keys, [None if r is None else {column_key(c): v for c, v in r.items()}
                                           for r in table.rows])
    names = {f"{k}.csv": f"{path.name} [{title}]" for k, (title, _) in sheets.items()}
    notes = [] if "unavailability" in sheets else [f"no unavailability sheet: {CONTRACT['unavailability.csv'][0]}"
                                                     " list written empty"]
    if "unavailability" not in sheets and (out / "unavailability.csv").is_file():
        notes = []
    notes = cut + notes
    try:
        done = write_inputs(tables, out, where=lambda f: names.get(f, f), notes=notes, source=path,
                            keep_unavailability=True, replace=replace,
                            also=[*([CONFERENCE] if conference else []), *([CONSTRAINTS] if rules else [])])
    except InputError as exc:
        raise InputError(_as_headed(exc.issues, sheets, names.get(ASSIGNMENTS))) from None
    if conference is not None:
        done.written += write_atomically({out / CONFERENCE: conference_yaml(
            conference, f"written by salle import xlsx from {path.name}")})
    if rules is not None:
        done.written += write_atomically({out / CONSTRAINTS: rules})
        done.notes.append(f"the {sheets['rules'][0]} sheet is {out / CONSTRAINTS}, applied after "
                          "constraints/default.yaml by every command reading that folder")
    return done


def _as_headed(issues: list[Issue], sheets: dict[str, tuple[str, Table]], where: str | None) -> list[Issue]:
    """Issues of the assignments sheet name its own headers (« salle »), not the keys they were read as."""
    if "assignments" not in sheets or where is None:
        return issues
    headers = {column_key(c): c for c in sheets["assignments"][1].columns}
    return [Issue(i.file, i.message, i.row, headers.get(i.column or "", i.column)) if i.file == where else i
            for i in issues]


def _conference(sheet: tuple[str, Table], workbook: str) -> ConferenceFile:
    """A `conference` sheet (columns key and value: title, acronym, timezone, locale, base_url, venue) as the
    conference file, checked row by row: `orga.xlsx [Conference]:3: timezone: unknown time zone …`."""
    title, table = sheet
    where = f"{workbook} [{title}]"
    if [c.strip().lower() for c in table.columns[:2]] != ["key", "value"]:
        raise InputError([Issue(where, "row 1 must name the columns key and value (e.g. timezone | "
                                       "Europe/Brussels on the rows below)")])
    allowed = list(ConferenceFile.model_fields)
    values: dict[str, str] = {}
    issues: list[Issue] = []
    for number, row in enumerate(table.rows, start=2):
        if row is None:
            continue
        key = row.get(table.columns[0], "").strip().lower()
        value = row.get(table.columns[1], "").strip()
        if key not in allowed:
            issues.append(Issue(where, f"unknown key {shown(key)}; allowed: {', '.join(allowed)}", number, "key"))
            continue
        if not value:
            continue
        try:
            ConferenceFile.model_validate({key: value})
        except ValidationError as exc:
            issues.append(Issue(where, str(exc.errors()[0]["msg"]).removeprefix("Value error, "), number, key))
            continue
        values[key] = value
    if issues:
        raise InputError(issues)
    return ConferenceFile.model_validate(values)
