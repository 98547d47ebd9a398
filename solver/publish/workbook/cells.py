"""Cells and rows of salle's write-only workbook: typed values, text never a formula, rows written fast.

A value keeps its type: text is stored as text (even when it starts with `=`), whole numbers as numbers, dates
and times as Excel dates and times with a number format (`Formats`). Most rows are made here as XML text, byte
for byte what openpyxl writes (tests/test_publish_workbook_rows.py), about ten times faster.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from solver.inputs.records import Record
from solver.inputs.values import format_time

NUMERIC = {"capacity", "attendance", "length"}
WRAP = Alignment(wrap_text=True, vertical="top")
MAX_TEXT = 32767  # what openpyxl keeps of a longer text (Excel's limit)


@dataclass(frozen=True)
class Formats:
    """Excel number formats for dates and times (`h" h "mm` shows 13 h 30; `h:mm AM/PM` shows 1:30 PM)."""

    date: str = "yyyy-mm-dd"
    time: str = "hh:mm"


FRENCH = Formats(time='h" h "mm')
ENGLISH = Formats(time="h:mm AM/PM")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple | list):
        return ";".join(str(v) for v in value)
    return str(value)


def clock(minutes: int | None) -> dt.time | str:
    """Minutes after midnight as a time of day (`24:00`, which no time of day is, stays text)."""
    if minutes is None:
        return ""
    if not 0 <= minutes < 24 * 60:
        return format_time(minutes)
    return dt.time(minutes // 60, minutes % 60)


def record_row(record: Record) -> dict[str, object]:
    """A record back in the input contract's columns, typed: days as dates, start/end as times, numbers as
    numbers, lists joined with `;`, extras kept (as text)."""
    row: dict[str, object] = {}
    for column in record.columns():
        value = getattr(record, column)
        if column in ("start", "end"):
            row[column] = clock(value)
        elif (column in NUMERIC and value is not None) or isinstance(value, dt.date):
            row[column] = value
        else:
            row[column] = _cell_text(value)
    row.update(record.extra)
    return row


def _cell(ws: Worksheet, value: object, bold: bool = False, wrap: bool = False,
          formats: Formats | None = None) -> WriteOnlyCell:
    if isinstance(value, str):  # the reader refuses control characters; never let one break the workbook
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text, even when it starts with `=`
    elif formats is not None and isinstance(value, dt.time):
        cell.number_format = formats.time
    elif formats is not None and isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        cell.number_format = formats.date
    if bold:
        cell.font = Font(bold=True)
    if wrap:
        cell.alignment = WRAP
    return cell


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
    the other rows, most of the workbook, are made here exactly as openpyxl would write them and put in place
    by `finish`. A value other than text or a whole number (a date, a time) goes through openpyxl once per
    distinct value and style, and its XML is reused."""

    def __init__(self, wb: Workbook, formats: Formats | None = None) -> None:
        self.wb = wb
        self.formats = formats
        self.rest: dict[int, list[str]] = {}  # id(worksheet) -> XML of its rows from row 3
        self._made: dict[tuple[type, object, bool], str] = {}  # a typed value's XML, its coordinate as \0
        self.styles: dict[str, object] = {}  # styles made once per workbook, by name (solver.publish.workbook.grid)

    def cell(self, ws: Worksheet, value: object, bold: bool = False, wrap: bool = False) -> WriteOnlyCell:
        return _cell(ws, value, bold=bold, wrap=wrap, formats=self.formats)

    def write(self, ws: Worksheet, columns: Sequence[str], rows: Sequence[Mapping[str, object]],
              wrap: bool = False, headers: Sequence[str] | None = None) -> None:
        """Header in bold, frozen; strings always stored as text (no formulas); widths from the content.

        `columns` are the keys of `rows`; `headers` (default: the keys) are what row 1 shows."""
        shown = list(headers) if headers is not None else list(columns)
        for i, (column, header) in enumerate(zip(columns, shown, strict=True), start=1):
            longest = max([len(str(header)), *(_width(r.get(column, "")) for r in rows)])
            ws.column_dimensions[get_column_letter(i)].width = min(40 if wrap else 60, max(8, longest + 2))
        ws.freeze_panes = "A2"
        ws.append([self.cell(ws, c, bold=True) for c in shown])
        if not rows:
            return
        ws.append([self.cell(ws, rows[0].get(c, ""), wrap=wrap) for c in columns])
        if len(rows) == 1:
            return
        style = f' s="{self.cell(ws, "", wrap=True).style_id}"' if wrap else ""
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
                    cells.append(self._typed_xml(ws, value, wrap, letter, number))
            out.append(f'<row r="{number}">{"".join(cells)}</row>')

    def _typed_xml(self, ws: Worksheet, value: object, wrap: bool, letter: str, number: int) -> str:
        key = (type(value), value, wrap)
        coordinate = f"{letter}{number}"
        made = self._made.get(key)
        if made is None:
            xml = _openpyxl_xml(ws, value, wrap, letter, number, self.formats)
            made = xml.replace(f'r="{coordinate}"', 'r="\0"', 1)
            self._made[key] = made
        return made.replace("\0", coordinate, 1)

    def finish(self, day: str) -> bytes:
        """The saved workbook with every sheet's rows in place, its timestamps fixed to `day` (`reproducible`)."""
        buffer = io.BytesIO()
        self.wb.save(buffer)
        extra = {f"xl/worksheets/sheet{i}.xml": "".join(self.rest[id(ws)]).encode()
                 for i, ws in enumerate(self.wb.worksheets, start=1) if self.rest.get(id(ws))}
        return reproducible(buffer.getvalue(), day, extra)


def _width(value: object) -> int:
    """About how many characters a cell shows, for its column's width."""
    if type(value) is str:
        return len(value)
    return 8 if isinstance(value, dt.time) else len(str(value))


def _openpyxl_xml(ws: Worksheet, value: object, wrap: bool, letter: str, number: int,
                  formats: Formats | None = None) -> str:
    """A cell as openpyxl writes it (for the rare value that is neither text nor a whole number)."""
    from et_xmlfile import xmlfile
    from openpyxl.cell._writer import write_cell
    from openpyxl.utils import column_index_from_string

    cell = _cell(ws, value, wrap=wrap, formats=formats)
    cell.row, cell.column = number, column_index_from_string(letter)
    if cell._value is None and not cell.has_style:
        return ""
    buffer = io.BytesIO()
    with xmlfile(buffer) as xf:
        write_cell(xf, ws, cell, cell.has_style)
    return buffer.getvalue().decode()


_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def reproducible(xlsx: bytes, day: str, rows: Mapping[str, bytes] | None = None) -> bytes:
    """The same workbook with fixed timestamps (document properties and zip entries): same schedule, same bytes.

    `rows` (zip entry -> XML) are put at the end of those sheets' `<sheetData>`."""
    rows = rows or {}
    out = io.BytesIO()
    # the fastest deflate: on a 5,000-session conference 0.15 s against 0.40 s, for a file 30 % bigger
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED,
                                                                   compresslevel=1) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _STAMP.sub(rb"\g<1>" + f"{day}T00:00:00Z".encode() + rb"\g<2>", data)
            elif info.filename in rows:
                end = data.rindex(b"</sheetData>")
                data = data[:end] + rows[info.filename] + data[end:]
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), data,
                         compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    return out.getvalue()


def score_cell(value: object) -> object:
    """A score report value as a cell: whole numbers (weight, amount, penalty) as numbers, the rest as text."""
    if isinstance(value, str) and value.isdigit() and len(value) < 15:
        return int(value)
    return value if isinstance(value, int | float | str) else _cell_text(value)
