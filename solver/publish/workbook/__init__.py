"""`schedule.xlsx`: the schedule for people who live in spreadsheets, in the conference's language.

Sheets (French titles for a French conference, English ones otherwise: solver.importers.labels):
Affectations / Assignments; one grid per day named by the day (« jeudi 13 mai », "Thursday, May 13"; rooms
across, times down, a session merged over its slots, wrapped, its row tall enough; penalized sessions carry
the judge's sentences in a comment, and only those that need a look are coloured, as the legend below the grid
says: grid.py); Par salle / By room; Par personne / By speaker; Pénalités / Score (when a score report
is given); Horaire à venir / To be scheduled (sessions left out, when there are); Règles / Rules (every rule's
mode, weight, level and parameters, editable: rules.py); then the input tables in the contract's columns
(rooms, slots, sessions, speakers, unavailability), so `salle import xlsx` reads the workbook back.

Cells are typed: numbers are numbers, days dates, times times (with number formats: `13 h 30`, `1:30 PM`), and
text is text, never a formula, whatever it starts with. Every table has an autofilter, a frozen header and a
print setup (landscape, one page wide, the header row on every page, the conference and sheet in the page
header); a grid also freezes and repeats its time column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from solver.config import Config
from solver.importers.labels import COLUMNS, SHEETS, label
from solver.inputs import Problem
from solver.inputs.records import Record, Room, Session, Slot, Speaker, Unavailability
from solver.inputs.values import parse_time
from solver.publish.locale import Texts, resolve_locale
from solver.publish.programme import unscheduled
from solver.publish.tables import ASSIGNMENT_COLUMNS, assignment_rows, columns_for
from solver.publish.view import Conference, Entry
from solver.publish.workbook.cells import ENGLISH, FRENCH, Sheets, _cell, clock, record_row, reproducible, score_cell
from solver.publish.workbook.grid import faults, write_grid
from solver.publish.workbook.layout import fit_to_page, print_setup, sheet_title, table_setup
from solver.publish.workbook.rules import write_rules
from solver.schedule import Schedule

__all__ = ["Report", "Sheets", "_cell", "record_row", "reproducible", "schedule_xlsx"]

INPUT_SHEETS: tuple[type[Record], ...] = (Room, Slot, Session, Speaker, Unavailability)
Report = Sequence[Mapping[str, object]]
BY_ROOM = ("room_id", "room_name", "day", "start", "end", "session_id", "title", "speakers", "track",
           "attendance", "capacity")
BY_SPEAKER = ("speaker_id", "name", "day", "start", "end", "session_id", "title", "room_id", "room_name",
              "building")
PENDING = ("session_id", "title", "speakers", "attendance", "length", "track", "why")
SCORE = ("rule", "mode", "weight", "amount", "penalty", "sessions", "message")


def _typed_assignments(problem: Problem, schedule: Schedule) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for r in assignment_rows(problem, schedule):
        typed: dict[str, object] = dict(r)
        typed["day"] = dt.date.fromisoformat(r["day"])
        typed["start"], typed["end"] = clock(parse_time(r["start"])), clock(parse_time(r["end"]))
        typed["capacity"], typed["attendance"] = int(r["capacity"]), int(r["attendance"])
        rows.append(typed)
    return rows


def _when(e: Entry) -> dict[str, object]:
    return {"day": e.day, "start": clock(e.start), "end": clock(e.end), "session_id": e.session.session_id,
            "title": e.session.title}


class _Book:
    """The workbook being written: its sheets' names, language and print header."""

    def __init__(self, texts: Texts, conference: str) -> None:
        self.wb = Workbook(write_only=True)
        self.texts = texts
        self.sheets = Sheets(self.wb, FRENCH if texts.language == "fr" else ENGLISH)
        self.conference = conference
        self.taken: set[str] = set()

    def sheet(self, name: str) -> Worksheet:
        ws = self.wb.create_sheet(sheet_title(name, self.taken))
        fit_to_page(ws)
        return ws

    def table(self, key: str, columns: Sequence[str], rows: Sequence[Mapping[str, object]],
              localised: bool = True) -> Worksheet:
        """A table sheet: `key` a sheet of solver.importers.labels (else the name itself), headers localised
        (else the column keys, as the input contract's sheets keep them)."""
        name = label(SHEETS, key, self.texts.language) if key in SHEETS else key
        ws = self.sheet(name)
        headers = [label(COLUMNS, c, self.texts.language) if localised and c in COLUMNS else c for c in columns]
        self.sheets.write(ws, columns, rows, headers=headers)
        table_setup(ws, len(columns), len(rows), self.conference, ws.title)
        return ws


