"""Read one CSV file as organizers save it: UTF-8 (BOM or not), `,` or `;`, values kept as text.

Nothing is interpreted here except the file's encoding, its delimiter and the cells' characters; rows keep the
number a spreadsheet shows (the header is row 1, a cell spanning several lines is still one row), so every later
message can point at `file:row: column`.

What a file cannot do to the reader: be larger than `MAX_FILE_BYTES`, hold a cell longer than the csv module's
field limit, repeat a column name, or slip a control character, a Unicode non-character or a byte that is not
UTF-8 into a cell: each is one message naming the file, row and column. Cells that `solver.publish.tables`
neutralized against spreadsheet formulas (`'=S8`) are read back as written (`=S8`), so every id salle writes
round-trips.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from solver.errors import Issue
from solver.inputs.files import NotReadable, read_limited

MAX_FILE_BYTES = 50 * 1024 * 1024  # a 5,000-session conference is about 2 MB
MAX_CELL_ISSUES = 20  # a file full of bad cells is reported with its first ones, then a count
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# C0 and C1 control characters except tab, line feed and carriage return; Unicode non-characters
BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]"
                       "|[\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U0003fffe\U0003ffff\U0004fffe\U0004ffff"
                       "\U0005fffe\U0005ffff\U0006fffe\U0006ffff\U0007fffe\U0007ffff\U0008fffe\U0008ffff"
                       "\U0009fffe\U0009ffff\U000afffe\U000affff\U000bfffe\U000bffff\U000cfffe\U000cffff"
                       "\U000dfffe\U000dffff\U000efffe\U000effff\U000ffffe\U000fffff\U0010fffe\U0010ffff]")
_UNDECODED = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8, kept by `surrogateescape`
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


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


def neutralize(text: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula (CSV injection): prefix it with `'`.

    A cell is prefixed when, past any quotes it already starts with, it starts with `=`, `+`, `-`, `@`, a tab or
    a carriage return; `unneutralize` undoes exactly this, so `=S8`, `'=S8` and `'Tis` all read back as written.
    """
    return "'" + text if text.lstrip("'").startswith(FORMULA_START) else text


def unneutralize(text: str) -> str:
    """The cell `neutralize` was given: `'=S8` → `=S8`; any other cell unchanged."""
    return text[1:] if text.startswith("'") and text.lstrip("'").startswith(FORMULA_START) else text


def bad_character(text: str) -> str | None:
    """A sentence naming the first control character, non-character or undecodable byte in `text`, or None."""
    undecoded = _UNDECODED.search(text)
    if undecoded:
        byte = ord(undecoded.group()) - 0xDC00
        return f"byte 0x{byte:02X} is not valid UTF-8 (the rest of the file is): retype the character there"
    found = BAD_CHAR.search(text)
    if found:
        return (f"contains the invisible character U+{ord(found.group()):04X} (a control character or a Unicode "
                f"non-character) at position {found.start() + 1}: remove it")
    return None


def _decode(raw: bytes, name: str) -> tuple[str, str | None]:
    """The file's text and a warning, if any; UTF-8 with or without BOM, UTF-16/32 with a BOM, else cp1252.

    A UTF-8 file with a few stray bytes keeps them as lone surrogates: `bad_character` reports each one's cell.
    """
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            try:
                return raw.decode(codec), None
            except UnicodeDecodeError as exc:
                raise TableError([Issue(name, f"starts like a {codec.upper()} file but is not one (byte "
                                              f"{exc.start}): save it as 'CSV UTF-8'")]) from None
    if b"\x00" in raw[:4096]:
        raise TableError([Issue(name, "contains NUL bytes: it looks like UTF-16 without a byte-order mark or is "
                                      "not a text file; save it as 'CSV UTF-8'")])
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        if _UTF8_MULTIBYTE.search(raw):  # a UTF-8 file with stray bytes: report them cell by cell
            return raw.decode("utf-8-sig", errors="surrogateescape"), None
        note = (
            f"not valid UTF-8 (byte {exc.start}); read as Windows-1252. "
            "Save as 'CSV UTF-8' in Excel to avoid this warning"
        )
        return raw.decode("cp1252", errors="replace"), note


