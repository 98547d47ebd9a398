"""`salle diff OLD NEW`: what moved between two schedules, per session and per speaker (who must be told).

changes.csv, for a mail merge: one row per (speaker, changed session) with the speaker's contact columns (every
column of speakers.csv beyond speaker_id, name, affiliation and needs, such as email or phone, in the file's
order; `biography` is content, not a contact, and is left out), then the session and its old and new place.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from solver.inputs import Problem
from solver.inputs.assignments import open_table
from solver.inputs.values import format_time
from solver.publish.tables import to_csv

CHANGE_COLUMNS = ("speaker_id", "name", "session_id", "title", "old_day", "old_time", "old_room", "new_day",
                  "new_time", "new_room")
NOT_CONTACT = ("biography",)


@dataclass(frozen=True)
class Place:
    day: str
    time: str
    room: str

    def __str__(self) -> str:
        return f"{self.day} {self.time}, {self.room}" if self.day else "(not scheduled)"


NOWHERE = Place("", "", "")


@dataclass(frozen=True)
class Move:
    session_id: str
    title: str
    speakers: tuple[str, ...]
    old: Place
    new: Place


def _places(path: Path, problem: Problem | None) -> dict[str, tuple[Place, str, tuple[str, ...]]]:
    """session_id -> (place, title, speakers) from an assignments CSV, completed from the inputs if given."""
    table = open_table(path, "schedule", ("session_id",))
    out = {}
    for row in table.rows:
        sid = row.get("session_id")
        session = problem.session.get(sid) if problem else None
        slot = problem.slot.get(row.get("slot_id")) if problem else None
        room = problem.room.get(row.get("room_id")) if problem else None
        day = row.get("day") or (slot.day.isoformat() if slot else "")
        start = row.get("start") or (format_time(slot.start) if slot else "")
        room_name = row.get("room_name") or (room.name if room else row.get("room_id"))
        speakers = tuple(x for x in row.get("speakers").split(";") if x) or (session.speakers if session else ())
        title = row.get("title") or (session.title if session else "")
        out[sid] = (Place(day, start, room_name), title, speakers)
    return out


def diff(old_file: Path, new_file: Path, problem: Problem | None = None) -> list[Move]:
    """Every session whose day, start time or room differs (added and removed sessions included)."""
    old, new = _places(old_file, problem), _places(new_file, problem)
    moves = []
    for sid in sorted(set(old) | set(new)):
        o, n = old.get(sid), new.get(sid)
        before, after = (o[0] if o else NOWHERE), (n[0] if n else NOWHERE)
        if before != after:
            title, speakers = (n or o)[1], (n or o)[2]  # type: ignore[index]
            moves.append(Move(sid, title, speakers, before, after))
    return moves


def contact_columns(problem: Problem | None) -> tuple[str, ...]:
    """speakers.csv's extra columns (email, phone…) in the file's order, `biography` left out."""
    if problem is None:
        return ()
    seen = dict.fromkeys(c for p in problem.speakers for c in p.extra if c not in NOT_CONTACT)
    return tuple(c for c in seen if c not in CHANGE_COLUMNS)


def changes_columns(problem: Problem | None) -> tuple[str, ...]:
    """speaker_id, name, the contact columns, then the session and its old and new place."""
    return (*CHANGE_COLUMNS[:2], *contact_columns(problem), *CHANGE_COLUMNS[2:])


def changes_rows(moves: list[Move], problem: Problem | None) -> list[dict[str, str]]:
    """One row per (speaker, moved session): what a mail merge needs, the speaker's contact columns included."""
    contacts = contact_columns(problem)
    rows = []
    for m in moves:
        for who in m.speakers or ("",):
            speaker = problem.speaker.get(who) if problem else None
            name = speaker.name if speaker else who
            reach = {c: speaker.extra.get(c, "") if speaker else "" for c in contacts}
            rows.append({"speaker_id": who, "name": name, **reach, "session_id": m.session_id, "title": m.title,
                         "old_day": m.old.day, "old_time": m.old.time, "old_room": m.old.room,
                         "new_day": m.new.day, "new_time": m.new.time, "new_room": m.new.room})
    rows.sort(key=lambda r: (r["name"], r["session_id"]))
    return rows


def changes_csv(moves: list[Move], problem: Problem | None) -> str:
    return to_csv(changes_rows(moves, problem), changes_columns(problem))


INPUT_FILES = ("rooms.csv", "slots.csv", "sessions.csv", "speakers.csv", "unavailability.csv", "interests.csv",
               "preferences.csv", "tracks.csv", "penalties.csv", "constraints.yaml", "conference.yaml")


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def written_by_diff(path: Path) -> bool:
    """Whether the existing file at `path` is a changes.csv (its header: speaker_id, name, the contact columns,
    then session_id … new_room), or empty: what `diff` may overwrite without --force."""
    from solver.inputs.files import NotReadable, read_head

    try:
        head = read_head(path, 65536)
    except NotReadable:
        return False
    if not head.strip():
        return True
    first = head.decode("utf-8-sig", errors="replace").splitlines()[0]
    columns = next(csv.reader([first]), [])
    return columns[:2] == list(CHANGE_COLUMNS[:2]) and columns[-8:] == list(CHANGE_COLUMNS[2:])


def refused_target(target: Path, schedules: tuple[Path, ...], inputs: Path | None, force: bool) -> str | None:
    """Why `diff` may not write changes.csv at `target` (one sentence without the file's name), or None: it is
    a schedule being compared or a file of the inputs folder (never), or an existing file that is not a
    changes.csv (unless `force`)."""
    if any(_same(target, s) for s in schedules):
        return "is one of the schedules compared: changes.csv would overwrite it; give another --changes file"
    if inputs is not None and target.name in INPUT_FILES and _same(target.parent, inputs):
        return "is a file of the inputs folder: changes.csv would replace it; give another --changes file"
    if target.exists() and not target.is_file():
        return "is not a regular file: give the path of a file for changes.csv"
    if target.exists() and not force and not written_by_diff(target):
        return ("exists and is not a changes.csv salle wrote (its header is not speaker_id, name, …, new_room): "
                "it would be overwritten; give another --changes file, or add --force")
    return None
