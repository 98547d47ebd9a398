"""The assignments table: one row per scheduled session, the shape of `assignments.csv` and the CLI's table."""

from __future__ import annotations

import csv
import io

from solver.inputs import Problem
from solver.inputs.values import format_time
from solver.schedule import Schedule

ASSIGNMENT_COLUMNS = (
    "session_id", "title", "kind", "speakers", "day", "start", "end", "slot_id", "slots",
    "room_id", "room_name", "capacity", "attendance",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize(text: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula (CSV injection): prefix it with '."""
    return "'" + text if text.startswith(_FORMULA_START) else text


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
            "end": format_time(run[-1].end),
            "slot_id": run[0].slot_id,
            "slots": ";".join(s.slot_id for s in run),
            "room_id": room.room_id,
            "room_name": room.name,
            "capacity": str(room.capacity),
            "attendance": str(session.attendance),
        })
    rows.sort(key=lambda r: (r["day"], r["start"], r["room_id"], r["session_id"]))
    return rows


def to_csv(rows: list[dict[str, str]], columns: tuple[str, ...], text_columns: tuple[str, ...] = ()) -> str:
    """CSV text (UTF-8, `,`, header first); free-text columns are neutralized against formula injection."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: neutralize(v) if c in text_columns else v for c, v in row.items()})
    return out.getvalue()


def assignments_csv(problem: Problem, schedule: Schedule) -> str:
    return to_csv(assignment_rows(problem, schedule), ASSIGNMENT_COLUMNS, ("title", "room_name"))
