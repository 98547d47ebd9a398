"""`timetable.html`: one self-contained page, a grid per day with rooms as columns and time running down.

Each session is a block spanning its length with its title, speakers and attendance/capacity; a filter by
track or speaker dims the other sessions (and hides them when printed). No network: CSS and the small script
are inline, and a Content-Security-Policy forbids loading anything else.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from solver.inputs import Problem, Room
from solver.inputs.values import format_time
from solver.publish.render import render
from solver.publish.view import Conference, Entry

ROW_PX_PER_MINUTE = 1.6


@dataclass(frozen=True)
class Block:
    """A session placed on a day's grid (CSS grid lines are 1-based; row 1 holds the room names)."""

    entry: Entry
    column: int
    row: int
    span: int
    hue: int


@dataclass(frozen=True)
class Mark:
    """A time label down the first column."""

    label: str
    row: int


@dataclass(frozen=True)
class DayGrid:
    day: dt.date
    title: str
    rooms: list[Room]
    rows: int
    unit: int
    blocks: list[Block]
    marks: list[Mark]


def _unit(starts: list[int], ends: list[int], origin: int) -> int:
    """The grid step in minutes: every start and end falls on a row line."""
    step = 0
    for t in (*starts, *ends):
        step = math.gcd(step, t - origin)
    return step or 60


def day_grid(problem: Problem, day: dt.date, items: list[Entry], hues: dict[str, int]) -> DayGrid:
    slots = problem.slots_by_day[day]
    starts = [s.start for s in slots] + [e.start for e in items]
    ends = [s.end for s in slots] + [e.end for e in items]
    origin, last = min(starts), max(ends)
    unit = _unit(starts, ends, origin)
    column = {r.room_id: i + 2 for i, r in enumerate(problem.rooms)}
    blocks = [
        Block(e, column[e.room.room_id], 2 + (e.start - origin) // unit, max(1, e.minutes // unit),
              hues.get(e.session.track or "", 210))
        for e in items
    ]
    marks = [Mark(format_time(t), 2 + (t - origin) // unit) for t in sorted({*starts, last}) if t < last]
    marks.append(Mark(format_time(last), 2 + (last - origin) // unit))
    return DayGrid(day, f"{day:%A} {day.isoformat()}", list(problem.rooms), (last - origin) // unit, unit,
                   blocks, marks)


def track_hues(problem: Problem) -> dict[str, int]:
    """A colour per track, spread around the wheel."""
    tracks = list(dict.fromkeys(s.track for s in problem.sessions if s.track))
    return {t: (210 + i * 137) % 360 for i, t in enumerate(tracks)}


def timetable_html(problem: Problem, items: list[Entry], conf: Conference) -> str:
    hues = track_hues(problem)
    grids = [day_grid(problem, day, [e for e in items if e.day == day], hues) for day in problem.days]
    used = {p for e in items for p in e.session.speakers}
    return render(
        "timetable.html.j2",
        conf=conf,
        grids=grids,
        tracks=list(hues),
        speakers=[p for p in problem.speakers if p.speaker_id in used],
        px=ROW_PX_PER_MINUTE,
        count=len(items),
    )
