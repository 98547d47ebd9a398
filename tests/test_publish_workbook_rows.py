"""The workbook's rows written as XML by salle itself are exactly what openpyxl writes (same bytes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from openpyxl import Workbook

from solver.publish.workbook import Sheets, _cell, reproducible
from solver.publish.workbook.cells import ENGLISH, FRENCH, Formats

TRICKY: list[object] = [
    "plain", "", "   ", " lead", "trail ", "\ttab", "a\nb", "=SUM(A1)", "+33 1", "-x", "@here", "#N/A", "<b>&amp;</b>",
    "a > b & c < d", "Études « à » l’été", "ctrl\x01\x0bchar", "x" * 40000, "💡 emoji", 0, 7, -3, 10**15, 10**17,
    1.5, 2.0, True, False, None, dt.date(2027, 5, 13), dt.time(13, 30), dt.time(0, 0), dt.date(2027, 5, 13),
    dt.time(13, 30),  # typed values go through openpyxl once, their XML reused (the repeats check that)
]


def _rows() -> list[dict[str, object]]:
    rows = [{"a": v, "b": f"row {i}", "c": TRICKY[-1 - i]} for i, v in enumerate(TRICKY)]
    return [{"a": "first", "b": 1, "c": "x"}, *rows, {"a": "missing b"}]


def _by_openpyxl(columns: Sequence[str], rows: Sequence[Mapping[str, object]], wrap: bool,
                 formats: Formats | None = None) -> bytes:
    wb = Workbook(write_only=True)
    for name in ("One", "Two"):
        ws = wb.create_sheet(name)
        ws.freeze_panes = "A2"
        ws.append([_cell(ws, c, bold=True, formats=formats) for c in columns])
        for row in rows:
            ws.append([_cell(ws, row.get(c, ""), wrap=wrap and name == "Two", formats=formats) for c in columns])
    import io

    buffer = io.BytesIO()
    wb.save(buffer)
    return reproducible(buffer.getvalue(), "2027-05-13")


def _by_sheets(columns: Sequence[str], rows: Sequence[Mapping[str, object]], wrap: bool,
               formats: Formats | None = None) -> bytes:
    wb = Workbook(write_only=True)
    sheets = Sheets(wb, formats)
    for name in ("One", "Two"):
        ws = wb.create_sheet(name)
        sheets.write(ws, columns, rows, wrap=wrap and name == "Two")
    return sheets.finish("2027-05-13")


def _without_widths(data: bytes) -> bytes:
    """Both workbooks' sheets without the <cols> element (the reference above sets no widths)."""
    import io
    import re
    import zipfile

    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            out.append(re.sub(rb"<cols>.*?</cols>", b"", z.read(name)))
    return b"\n".join(out)


def test_rows_are_written_as_openpyxl_writes_them() -> None:
    for formats in (None, FRENCH, ENGLISH):
        for wrap in (False, True):
            for rows in (_rows(), _rows()[:1], _rows()[:2], []):
                expected = _by_openpyxl(("a", "b", "c"), rows, wrap, formats)
                assert _without_widths(_by_sheets(("a", "b", "c"), rows, wrap, formats)) == _without_widths(expected)
