"""What the logistics staff print: one door list per room (`rooms/<room>.csv`) and `speakers.csv`.

Every cell is neutralized (solver.publish.tables.neutralize) so a spreadsheet never runs them as formulas.
"""

from __future__ import annotations

from solver.inputs import Problem
from solver.inputs.values import format_time
from solver.publish.tables import ESTIMATED, columns_for, to_csv
from solver.publish.view import Entry, by_room_id, by_speaker_id

DOOR_COLUMNS = ("day", "start", "end", "session_id", "title", "speakers", "track", "attendance", "capacity")
SPEAKER_COLUMNS = ("speaker_id", "name", "day", "start", "end", "session_id", "title", "room_id", "room_name",
                   "building")


def door_rows(items: list[Entry]) -> list[dict[str, str]]:
    """One room's sessions in time order, as the sheet taped to its door."""
    return [
        {
            "day": e.day.isoformat(), "start": format_time(e.start), "end": format_time(e.end),
            "session_id": e.session.session_id, "title": e.session.title, "speakers": e.speaker_names,
            "track": e.session.track or "", "attendance": str(e.session.attendance),
            "capacity": str(e.room.capacity), ESTIMATED: "yes" if e.session.attendance_estimated else "",
        }
        for e in items
    ]


def door_lists(problem: Problem, items: list[Entry], names: dict[str, str]) -> dict[str, str]:
    """`rooms/<room>.csv` for every room (an unused room gets a header-only list)."""
    by_room = by_room_id(items)
    columns = columns_for(problem, DOOR_COLUMNS)
    return {f"rooms/{names[r.room_id]}.csv": to_csv(door_rows(by_room.get(r.room_id, [])), columns)
            for r in problem.rooms}


def speaker_rows(problem: Problem, items: list[Entry]) -> list[dict[str, str]]:
    """Each speaker's sessions with room and time, speakers in speakers.csv order."""
    mine = by_speaker_id(items)
    rows = []
    for speaker in problem.speakers:
        for e in mine.get(speaker.speaker_id, ()):
            rows.append({
                "speaker_id": speaker.speaker_id, "name": speaker.name, "day": e.day.isoformat(),
                "start": format_time(e.start), "end": format_time(e.end), "session_id": e.session.session_id,
                "title": e.session.title, "room_id": e.room.room_id, "room_name": e.room.name,
                "building": e.room.building or "",
            })
    return rows


def speakers_csv(problem: Problem, items: list[Entry]) -> str:
    return to_csv(speaker_rows(problem, items), SPEAKER_COLUMNS)
