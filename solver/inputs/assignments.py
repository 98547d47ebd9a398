"""Read an assignments CSV (the solver's or a hand-edited one) into a `Schedule`.

Only session_id, room_id and slot_id are needed. When the file also has room_name, day or start (as salle writes
it), they must agree with the ids: a hand edit of one without the other is reported, never silently ignored.
"""

from __future__ import annotations

from pathlib import Path

from solver.errors import InputError, Issue, clip, shown
from solver.inputs.load import capped
from solver.inputs.problem import Problem
from solver.inputs.table import Row, Table, TableError, read_table
from solver.inputs.values import format_time, parse_day, parse_time
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
    foreign = other_conference(table, problem)
    if foreign:
        raise InputError([Issue(table.name, foreign)])
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


def other_conference(table: Table, problem: Problem) -> str | None:
    """One sentence when a schedule with rows shares no session, or no room and no slot, with `problem`: the
    schedule of another conference (or of other inputs), rather than a warning per row; None otherwise."""
    rows = [r for r in table.rows if r.get("session_id")]
    if not rows:
        return None
    if not any(r.get("session_id") in problem.session for r in rows):
        what = "session"
    elif not any(r.get("room_id") in problem.room or r.get("slot_id") in problem.slot for r in rows):
        what = "room or slot"
    else:
        return None
    return (f"none of its {len(rows)} row(s) names a {what} of these inputs ({problem.source or 'the inputs'}): it "
            "is the schedule of another conference or of other inputs; give one written for these")


def read_schedule(path: Path | str, problem: Problem) -> Schedule:
    """Every row must name a known session, room and slot; rows with the session empty are skipped."""
    table = open_table(Path(path), "schedule")
    foreign = other_conference(table, problem)
    if foreign:
        raise InputError([Issue(table.name, foreign)])
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
            found = _disagreements(table.name, row, problem)
            issues += found
            if not found:
                rows.append(Assignment(row.get("session_id"), row.get("room_id"), row.get("slot_id")))
    if issues:
        raise InputError(capped(issues))
    return Schedule(tuple(rows))


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _disagreements(name: str, row: Row, problem: Problem) -> list[Issue]:
    """room_name, day and start, when given, against the room and slot the ids name (a hand edit of one side)."""
    out: list[Issue] = []
    room, slot = problem.room[row.get("room_id")], problem.slot[row.get("slot_id")]
    room_name = row.get("room_name")
    if room_name and not _same_text(room_name, room.name):
        named = [r.room_id for r in problem.rooms if _same_text(r.name, room_name)]
        hint = f"; {shown(room_name)} is room {named[0]}" if len(named) == 1 else ""
        out.append(Issue(name, f"{shown(room_name)} is not the name of room {room.room_id} ({room.name}): change "
                               f"room_id and room_name together{hint}", row.number, "room_name"))
    checks = (("day", slot.day.isoformat(), lambda v: parse_day(v).isoformat()),
              ("start", format_time(slot.start), lambda v: format_time(parse_time(v))))
    for column, expected, read in checks:
        value = row.get(column)
        if not value:
            continue
        try:
            agrees = read(value) == expected
        except ValueError:
            agrees = False
        if not agrees:
            out.append(Issue(name, f"{shown(value)} is not the {column} of slot {slot.slot_id} ({expected}): change "
                                   f"slot_id and {column} together", row.number, column))
    return out
