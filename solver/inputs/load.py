"""Read an inputs folder into one validated `Problem`, or raise `InputError` listing every problem found."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pydantic import ValidationError

from solver.errors import InputError, Issue, shown
from solver.inputs import grid
from solver.inputs.problem import Problem
from solver.inputs.records import (
    Interest,
    PenaltyCell,
    Preference,
    Record,
    Room,
    Session,
    Slot,
    Speaker,
    Track,
    Unavailability,
)
from solver.inputs.table import Table, TableError, read_table
from solver.inputs.timezones import parse_timezone

R = TypeVar("R", bound=Record)

OPTIONAL_FILES = {Unavailability.FILE, Interest.FILE, Preference.FILE, Track.FILE, PenaltyCell.FILE}
NOT_UNIQUE = (Unavailability, Interest, Preference, PenaltyCell)


def _locate(error: dict, fields: list[str]) -> tuple[str | None, str]:
    """Column and message of one pydantic error (model-level errors carry their column as a prefix)."""
    loc = [str(p) for p in error.get("loc", ())]
    message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    column = loc[0] if loc and loc[0] in fields else None
    if column is None and ": " in message and message.split(": ", 1)[0] in fields:
        column, message = message.split(": ", 1)
    if error.get("type") == "greater_than_equal":
        message = f"must be at least {error.get('ctx', {}).get('ge')}, got {shown(str(error.get('input')))}"
    elif error.get("type") == "less_than_equal":
        message = f"must be at most {error.get('ctx', {}).get('le'):,}, got {shown(str(error.get('input')))}"
    return column, message


def parse_records(table: Table, model: type[R], issues: list[Issue]) -> list[R]:
    """Turn each row into a `model`; bad cells become issues naming file, row and column."""
    fields = model.columns()
    id_field = fields[0]
    records: list[R] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        data: dict[str, object] = {c: row.cells.get(c, "") for c in fields if c in row.cells}
        extra = {c: v for c, v in row.cells.items() if c not in fields}
        try:
            record = model.model_validate({**data, "extra": extra, "row": row.number})
        except ValidationError as exc:
            for err in exc.errors():
                column, message = _locate(dict(err), fields)
                issues.append(Issue(table.name, message, row=row.number, column=column))
            continue
        key = str(getattr(record, id_field))
        if model not in NOT_UNIQUE and key in seen:
            issues.append(
                Issue(table.name, f"duplicate id {shown(key)} (first on row {seen[key]})", row.number, id_field)
            )
            continue
        seen[key] = row.number
        records.append(record)
    return records


def _read(folder: Path, model: type[R], issues: list[Issue], warnings: list[Issue],
          fill: Callable[[Table], None] | None = None) -> list[R]:
    path = folder / model.FILE
    if not path.exists():
        if model.FILE not in OPTIONAL_FILES:
            issues.append(Issue(model.FILE, f"required file is missing from {folder}"))
        return []
    try:
        table = read_table(path, list(model.REQUIRED), warnings)
    except TableError as exc:
        issues.extend(exc.issues)
        return []
    if fill is not None:
        fill(table)
    return parse_records(table, model, issues)


def estimated_attendance(folder: Path, interests: list[Interest], warnings: list[Issue]
                         ) -> Callable[[Table], None] | None:
    """Where conference.yaml gives the expected number of attendees (`attendees:`) and interests.csv says who
    wants what: a session whose attendance cell is empty gets `attendees × its wishers / everyone who wished`,
    marked `attendance_estimated` (a typed attendance always wins)."""
    from solver.inputs.conference import load_conference

    if not interests:  # no wishes: conference.yaml is not read here
        return None
    try:
        expected = load_conference(folder).attendees
    except InputError:
        return None  # reported by the commands that read conference.yaml
    if not expected:
        return None
    wishers: dict[str, set[str]] = {}
    for i in interests:
        if i.weight is None or i.weight > 0:
            wishers.setdefault(i.session_id, set()).add(i.attendee_id)
    voters = len({a for who in wishers.values() for a in who})
    if not voters:
        return None

    def fill(table: Table) -> None:
        filled = 0
        for row in table.rows:
            if not row.cells.get("attendance", "").strip():
                sid = row.cells.get("session_id", "").strip()
                row.cells["attendance"] = str(round(expected * len(wishers.get(sid, ())) / voters))
                row.cells["attendance_estimated"] = "yes"
                filled += 1
        if filled:
            warnings.append(Issue(Session.FILE, f"{filled} session(s) without an attendance: estimated from "
                                                f"interests.csv for the {expected:,} attendees conference.yaml "
                                                f"expects ({voters:,} of them said what they want)"))

    return fill


def check_references(problem: Problem) -> list[Issue]:
    """Every id a row mentions must exist in the file it refers to."""
    issues: list[Issue] = []
    for s in problem.sessions:
        for p in s.speakers:
            if p not in problem.speaker:
                issues.append(Issue(Session.FILE, f"unknown speaker {shown(p)} (not in speakers.csv)", s.row,
                                    "speakers"))
        if s.room and s.room not in problem.room:
            issues.append(Issue(Session.FILE, f"pinned room {shown(s.room)} is not in rooms.csv", s.row, "room"))
        if s.slot and s.slot not in problem.slot:
            issues.append(Issue(Session.FILE, f"pinned slot {shown(s.slot)} is not in slots.csv", s.row, "slot"))
    room_words = set(problem.room) | problem.features | {r.building for r in problem.rooms if r.building}
    slot_words = set(problem.slot) | {s.kind for s in problem.slots if s.kind}
    slot_words |= {s.label for s in problem.slots if s.label}
    for s in problem.sessions:
        for other in s.after:
            if other not in problem.session:
                issues.append(Issue(Session.FILE, f"unknown session {shown(other)} (not in sessions.csv)", s.row,
                                    "after"))
            elif other == s.session_id:
                issues.append(Issue(Session.FILE, "a session cannot come after itself", s.row, "after"))
        for column in ("prefers_rooms", "avoids_rooms"):
            for value in getattr(s, column):
                if value not in room_words:
                    issues.append(Issue(Session.FILE, f"{shown(value)} is not a room id, room feature or building",
                                        s.row, column))
        for column in ("prefers_slots", "avoids_slots"):
            for value in getattr(s, column):
                if value not in slot_words:
                    issues.append(Issue(Session.FILE, f"{shown(value)} is not a slot id, slot kind or slot label",
                                        s.row, column))
    for i in problem.interests:
        if i.session_id not in problem.session:
            issues.append(Issue(Interest.FILE, f"unknown session {shown(i.session_id)}", i.row, "session_id"))
    for pref in problem.preferences:
        if pref.who not in problem.speaker:
            issues.append(Issue(Preference.FILE, f"{shown(pref.who)} is not a speaker_id", pref.row, "who"))
    for u in problem.unavailability:
        is_speaker, is_room = u.who in problem.speaker, u.who in problem.room
        if not (is_speaker or is_room):
            issues.append(
                Issue(Unavailability.FILE, f"{shown(u.who)} is neither a speaker_id nor a room_id", u.row, "who")
            )
        elif is_speaker and is_room:
            issues.append(
                Issue(Unavailability.FILE, f"{shown(u.who)} is both a speaker_id and a room_id: rename one", u.row,
                      "who")
            )
    return issues + block_references(problem)


def block_references(problem: Problem) -> list[Issue]:
    """Time zones read, blocks hold consecutive slots of one day, and penalty tables name what exists."""
    issues: list[Issue] = []
    for s in problem.sessions:
        if s.timezone:
            try:
                parse_timezone(s.timezone)
            except ValueError as exc:
                issues.append(Issue(Session.FILE, str(exc), s.row, "timezone"))
    for block, slots in problem.block_slots.items():
        days = {s.day for s in slots}
        if slots[0].block and len(days) > 1:
            issues.append(Issue(Slot.FILE, f"block {shown(block)} spans several days: a block is one run of slots",
                                slots[-1].row, "block"))
    tracks = {s.track for s in problem.sessions if s.track} | {t.track for t in problem.tracks}
    blocks = {s.block for s in problem.slots if s.block}
    known = {"track": (tracks, "a track of sessions.csv or tracks.csv"), "block": (blocks, "a block of slots.csv"),
             "room": (set(problem.room), "a room_id"), "session": (set(problem.session), "a session_id")}
    sides = {"track_block": ("track", "block"), "track_room": ("track", "room"), "block_room": ("block", "room"),
             "session_block": ("session", "block"), "session_room": ("session", "room"),
             "similar_tracks": ("track", "track")}
    seen: dict[tuple[str, str, str], int] = {}
    for cell in problem.penalties:
        for column, side in zip(("a", "b"), sides[cell.kind], strict=True):
            values, what = known[side]
            value = getattr(cell, column)
            if value not in values:
                issues.append(Issue(PenaltyCell.FILE, f"{shown(value)} is not {what} ({cell.kind})", cell.row, column))
        key = (cell.kind, cell.a, cell.b)
        if key in seen:
            issues.append(Issue(PenaltyCell.FILE, f"the same cell again (first on row {seen[key]})", cell.row, "b"))
        seen[key] = cell.row
    return issues


def same_room_names(problem: Problem) -> list[Issue]:
    """Two rooms may not share a name (ignoring case, spacing and Unicode normalization: `é` composed or as `e`
    and an accent): programmes, calendars and conference apps show rooms by name, so one of them would vanish
    from the frab files and the workbook's grids."""
    issues: list[Issue] = []
    first: dict[str, Room] = {}
    for room in problem.rooms:
        key = same_text_key(room.name)
        if key in first:
            other = first[key]
            issues.append(Issue(Room.FILE, f"{shown(room.name)} is already the name of room {shown(other.room_id)} "
                                           f"(row {other.row}): give each room its own name", room.row, "name"))
        else:
            first[key] = room
    return issues


