"""One sheet per day: rooms across, time down, each session one cell (merged over the rows it spans).

A row starts at each distinct time of the day (its slots' starts and ends, the sessions' starts and ends); the
time column holds real times. Every session the judge penalizes carries a comment with the judge's sentences
about it; colour says only what needs a look (`LEGEND`, written below the grid): red, a hard rule broken; amber,
a soft rule other than capacity_fit penalizes it, or its room is less than half full; no colour otherwise, for
a few empty seats cost every session something and would colour the whole grid. Two sessions in one room at
once (a hard violation) share their cells, written one after the other, unmerged. Session cells wrap, and each
row is made tall enough for the titles it starts (LibreOffice does not grow a row for a merged cell).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from copy import copy

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from solver.inputs import Problem
from solver.publish.view import Entry
from solver.publish.workbook.cells import Sheets, clock

HARD = PatternFill("solid", fgColor="FFC7CE")  # Excel's "bad" red
SOFT = PatternFill("solid", fgColor="FFEB9C")  # Excel's "neutral" amber
AUTHOR = "salle"
Report = Sequence[Mapping[str, object]]
EMPTY_SEATS = "capacity_fit"  # its penalty alone colours a session only when the room is less than half full
ROOM_WIDTH = 28  # a room's column, in characters
LINE_HEIGHT = 15.0  # points per line of text (11-point Calibri or Liberation Sans)
MAX_HEIGHT = 409.0  # Excel's tallest row
LEGEND = {  # the legend below each grid: (colour, what it says), in the conference's language
    "fr": (("rouge", "enfreint une règle stricte (commentaire : laquelle)"),
           ("ambre", "une pénalité à regarder : une règle souple autre que capacity_fit, ou une salle à moitié "
                     "vide ou plus"),
           ("sans couleur", "rien à signaler, ou seulement quelques places vides (commentaire : la pénalité)")),
    "en": (("red", "breaks a hard rule (comment: which)"),
           ("amber", "a penalty worth a look: a soft rule other than capacity_fit, or a room at least half "
                     "empty"),
           ("no colour", "nothing to say, or only a few empty seats (comment: the penalty)")),
}


def faults(report: Report | None) -> dict[str, list[tuple[str, str, str]]]:
    """session_id -> (mode, rule, sentence) for each violation of the score report naming that session."""
    out: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for row in report or ():
        sessions = str(row.get("sessions") or "")
        for sid in filter(None, sessions.split(";")):
            out[sid].append((str(row.get("mode", "")), str(row.get("rule", "")), str(row.get("message", ""))))
    return out


def comment_text(found: Sequence[tuple[str, str, str]]) -> str:
    """`room_capacity (hard): S12 expects 550 …`, one line per violation, hard ones first."""
    ordered = sorted(found, key=lambda f: f[0] != "hard")
    return "\n".join(f"{rule} ({mode}): {sentence}" for mode, rule, sentence in ordered)


def _times(problem: Problem, day: dt.date, items: Sequence[Entry]) -> list[int]:
    """The start of each row: every time at which something of the day starts or ends, but the last."""
    times = {t for s in problem.slots if s.day == day for t in (s.start, s.end)}
    times |= {t for e in items for t in (e.start, e.end)}
    return sorted(times)[:-1]


def fill_for(here: Sequence[Entry], found: Mapping[str, list[tuple[str, str, str]]]) -> PatternFill | None:
    """The colour of the sessions `here` (see the module): red for a hard rule broken, amber for a soft penalty
    worth a look, else none."""
    mine = [(e, mode, rule) for e in here for mode, rule, _ in found.get(e.session.session_id, [])]
    if any(mode == "hard" for _, mode, _ in mine):
        return HARD
    for e, _, rule in mine:
        if rule != EMPTY_SEATS or 2 * e.session.attendance < e.room.capacity:
            return SOFT
    return None


def text_lines(text: str, width: int = ROOM_WIDTH) -> int:
    """About how many lines `text` takes in a wrapped cell `width` characters wide."""
    per_line = max(1, width - 2)
    return sum(max(1, -(-len(line) // per_line)) for line in text.split("\n"))


def write_grid(sheets: Sheets, ws: Worksheet, problem: Problem, day: dt.date, items: Sequence[Entry],
               found: Mapping[str, list[tuple[str, str, str]]], time_header: str, language: str = "en") -> int:
    """The day's grid, then its legend; returns how many rows the grid has below the header."""
    rooms = list(problem.rooms)
    column = {r.room_id: i for i, r in enumerate(rooms, start=2)}
    times = _times(problem, day, items)
    row_of = {t: i for i, t in enumerate(times, start=2)}
    covers: dict[str, list[int]] = {}
    at: dict[tuple[int, int], list[Entry]] = defaultdict(list)
    for e in items:
        rows = [row_of[t] for t in times if e.start <= t < e.end]
        covers[e.session.session_id] = rows
        for r in rows:
            at[(r, column[e.room.room_id])].append(e)
    ws.column_dimensions["A"].width = 10
    for room in rooms:
        ws.column_dimensions[get_column_letter(column[room.room_id])].width = ROOM_WIDTH
    ws.freeze_panes = "B2"
    ws.append([sheets.cell(ws, time_header, bold=True), *(sheets.cell(ws, r.name, bold=True, wrap=True)
                                                         for r in rooms)])
    merged: set[tuple[int, int]] = set()  # cells below the top of a merged session: left empty
    for e in items:
        rows, c = covers[e.session.session_id], column[e.room.room_id]
        if len(rows) > 1 and all(len(at[(r, c)]) == 1 for r in rows):
            ws.merged_cells.add(f"{get_column_letter(c)}{rows[0]}:{get_column_letter(c)}{rows[-1]}")
            merged.update((r, c) for r in rows[1:])
    heights = _heights(at, covers, len(times))
    for t in times:
        r = row_of[t]
        cells: list[WriteOnlyCell | None] = [sheets.cell(ws, clock(t))]
        for room in rooms:
            c = column[room.room_id]
            here = at.get((r, c), [])
            cells.append(None if (r, c) in merged or not here else _session_cell(sheets, ws, here, found))
        if heights.get(r, 1) > 1:
            ws.row_dimensions[r].height = min(MAX_HEIGHT, LINE_HEIGHT * heights[r])
        ws.append(cells)
    _legend(sheets, ws, language)
    return len(times)


