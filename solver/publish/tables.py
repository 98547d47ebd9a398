"""The assignments table: one row per scheduled session, the shape of `assignments.csv` and the CLI's table."""

from __future__ import annotations

import csv
import io

from solver.inputs import Problem
from solver.inputs.table import neutralize
from solver.inputs.values import format_time
from solver.schedule import Schedule

ASSIGNMENT_COLUMNS = (
    "session_id", "title", "kind", "speakers", "day", "start", "end", "slot_id", "slots",
    "room_id", "room_name", "capacity", "attendance",
)
ESTIMATED = "attendance_estimated"  # "yes" where the attendance was estimated from wishes (a column only then)
__all__ = ["ASSIGNMENT_COLUMNS", "ESTIMATED", "assignment_rows", "assignments_csv", "columns_for", "neutralize",
           "to_csv"]


def assignment_rows(problem: Problem, schedule: Schedule) -> list[dict[str, str]]:
    """Rows sorted by day, start, room; times as HH:MM, lists joined with `;`."""
    rows = []
    for a in schedule.assignments:
        session, room = problem.session[a.session_id], problem.room[a.room_id]
        run = problem.run(a.slot_id, session.slots_needed) or (problem.slot[a.slot_id],)
        rows.append({
            "session_id": session.session_id,
            "title": session.title,
            "kind": session.kind or "",
            "speakers": ";".join(session.speakers),
            "day": run[0].day.isoformat(),
            "start": format_time(run[0].start),
            "end": format_time(session.ends(run[0].start, run[-1].end)),
            "slot_id": run[0].slot_id,
            "slots": ";".join(s.slot_id for s in run),
            "room_id": room.room_id,
            "room_name": room.name,
            "capacity": str(room.capacity),
            "attendance": str(session.attendance),
            ESTIMATED: "yes" if session.attendance_estimated else "",
        })
    rows.sort(key=lambda r: (r["day"], r["start"], r["room_id"], r["session_id"]))
    return rows


def to_csv(rows: list[dict[str, str]], columns: tuple[str, ...]) -> str:
    """CSV text (UTF-8, `,`, header first); every cell, ids included, is neutralized against formula injection
    (solver.inputs.table reads `'=S8` back as `=S8`, so ids round-trip)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([neutralize(c) for c in columns])
    for row in rows:
        writer.writerow([neutralize(str(row.get(c, ""))) for c in columns])
    return out.getvalue()


def columns_for(problem: Problem, columns: tuple[str, ...]) -> tuple[str, ...]:
    """`columns`, and `attendance_estimated` after them where some attendance was estimated from wishes."""
    return (*columns, ESTIMATED) if any(s.attendance_estimated for s in problem.sessions) else columns


def assignments_csv(problem: Problem, schedule: Schedule) -> str:
    return to_csv(assignment_rows(problem, schedule), columns_for(problem, ASSIGNMENT_COLUMNS))