def _delimiter(text: str) -> str:
    """`;` (French Excel) or `,`: whichever splits the header line into more fields."""
    header = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    try:
        counts = {d: len(next(csv.reader([header], delimiter=d), [])) for d in (",", ";", "\t")}
    except csv.Error:  # e.g. an unclosed quote: the reader reports it, on its row
        return ","
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 1 else ","


def _records(text: str, sep: str, name: str) -> list[list[str]]:
    """Every record of the file, blank ones included (so the index is the spreadsheet row minus 1)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, skipinitialspace=True, strict=True)
    records: list[list[str]] = []
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return records
        except csv.Error as exc:
            row = len(records) + 1
            problem = str(exc)
            if "end of data" in problem:
                problem = "a quoted cell that opens on this row is never closed"
            elif "expected after" in problem:
                problem = f"a quote inside a quoted cell must be doubled (\"\"); {problem}"
            elif "field larger" in problem:
                problem = f"a cell is longer than {csv.field_size_limit():,} characters"
            raise TableError([Issue(name, f"cannot be parsed as CSV: {problem}", row=row)]) from None
        records.append(record)


def read_table(path: Path, required: list[str], warnings: list[Issue] | None = None) -> Table:
    """Read `path` as text cells; raise `TableError` when the file cannot be read as a table at all.

    A missing or repeated column is such a problem, and so is a cell holding a character no publication can
    carry; cell values are checked later, by the records. Non-fatal notes (an encoding fallback) are appended to
    `warnings`.
    """
    name = path.name
    try:
        raw = read_limited(path, MAX_FILE_BYTES, "file", "input files are limited to")
    except NotReadable as exc:
        raise TableError([Issue(name, exc.message)]) from None
    text, note = _decode(raw, name)
    if note and warnings is not None:
        warnings.append(Issue(name, note))
    if not text.strip():
        raise TableError([Issue(name, "the file is empty: it needs at least a header row")])
    records = _records(text, _delimiter(text), name)

    header = [unneutralize(c.strip()) for c in records[0]]
    issues: list[Issue] = []
    for i, column in enumerate(header):
        why = bad_character(column)
        if why:
            issues.append(Issue(name, f"column {i + 1}'s name {why}", row=1))
    if issues:
        raise TableError(issues)
    issues += [Issue(name, "missing required column", row=1, column=c) for c in required if c not in header]
    dupes = sorted({c for c in header if c and header.count(c) > 1})
    issues += [Issue(name, "the column appears more than once", row=1, column=c) for c in dupes]
    if issues:
        raise TableError(issues)

    named = [(i, c) for i, c in enumerate(header) if c]
    rows: list[Row] = []
    for index, record in enumerate(records[1:], start=2):
        if len(record) > len(header) and any(v.strip() for v in record[len(header):]):
            issues.append(Issue(name, f"has {len(record)} cells but the header names {len(header)} columns",
                                row=index))
            continue
        cells = {c: unneutralize(record[i].strip()) if i < len(record) else "" for i, c in named}
        for column, value in cells.items():
            why = bad_character(value)
            if why:
                issues.append(Issue(name, why, row=index, column=column))
        if not any(cells.values()):
            continue  # a row of empty cells, as spreadsheets often leave at the end
        rows.append(Row(number=index, cells=cells))
    if issues:
        if len(issues) > MAX_CELL_ISSUES:
            more = len(issues) - MAX_CELL_ISSUES
            issues = [*issues[:MAX_CELL_ISSUES], Issue(name, f"… and {more} more problem(s) like these")]
        raise TableError(issues)
    return Table(name=name, columns=[c for _, c in named], rows=rows)


class TableError(Exception):
    """Problems that stop one file from being read at all."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("; ".join(str(i) for i in issues))