def _heights(at: Mapping[tuple[int, int], Sequence[Entry]], covers: Mapping[str, list[int]],
             count: int) -> dict[int, int]:
    """Row -> lines it needs so that every session's text shows whole: a session over several rows shares its
    lines among them."""
    need: dict[int, int] = {}
    for (r, _), here in at.items():
        span = max(len(covers[e.session.session_id]) for e in here)
        lines = text_lines(_text(here))
        need[r] = max(need.get(r, 1), -(-lines // span))
    return need


def _legend(sheets: Sheets, ws: Worksheet, language: str) -> None:
    """Below the grid, an empty row, then one row per colour: the colour's name, coloured, and what it says."""
    ws.append([])
    for (name, meaning), fill in zip(LEGEND["fr" if language == "fr" else "en"], (HARD, SOFT, None),
                                     strict=True):
        cell = WriteOnlyCell(ws, value=name)
        cell.data_type = "s"
        cell._style = copy(_style(sheets, ws, fill))
        ws.append([cell, sheets.cell(ws, meaning)])


def _text(here: Sequence[Entry]) -> str:
    return " / ".join(f"{e.session.title}\n{e.speaker_names}" if e.speakers else e.session.title for e in here)


def _session_cell(sheets: Sheets, ws: Worksheet, here: Sequence[Entry],
                  found: Mapping[str, list[tuple[str, str, str]]]) -> WriteOnlyCell:
    text = _text(here)
    mine = [f for e in here for f in found.get(e.session.session_id, [])]
    fill = fill_for(here, found)
    cell = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", text))
    cell.data_type = "s"  # text, never a formula
    cell._style = copy(_style(sheets, ws, fill))  # one style per colour, registered once (thousands of cells)
    if mine:
        text = comment_text(mine)
        lines = text.count("\n") + 1 + len(text) // 60
        cell.comment = Comment(text[:30000], AUTHOR, height=min(400, 20 + 15 * lines), width=360)
    return cell


def _style(sheets: Sheets, ws: Worksheet, fill: PatternFill | None) -> StyleArray:
    """The style of a session cell (wrapped text, `fill`), made once per workbook."""
    key = f"grid:{None if fill is None else fill.fgColor.rgb}"
    if key not in sheets.styles:
        template = sheets.cell(ws, "", wrap=True)
        if fill is not None:
            template.fill = fill
        sheets.styles[key] = template._style
    return sheets.styles[key]
