"""Read an assignments CSV (the solver's or a hand-edited one) into a `Schedule`.

Only session_id, room_id and slot_id are needed; other columns (title, day, …) are ignored.
"""

from __future__ import annotations

from pathlib import Path

from solver.errors import InputError, Issue, clip, shown
from solver.inputs.load import capped
from solver.inputs.problem import Problem
from solver.inputs.table import Table, TableError, read_table
from solver.schedule import Assignment, Schedule

COLUMNS = ("session_id", "room_id", "slot_id")


def open_table(path: Path, what: str, required: tuple[str, ...] = COLUMNS) -> Table:
    """The CSV at `path` with its `required` columns, or an InputError naming the file."""
    if not path.is_file():
        raise InputError([Issue(str(path), f"no such {what} file")])
    try:
        return read_table(path, list(required))
    except TableError as exc:
        raise InputError(exc.issues) from None


def read_previous(path: Path | str, problem: Problem) -> tuple[dict[str, tuple[str, str]], list[Issue]]:
    """A previous schedule to stay close to: session_id -> (room_id, slot_id), as the file says.

    Rooms, slots or sessions that no longer exist are kept (the session must move) or skipped (a session that
    was removed), each with a warning; only an unreadable file is an error."""
    table = open_table(Path(path), "previous schedule")
    previous: dict[str, tuple[str, str]] = {}
    notes: list[Issue] = []
    for row in table.rows:
        sid, room, slot = row.get("session_id"), row.get("room_id"), row.get("slot_id")
        if sid not in problem.session:
            notes.append(Issue(table.name, f"session {shown(sid)} is no longer in sessions.csv: ignored", row.number,
                               "session_id"))
            continue
        for column, value, index in (("room_id", room, problem.room), ("slot_id", slot, problem.slot)):
            if value not in index:
                notes.append(Issue(table.name, f"{shown(value)} no longer exists: {clip(sid)} has to move", row.number,
                                   column))
        previous[sid] = (room, slot)
    return previous, notes


def read_schedule(path: Path | str, problem: Problem) -> Schedule:
    """Every row must name a known session, room and slot; rows with the session empty are skipped."""
    table = open_table(Path(path), "schedule")
    issues: list[Issue] = []
    rows: list[Assignment] = []
    known: dict[str, dict] = {"session_id": problem.session, "room_id": problem.room, "slot_id": problem.slot}
    for row in table.rows:
        bad = False
        for column, index in known.items():
            value = row.get(column)
            if not value:
                issues.append(Issue(table.name, "must not be empty", row.number, column))
                bad = True
            elif value not in index:
                issues.append(Issue(table.name, f"unknown id {shown(value)}", row.number, column))
                bad = True
        if not bad:
            rows.append(Assignment(row.get("session_id"), row.get("room_id"), row.get("slot_id")))
    if issues:
        raise InputError(capped(issues))
    return Schedule(tuple(rows))
