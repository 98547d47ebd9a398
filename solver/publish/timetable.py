"""`timetable.html`: the timetable as attendees use it, on a screen, a phone or paper.

One `<table>` per day: rooms across (`<thead>`, sticky while the page scrolls), time down (a sticky row
header per time step), each session a cell spanning its length. Under 700 px the same markup reads as a
list by time (CSS only). Every session has an anchor, its room and time in its own text, a link to its page
(`talks/<stem>.html`, solver.publish.talks), an "add to calendar" link to its own one-event calendar
(`talks/<stem>.ics`) and a star; a day navigation, a room filter (which hides the other rooms' columns), a
track filter and a search box (titles and speakers: no dropdown of every speaker) narrow it down, and the
filters live in the address (`?room=…&track=…&q=…`: a reload keeps them, the link shares them). A search lists
its matches (on a per-day page: that day's, as the page says) and hides the sessions that do not match.
Starred sessions are kept in the browser (localStorage, no account, with what other pages need to list them): « Mon
programme » / "My schedule" lists them, downloads them as one .ics made in the browser, and gives a link
that shares them (`?mine=<id>&mine=<id>`). Printed, each page repeats the day and
the room headers (they are `<thead>` rows).

The public page shows no seats; `timetable-organizers.html` is the same page with capacities and expected
attendance. Conferences of more than `PAGED_ABOVE` sessions get one page per day (`timetable.html` is the
first day, `timetable-<YYYY-MM-DD>.html` the others). A day of more than `PRINTED_AS_LIST_ABOVE` rooms prints as
a list by time (the day, time and room in each session) instead of an unreadable grid. Sessions without a time
yet are listed under « Horaire à venir » / "Time to be announced". No network: CSS and script are inline, and
a Content-Security-Policy forbids loading anything else.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import quote

from solver.inputs import Problem, Room
from solver.publish.ical import calendar_domain, sequence_of
from solver.publish.locale import Texts
from solver.publish.programme import Pending
from solver.publish.render import render
from solver.publish.view import Conference, Entry, file_names

ROW_PX_PER_MINUTE = 1.6
PAGED_ABOVE = 300
PRINTED_AS_LIST_ABOVE = 8  # rooms: a wider day prints as a list by time (a grid would be unreadable on paper)


@dataclass(frozen=True)
class Shown:
    """A session as the page shows it."""

    entry: Entry
    hours: str
    iso: str
    speakers: str
    hue: int
    calendar: str
    lang: str
    over: bool
    talk: str = ""
    utc_start: str = ""
    utc_end: str = ""
    sequence: int = 0  # its events' SEQUENCE in the published calendars (the browser's .ics says the same)


@dataclass
class Cell:
    """A `<td>`: one room from `row` for `span` time steps, holding sessions (none for an empty stretch)."""

    room: Room
    row: int
    span: int
    sessions: list[Shown] = field(default_factory=list)


@dataclass
class Row:
    """A time step: its label, whether it is a time worth printing, and the cells that begin in it."""

    minute: int
    label: str
    mark: bool
    cells: list[Cell] = field(default_factory=list)

    @property
    def starts(self) -> bool:
        return any(c.sessions and c.sessions[0].entry.start == self.minute for c in self.cells)


@dataclass
class DayTable:
    day: dt.date
    title: str
    rooms: list[Room]
    rows: list[Row]
    unit: int
    count: int
    page: str

    @property
    def wide(self) -> bool:
        return len(self.rooms) > PRINTED_AS_LIST_ABOVE

    @property
    def anchor(self) -> str:
        return f"day-{self.day.isoformat()}"


def _unit(times: list[int], origin: int) -> int:
    """The time step in minutes: every start and end falls on a row line."""
    step = 0
    for t in times:
        step = math.gcd(step, t - origin)
    return step or 60


def _clusters(shown: list[Shown]) -> list[list[Shown]]:
    """Sessions of one room grouped when they overlap (a room double-booked by hand shares one cell)."""
    groups: list[list[Shown]] = []
    end = -1
    for s in sorted(shown, key=lambda s: (s.entry.start, s.entry.end)):
        if groups and s.entry.start < end:
            groups[-1].append(s)
            end = max(end, s.entry.end)
        else:
            groups.append([s])
            end = s.entry.end
    return groups


def day_table(problem: Problem, day: dt.date, shown: list[Shown], texts: Texts, page: str,
              every_room: bool = False) -> DayTable:
    """The day's table: every room with `every_room` (organizers), else the rooms that have a session that day."""
    used = {s.entry.room.room_id for s in shown}
    rooms = [r for r in problem.rooms if every_room or not used or r.room_id in used]
    slots = problem.slots_by_day.get(day, [])
    times = [s.start for s in slots] + [s.end for s in slots]
    times += [s.entry.start for s in shown] + [s.entry.end for s in shown]
    origin, last = min(times), max(times)
    unit = _unit(times, origin)
    marks = {s.start for s in slots} | {s.entry.start for s in shown} | {t for t in times if t % 60 == 0}
    rows = [Row(t, texts.time(t), t in marks) for t in range(origin, last, unit)]
    in_room: dict[str, list[Shown]] = {}
    for s in shown:
        in_room.setdefault(s.entry.room.room_id, []).append(s)
    for room in rooms:
        mine = in_room.get(room.room_id, [])
        taken: list[Cell] = []
        for group in _clusters(mine):
            start = min(s.entry.start for s in group)
            end = max(s.entry.end for s in group)
            taken.append(Cell(room, (start - origin) // unit, max(1, math.ceil((end - start) / unit)), group))
        at = 0
        for cell in [*taken, Cell(room, len(rows), 0)]:
            if cell.row > at:
                rows[at].cells.append(Cell(room, at, cell.row - at))
            if cell.span:
                rows[cell.row].cells.append(cell)
            at = max(at, cell.row + cell.span)
    order = {r.room_id: i for i, r in enumerate(problem.rooms)}
    for row in rows:
        row.cells.sort(key=lambda c: order[c.room.room_id])
    return DayTable(day, texts.day(day), rooms, rows, unit, len(shown), page)


def fold(*texts: str | None) -> str:
    """What the search box matches: the texts lowercased, accents dropped (`Études` is found by `etudes`)."""
    text = " ".join(t for t in texts if t).lower()
    if text.isascii():  # nothing to drop (and the common case: a third of the time saved)
        return text
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def track_hues(problem: Problem) -> dict[str, int]:
    """A colour per track, spread around the wheel."""
    tracks = list(dict.fromkeys(s.track for s in problem.sessions if s.track))
    return {t: (210 + i * 137) % 360 for i, t in enumerate(tracks)}


def utc_stamp(moment: dt.datetime) -> str:
    """`20270513T130000Z` (the starred sessions' calendar is written by the page's script)."""
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def page_name(stem: str, days: list[dt.date], day: dt.date, paged: bool) -> str:
    """The file that shows `day`: `timetable.html`, or `timetable-2025-02-02.html` for a later day when paged."""
    return f"{stem}.html" if not paged or day == days[0] else f"{stem}-{day.isoformat()}.html"


def timetable_pages(problem: Problem, items: list[Entry], conf: Conference, texts: Texts, *,
                    pending: list[Pending] | None = None, organizers: bool = False,
                    paged: bool | None = None, talks: Mapping[str, str] | None = None,
                    previous: Mapping[str, tuple[str, str]] | None = None,
                    sequences: Mapping[str, int] | None = None) -> dict[str, str]:
    """The timetable pages: `timetable.html` (and one per later day when paged), or with `organizers` the
    `timetable-organizers*.html` variant showing seats. `paged` defaults to more than PAGED_ABOVE sessions.
    `talks` (session_id -> stem, solver.publish.talks.talk_stems) links each session to its page and its
    one-event calendar; without it, "add to calendar" links the room's calendar. `previous` and `sequences` (as
    the calendars get them, solver.publish.ical) give each session's SEQUENCE, which the page's own .ics export
    writes with the calendars' UID, so that a calendar app takes both for one event."""
    stem = "timetable-organizers" if organizers else "timetable"
    hues = track_hues(problem)
    calendars = file_names([r.room_id for r in problem.rooms])

    def talk(session_id: str, ext: str = "html") -> str:
        return f"talks/{quote(talks[session_id], safe='._-~')}.{ext}" if talks and session_id in talks else ""

    shown = [
        Shown(e, texts.hours(e.start, e.end), f"{e.starts_at(conf.tz).isoformat(timespec='minutes')}",
              texts.names([p.name for p in e.speakers]), hues.get(e.session.track or "", 210),
              talk(e.session.session_id, "ics") or f"rooms/{calendars[e.room.room_id]}.ics",
              texts.other(e.session.language), e.session.attendance > e.room.capacity, talk(e.session.session_id),
              utc_stamp(e.starts_at(conf.tz)), utc_stamp(e.ends_at(conf.tz)),
              sequence_of(e, previous or {}, sequences or {}))
        for e in items
    ]
    days = sorted({*problem.days, *(e.day for e in items)})
    paged = len(items) > PAGED_ABOVE if paged is None else paged
    tables = [day_table(problem, d, [s for s in shown if s.entry.day == d], texts, page_name(stem, days, d, paged),
                        every_room=organizers)
              for d in days]
    pending = pending or []
    tracks = [t for t in hues if any(s.entry.session.track == t for s in shown)]
    common = dict(conf=conf, t=texts, fold=fold, tables=tables, tracks=tracks, px=ROW_PX_PER_MINUTE, count=len(items),
                  pending=pending, organizers=organizers, paged=paged, home=f"{stem}.html",
                  talk=talk, star_key="salle-stars:" + (conf.acronym or conf.title),
                  uid_domain=calendar_domain(conf.acronym, list(problem.days)))

    def page(shown_tables: list[DayTable], show_pending: bool) -> str:
        used = {r.room_id for g in shown_tables for r in g.rooms}
        return render("timetable.html.j2", shown_tables=shown_tables, show_pending=show_pending,
                      filter_rooms=[r for r in problem.rooms if r.room_id in used], **common)

    if not paged or not tables:
        return {f"{stem}.html": page(tables, True)}
    return {table.page: page([table], i == 0) for i, table in enumerate(tables)}
