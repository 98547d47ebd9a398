"""The conference's days for `salle import sessionize`: grid rows, breaks, and the rooms a plenum session closes.

- `grid_rows`: each day that has a timed session (or a timed service session) is grid rows of `grid` minutes from its
  first start to its last end; a service session (registration, coffee, lunch…) that no session overlaps is a
  break, a gap between two rows that nothing spans; one beside sessions (a quiet room…) is left out. Each timed
  session starts at the grid step at or before its published start (the slot id `DAY-N-HHMM`);
- `plenum_closures`: a plenum session (for every room in Sessionize) is pinned in its own room, so the other
  rooms are closed (unavailability.csv) during the slots it holds in salle: nothing is scheduled beside it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

from solver.connect.sessionize_read import DAY, Reading, Services, Talk
from solver.errors import shown
from solver.importers.folder import ASSIGNMENTS
from solver.inputs.values import format_time

Span = tuple[int, int]  # minutes from midnight: start, end


def _merged(spans: Iterable[Span]) -> list[Span]:
    out: list[Span] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _day_rows(real: list[Span], breaks: list[Span], grid: int) -> tuple[list[Span], int]:
    """The day's grid rows (start, end on the grid): from its first start to its last end, less the breaks; and
    how many breaks were too short for the grid (the rows around them are one row)."""
    lo = min(a for a, _ in [*real, *breaks])
    hi = max(b for _, b in [*real, *breaks])
    runs, t = [], lo
    for a, b in _merged(breaks):
        if a > t:
            runs.append((t, a))
        t = max(t, b)
    if hi > t:
        runs.append((t, hi))
    rows: list[Span] = []
    lost = 0
    for a, b in runs:
        a, b = a - a % grid, min(DAY, b + (-b) % grid)
        b = max(b, a + grid)
        if rows and a < rows[-1][1]:
            rows[-1], lost = (rows[-1][0], max(rows[-1][1], b)), lost + 1
        else:
            rows.append((a, b))
    return rows, lost


def held(t: Talk, grid: int) -> Span:
    """The clock times a timed session holds in salle: from the grid step at or before its start, as many steps
    as its minutes need (to midnight at most)."""
    assert t.start is not None
    a = t.start.hour * 60 + t.start.minute
    at = a - a % grid
    return at, min(DAY, at + math.ceil(t.minutes / grid) * grid)


def grid_rows(talks: list[Talk], services: Services, step: int, seen: Reading
              ) -> tuple[list[dict[str, str]], dict[str, str]]:
    """slots.csv's grid rows, and session id -> the grid slot where it starts (sessions that have a time)."""
    real: dict[dt.date, list[Span]] = {}
    for t in talks:
        if t.start is not None:
            a = t.start.hour * 60 + t.start.minute
            real.setdefault(t.start.date(), []).append((a, a + t.minutes))
    breaks: dict[dt.date, list[Span]] = {}
    beside: list[str] = []
    for day, a, b, title in services.timed:
        if any(x < b and a < y for x, y in real.get(day, [])):
            beside.append(title)  # registration desk, quiet room… open while sessions run: not a break
        else:
            breaks.setdefault(day, []).append((a, b))
    rows: list[dict[str, str]] = []
    spans: dict[dt.date, list[tuple[str, int, int]]] = {}
    lost = 0
    for day in sorted({*real, *breaks}):
        day_rows, short = _day_rows(real.get(day, []), breaks.get(day, []), step)
        lost += short
        for n, (a, b) in enumerate(day_rows, 1):
            row_id = f"{day.isoformat()}-{n}"
            spans.setdefault(day, []).append((row_id, a, b))
            rows.append({"slot_id": row_id, "day": day.isoformat(), "start": format_time(a), "end": format_time(b),
                         "step": str(step)})
    starts: dict[str, str] = {}
    off = 0
    for t in talks:
        if t.start is None:
            continue
        at = held(t, step)[0]
        off += at != t.start.hour * 60 + t.start.minute
        row_id = next(r for r, x, y in spans[t.start.date()] if x <= at < y)
        starts[t.sid] = f"{row_id}-{format_time(at).replace(':', '')}"
    counted = len(services.timed) + services.untimed
    if counted:
        parts = [f"{sum(len(v) for v in breaks.values())} mark the days' breaks and edges (gaps between or "
                 "around the grid rows: nothing is scheduled across them)"]
        if beside:
            named = ", ".join(shown(b) for b in beside[:3]) + ("…" if len(beside) > 3 else "")
            parts.append(f"{len(beside)} run beside sessions and were left out ({named})")
        if services.untimed:
            parts.append(f"{services.untimed} have no time and were left out")
        seen.notes.append(f"{counted} service session(s) (registration, breaks, lunch…) are not sessions: "
                          + "; ".join(parts))
    seen.say(lost, f"{lost} break(s) are shorter than the {step}-minute grid allows: the rows around them were "
                   "joined")
    seen.say(off, f"{off} published start(s) are not on the {step}-minute grid: {ASSIGNMENTS} places them at the "
                  "step before")
    hours = "; ".join(f"{day.isoformat()} " + ", ".join(f"{format_time(a)}–{format_time(b)}" for _, a, b in r)
                      for day, r in sorted(spans.items()))
    seen.notes.append(f"conference days and hours ({step}-minute grid, in slots.csv): {hours}")
    return rows, starts


def plenum_closures(talks: list[Talk], rooms: list[str], step: int, seen: Reading) -> list[dict[str, str]]:
    """unavailability.csv's rows: every room but its own closed while a pinned plenum session (timed, with a
    room) runs. A room that holds another plenum session at an overlapping time is not closed (both are pinned)."""
    pinned = [(t, t.start.date(), *held(t, step)) for t in talks if t.plenum and t.start and t.room]
    closed: list[dict[str, str]] = []
    kept_open = 0
    for t, day, a, b in pinned:
        plenum_beside = {u.room for u, d, x, y in pinned if u is not t and d == day and x < b and a < y}
        kept_open += bool(plenum_beside - {t.room})
        closed += [{"who": room, "day": day.isoformat(), "start": format_time(a), "end": format_time(b),
                    "note": f"plenum: {t.title}"} for room in rooms if room != t.room and room not in plenum_beside]
    moved = 0
    for t in talks:
        if t.start is None or t.room is None or t.plenum:
            continue
        a, b = held(t, step)
        moved += any(c["who"] == t.room and c["day"] == t.start.date().isoformat() and c["start"] < format_time(b)
                     and format_time(a) < c["end"] for c in closed)
    seen.say(kept_open, f"{kept_open} plenum session(s) run at the same time as another plenum session: neither "
                        "closes the other's room")
    seen.say(moved, f"{moved} session(s) Sessionize places beside a plenum session, in a room closed then: salle "
                    f"will move them ({ASSIGNMENTS} keeps their published place)")
    return closed
