"""`schedule.xlsx`: the schedule for people who live in spreadsheets.

Sheets: Assignments; one grid per day (rooms across, start times down); By room; By speaker; Score (when a
score report is given); then the input tables themselves, one sheet each (rooms, slots, sessions, speakers,
unavailability) in the input contract's columns, so `salle import xlsx` reads the workbook back.
Every text cell is stored as text, never as a formula, whatever it starts with.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from solver.inputs import Problem
from solver.inputs.records import Record, Room, Session, Slot, Speaker, Unavailability
from solver.inputs.values import format_time
from solver.outputs.tables import ASSIGNMENT_COLUMNS, assignment_rows
from solver.publish.lists import DOOR_COLUMNS, SPEAKER_COLUMNS, door_rows, speaker_rows
from solver.publish.view import Entry
from solver.schedule import Schedule

NUMERIC = {"capacity", "attendance", "length"}
INPUT_SHEETS: tuple[type[Record], ...] = (Room, Slot, Session, Speaker, Unavailability)
Report = Sequence[Mapping[str, object]]
WRAP = Alignment(wrap_text=True, vertical="top")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple | list):
        return ";".join(str(v) for v in value)
    return str(value)


def record_row(record: Record) -> dict[str, object]:
    """A record back in the input contract's cells (times as HH:MM, lists joined with `;`, extras kept)."""
    row: dict[str, object] = {}
    for column in record.columns():
        value = getattr(record, column)
        if column in ("start", "end"):
            row[column] = "" if value is None else format_time(value)
        elif column in NUMERIC and value is not None:
            row[column] = value
        else:
            row[column] = _cell_text(value.isoformat() if hasattr(value, "isoformat") else value)
    row.update(record.extra)
    return row


def _cell(ws: Worksheet, value: object, bold: bool = False, wrap: bool = False) -> WriteOnlyCell:
    if isinstance(value, str):  # the reader refuses control characters; never let one break the workbook
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text, even when it starts with `=`
    if bold:
        cell.font = Font(bold=True)
    if wrap:
        cell.alignment = WRAP
    return cell


def write_sheet(ws: Worksheet, columns: Sequence[str], rows: Sequence[Mapping[str, object]],
                wrap: bool = False, headers: Sequence[str] | None = None) -> None:
    """Header in bold, frozen; strings always stored as text (no formulas); widths from the content.

    `columns` are the keys of `rows`; `headers` (default: the keys) are what row 1 shows."""
    shown = list(headers) if headers is not None else list(columns)
    for i, (column, header) in enumerate(zip(columns, shown, strict=True), start=1):
        longest = max([len(str(header)), *(len(str(r.get(column, ""))) for r in rows)])
        ws.column_dimensions[get_column_letter(i)].width = min(40 if wrap else 60, max(8, longest + 2))
    ws.freeze_panes = "A2"
    ws.append([_cell(ws, c, bold=True) for c in shown])
    for row in rows:
        ws.append([_cell(ws, row.get(c, ""), wrap=wrap) for c in columns])


def _grid(ws: Worksheet, problem: Problem, items: list[Entry]) -> None:
    """Rooms across, each distinct start time down; a session fills the cells of the rows it covers.

    Columns are keyed on room ids (two rooms showing the same name still get a column each)."""
    rooms = list(problem.rooms)
    times = sorted({e.start for e in items} | {e.end for e in items})[:-1] if items else []
    keys = [" time", *(f"room:{r.room_id}" for r in rooms)]
    cells: dict[tuple[int, str], str] = {}
    for e in items:
        text = f"{e.session.title} ({e.speaker_names})" if e.speakers else e.session.title
        for t in times:
            if e.start <= t < e.end:
                key = (t, e.room.room_id)
                cells[key] = f"{cells[key]} / {text}" if key in cells else text
    rows = [{" time": format_time(t), **{f"room:{r.room_id}": cells.get((t, r.room_id), "") for r in rooms}}
            for t in times]
    write_sheet(ws, keys, rows, wrap=True, headers=["time", *(r.name for r in rooms)])


def schedule_xlsx(problem: Problem, schedule: Schedule, items: list[Entry], report: Report | None) -> bytes:
    wb = Workbook(write_only=True)
    write_sheet(wb.create_sheet("Assignments"), ASSIGNMENT_COLUMNS, assignment_rows(problem, schedule))
    for day in problem.days:
        _grid(wb.create_sheet(f"Grid {day.isoformat()}"), problem, [e for e in items if e.day == day])
    by_room = [{"room_id": e.room.room_id, "room_name": e.room.name, **row}
               for e, row in zip(sorted(items, key=lambda e: (e.room.room_id, e.day, e.start)),
                                 door_rows(sorted(items, key=lambda e: (e.room.room_id, e.day, e.start))),
                                 strict=True)]
    write_sheet(wb.create_sheet("By room"), ("room_id", "room_name", *DOOR_COLUMNS), by_room)
    write_sheet(wb.create_sheet("By speaker"), SPEAKER_COLUMNS, speaker_rows(problem, items))
    if report:
        columns = list(dict.fromkeys(k for row in report for k in row))
        write_sheet(wb.create_sheet("Score"), columns, [{k: _score_cell(v) for k, v in r.items()} for r in report])
    for model in INPUT_SHEETS:
        records: Sequence[Record] = getattr(problem, model.FILE.removesuffix(".csv"))
        rows = [record_row(r) for r in records]
        columns = list(dict.fromkeys([*model.columns(), *(k for r in records for k in r.extra)]))
        write_sheet(wb.create_sheet(model.FILE.removesuffix(".csv")), columns, rows)
    buffer = io.BytesIO()
    wb.save(buffer)
    return reproducible(buffer.getvalue(), problem.days[0].isoformat() if problem.days else "2000-01-01")


_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def reproducible(xlsx: bytes, day: str) -> bytes:
    """The same workbook with fixed timestamps (document properties and zip entries): same schedule, same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _STAMP.sub(rb"\g<1>" + f"{day}T00:00:00Z".encode() + rb"\g<2>", data)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), data,
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _score_cell(value: object) -> object:
    return value if isinstance(value, int | float | str) else _cell_text(value)
