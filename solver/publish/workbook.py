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


MAX_TEXT = 32767  # what openpyxl keeps of a longer text (Excel's limit)


def _text_xml(coordinate: str, style: str, text: str) -> str:
    """The `<c>` element openpyxl writes for a text cell (inline string, escaped, spaces kept when they matter)."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)[:MAX_TEXT]
    if not text:
        return f'<c r="{coordinate}"{style} t="inlineStr" />'
    stripped = text.strip()
    space = ' xml:space="preserve"' if stripped and stripped != text else ""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return f'<c r="{coordinate}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'


class Sheets:
    """Writes the sheets of a write-only workbook, rows after the first two as XML text of their own.

    openpyxl writes each sheet's header and first row (so the workbook's styles are registered as before);
    the other rows, most of the workbook, are made here exactly as openpyxl would write them (about ten times
    faster) and put in place by `finish`. A value other than text or a whole number goes through openpyxl."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self.rest: dict[int, list[str]] = {}  # id(worksheet) -> XML of its rows from row 3

    def write(self, ws: Worksheet, columns: Sequence[str], rows: Sequence[Mapping[str, object]],
              wrap: bool = False, headers: Sequence[str] | None = None) -> None:
        """Header in bold, frozen; strings always stored as text (no formulas); widths from the content.

        `columns` are the keys of `rows`; `headers` (default: the keys) are what row 1 shows."""
        shown = list(headers) if headers is not None else list(columns)
        for i, (column, header) in enumerate(zip(columns, shown, strict=True), start=1):
            longest = max([len(str(header)), *(len(str(r.get(column, ""))) for r in rows)])
            ws.column_dimensions[get_column_letter(i)].width = min(40 if wrap else 60, max(8, longest + 2))
        ws.freeze_panes = "A2"
        ws.append([_cell(ws, c, bold=True) for c in shown])
        if not rows:
            return
        ws.append([_cell(ws, rows[0].get(c, ""), wrap=wrap) for c in columns])
        if len(rows) == 1:
            return
        style = f' s="{_cell(ws, "", wrap=True).style_id}"' if wrap else ""
        letters = [get_column_letter(i) for i in range(1, len(columns) + 1)]
        out = self.rest.setdefault(id(ws), [])
        for number, row in enumerate(rows[1:], start=3):
            cells = []
            for letter, column in zip(letters, columns, strict=True):
                value = row.get(column, "")
                coordinate = f"{letter}{number}"
                if isinstance(value, str):
                    cells.append(_text_xml(coordinate, style, value))
                elif type(value) is int and -10**15 < value < 10**15:  # openpyxl writes "%.16g"
                    cells.append(f'<c r="{coordinate}"{style} t="n"><v>{value}</v></c>')
                else:
                    cells.append(_openpyxl_xml(ws, value, wrap, letter, number))
            out.append(f'<row r="{number}">{"".join(cells)}</row>')

    def finish(self, day: str) -> bytes:
        """The saved workbook with every sheet's rows in place, its timestamps fixed to `day` (`reproducible`)."""
        buffer = io.BytesIO()
        self.wb.save(buffer)
        extra = {f"xl/worksheets/sheet{i}.xml": "".join(self.rest[id(ws)]).encode()
                 for i, ws in enumerate(self.wb.worksheets, start=1) if self.rest.get(id(ws))}
        return reproducible(buffer.getvalue(), day, extra)


def _openpyxl_xml(ws: Worksheet, value: object, wrap: bool, letter: str, number: int) -> str:
    """A cell as openpyxl writes it (for the rare value that is neither text nor a whole number)."""
    from et_xmlfile import xmlfile
    from openpyxl.cell._writer import write_cell
    from openpyxl.utils import column_index_from_string

    cell = _cell(ws, value, wrap=wrap)
    cell.row, cell.column = number, column_index_from_string(letter)
    if cell._value is None and not cell.has_style:
        return ""
    buffer = io.BytesIO()
    with xmlfile(buffer) as xf:
        write_cell(xf, ws, cell, cell.has_style)
    return buffer.getvalue().decode()


def _grid(sheets: Sheets, ws: Worksheet, problem: Problem, items: list[Entry]) -> None:
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
    sheets.write(ws, keys, rows, wrap=True, headers=["time", *(r.name for r in rooms)])


def schedule_xlsx(problem: Problem, schedule: Schedule, items: list[Entry], report: Report | None) -> bytes:
    wb = Workbook(write_only=True)
    sheets = Sheets(wb)
    sheets.write(wb.create_sheet("Assignments"), ASSIGNMENT_COLUMNS, assignment_rows(problem, schedule))
    for day in problem.days:
        _grid(sheets, wb.create_sheet(f"Grid {day.isoformat()}"), problem, [e for e in items if e.day == day])
    in_room_order = sorted(items, key=lambda e: (e.room.room_id, e.day, e.start))
    by_room = [{"room_id": e.room.room_id, "room_name": e.room.name, **row}
               for e, row in zip(in_room_order, door_rows(in_room_order), strict=True)]
    sheets.write(wb.create_sheet("By room"), ("room_id", "room_name", *DOOR_COLUMNS), by_room)
    sheets.write(wb.create_sheet("By speaker"), SPEAKER_COLUMNS, speaker_rows(problem, items))
    if report:
        columns = list(dict.fromkeys(k for row in report for k in row))
        sheets.write(wb.create_sheet("Score"), columns, [{k: _score_cell(v) for k, v in r.items()} for r in report])
    for model in INPUT_SHEETS:
        records: Sequence[Record] = getattr(problem, model.FILE.removesuffix(".csv"))
        rows = [record_row(r) for r in records]
        columns = list(dict.fromkeys([*model.columns(), *(k for r in records for k in r.extra)]))
        sheets.write(wb.create_sheet(model.FILE.removesuffix(".csv")), columns, rows)
    return sheets.finish(problem.days[0].isoformat() if problem.days else "2000-01-01")


_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def reproducible(xlsx: bytes, day: str, rows: Mapping[str, bytes] | None = None) -> bytes:
    """The same workbook with fixed timestamps (document properties and zip entries): same schedule, same bytes.

    `rows` (zip entry -> XML) are put at the end of those sheets' `<sheetData>`."""
    rows = rows or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _STAMP.sub(rb"\g<1>" + f"{day}T00:00:00Z".encode() + rb"\g<2>", data)
            elif info.filename in rows:
                end = data.rindex(b"</sheetData>")
                data = data[:end] + rows[info.filename] + data[end:]
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), data,
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _score_cell(value: object) -> object:
    return value if isinstance(value, int | float | str) else _cell_text(value)