def same_text_key(text: str) -> str:
    """What two names that read the same share: NFC-normalized, case-folded, spacing collapsed."""
    return " ".join(unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold()).split())


def load_problem(folder: Path | str) -> Problem:
    """Read and validate the conference in `folder` (rooms, slots, sessions, speakers, unavailability)."""
    problem, _ = load_problem_with_warnings(folder)
    return problem


def load_problem_with_warnings(folder: Path | str) -> tuple[Problem, list[Issue]]:
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError([Issue(str(folder), "no such inputs folder")])
    issues: list[Issue] = []
    warnings: list[Issue] = []
    rows = _read(folder, Slot, issues, warnings)
    step = grid.step_of(rows, issues)
    interests = _read(folder, Interest, issues, warnings)
    fill = estimated_attendance(folder, interests, warnings)
    problem = Problem(
        rooms=tuple(_read(folder, Room, issues, warnings)),
        slots=tuple(grid.expand(rows, issues)),
        sessions=tuple(grid.with_lengths(_read(folder, Session, issues, warnings, fill), step, issues)),
        speakers=tuple(_read(folder, Speaker, issues, warnings)),
        unavailability=tuple(_read(folder, Unavailability, issues, warnings)),
        interests=tuple(interests),
        preferences=tuple(_read(folder, Preference, issues, warnings)),
        source=folder,
        tracks=tuple(_read(folder, Track, issues, warnings)),
        penalties=tuple(_read(folder, PenaltyCell, issues, warnings)),
    )
    if not issues:
        issues = check_references(problem)
    if not issues:
        issues = same_room_names(problem)
    if not issues:
        for name, items in (("rooms.csv", problem.rooms), ("slots.csv", problem.slots),
                            ("sessions.csv", problem.sessions)):
            if not items:
                issues.append(Issue(name, "has no rows: nothing can be scheduled"))
    if issues:
        raise InputError(capped(issues))
    warnings += capped(kinds_without_slots(problem))
    return problem, warnings


def kinds_without_slots(problem: Problem) -> list[Issue]:
    """Warnings: a session whose kind no slot has cannot be placed while rule slot_kind is hard (a typo?)."""
    kinds = {s.kind for s in problem.slots if s.kind}
    return [Issue(Session.FILE, f"no slot in slots.csv has the kind {shown(s.kind)}: under rule slot_kind (hard by "
                                f"default) this session has no slot; slot kinds: {', '.join(sorted(kinds)) or 'none'}",
                  s.row, "kind")
            for s in problem.sessions if s.kind and s.kind not in kinds]


MAX_ISSUES = 200


def capped(issues: list[Issue]) -> list[Issue]:
    """The first `MAX_ISSUES` problems, then one line counting the others (a hostile file is not a flood)."""
    if len(issues) <= MAX_ISSUES:
        return issues
    return [*issues[:MAX_ISSUES], Issue(issues[MAX_ISSUES].file, f"… and {len(issues) - MAX_ISSUES} more problem(s)")]
