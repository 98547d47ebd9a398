"""How each sheet prints and filters: autofilter on tables, frozen panes, landscape pages one wide, the title
rows (and the time column) repeated on every page, and a header and footer naming the conference and sheet."""

from __future__ import annotations

import re

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

MAX_TITLE = 31  # Excel's limit on a sheet's name
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_title(text: str, taken: set[str]) -> str:
    """`text` as a sheet name Excel accepts (no `[]:*?/\\`, 31 characters at most), unique in `taken`
    (compared ignoring case, as Excel does), which it is added to."""
    base = _FORBIDDEN.sub("-", text).strip("' ")[:MAX_TITLE] or "-"
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[: MAX_TITLE - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def _header_text(text: str) -> str:
    """Text for a header or footer: `&` doubled (a single one starts a code), kept short."""
    return text.replace("&", "&&")[:120]


def fit_to_page(ws: Worksheet) -> None:
    """Let the page setup's fit-to-width apply. A write-only sheet writes these properties with its first row:
    call this before any."""
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def print_setup(ws: Worksheet, conference: str, what: str, title_columns: str | None = None) -> None:
    """Landscape, one page wide (as many tall as needed; `fit_to_page` first), row 1 (and `title_columns`,
    e.g. "A:A") on every page; the header says the conference and `what` (the day, the sheet), the footer the
    page number."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:1"
    if title_columns:
        ws.print_title_cols = title_columns
    ws.oddHeader.left.text = _header_text(conference)
    ws.oddHeader.right.text = _header_text(what)
    ws.oddFooter.center.text = "&P / &N"
    ws.print_options.gridLines = True


def table_setup(ws: Worksheet, columns: int, rows: int, conference: str, what: str) -> None:
    """A table sheet (header row, then `rows` rows over `columns` columns): an autofilter over it, the header
    frozen (set by Sheets.write) and the print setup."""
    if columns:
        ws.auto_filter.ref = f"A1:{get_column_letter(columns)}{rows + 1}"
    print_setup(ws, conference, what)