def schedule_xlsx(problem: Problem, schedule: Schedule, items: list[Entry], report: Report | None, *,
                  conf: Conference | None = None, locale: str | None = None, config: Config | None = None,
                  pending: Iterable[str] | None = None) -> bytes:
    """The workbook's bytes (the same schedule gives the same bytes). `report` is the score report's rows
    (solver.publish.report.report_rows) that colour the grids; `config` the rules the Rules sheet lists
    (default: the catalogue's defaults); `pending` the sessions to list as to be scheduled (default: every
    session the schedule does not place); `locale` as for the pages (default: the conference's language)."""
    texts = resolve_locale(problem, locale)
    conf = conf or Conference()
    book = _Book(texts, conf.title)
    found = faults(report)
    book.table("assignments", columns_for(problem, ASSIGNMENT_COLUMNS), _typed_assignments(problem, schedule))
    for day in problem.days:
        ws = book.sheet(texts.day(day))
        write_grid(book.sheets, ws, problem, day, [e for e in items if e.day == day], found,
                   label(COLUMNS, "time", texts.language), texts.language)
        print_setup(ws, conf.title, texts.long_day(day), title_columns="A:A")
    in_room_order = sorted(items, key=lambda e: (e.room.room_id, e.day, e.start))
    book.table("by_room", BY_ROOM, [
        {"room_id": e.room.room_id, "room_name": e.room.name, **_when(e), "speakers": e.speaker_names,
         "track": e.session.track or "", "attendance": e.session.attendance, "capacity": e.room.capacity}
        for e in in_room_order])
    mine: dict[str, list[Entry]] = {}
    for e in items:
        for sid in dict.fromkeys(e.session.speakers):
            mine.setdefault(sid, []).append(e)
    book.table("by_speaker", BY_SPEAKER, [
        {"speaker_id": p.speaker_id, "name": p.name, **_when(e), "room_id": e.room.room_id,
         "room_name": e.room.name, "building": e.room.building or ""}
        for p in problem.speakers for e in mine.get(p.speaker_id, ())])
    if report:
        book.table("score", SCORE, [{k: score_cell(v) if k in ("weight", "amount", "penalty") else v
                                     for k, v in r.items()} for r in report])
    waiting = unscheduled(problem, items, pending)
    if waiting:
        book.table("pending", PENDING, [
            {"session_id": w.session.session_id, "title": w.session.title,
             "speakers": texts.names([p.name for p in w.speakers]), "attendance": w.session.attendance,
             "length": w.session.length or 1, "track": w.session.track or "",
             "why": "\n".join(s for _, _, s in found.get(w.session.session_id, []))}
            for w in waiting])
    rules_ws = book.sheet(label(SHEETS, "rules", texts.language))
    count = write_rules(book.sheets, rules_ws, config, texts.language)
    table_setup(rules_ws, 9, count, conf.title, rules_ws.title)
    for model in INPUT_SHEETS:
        records: Sequence[Record] = getattr(problem, model.FILE.removesuffix(".csv"))
        columns = list(dict.fromkeys([*model.columns(), *(k for r in records for k in r.extra)]))
        book.table(model.FILE.removesuffix(".csv"), columns, [record_row(r) for r in records], localised=False)
    return book.sheets.finish(problem.days[0].isoformat() if problem.days else "2000-01-01")
