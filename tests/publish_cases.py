"""Conferences for the publication tests (no solving: each comes with its schedule)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from solver.inputs import Problem, load_problem
from solver.publish import render_publications
from solver.schedule import Assignment, Schedule
from tests.conftest import ROOT, make_conference

SEED_PLACES = {"EC-CNR": "A-1100", "EC-COP": "B-2305", "EC-MIS": "B-2310"}
EVIL = '<script>alert("x")</script>'
STAMP = dt.datetime(2027, 4, 1, 12, 0, tzinfo=dt.UTC)


def seed(places: dict[str, str] | None = None) -> tuple[Problem, Schedule]:
    """The bundled (French) conference, the three case studies at 13h30 in the rooms salle gives them."""
    problem = load_problem(ROOT / "inputs")
    chosen = SEED_PLACES if places is None else places
    return problem, Schedule(tuple(Assignment(s, r, "J1-1330") for s, r in chosen.items()))


def english(tmp_path: Path) -> tuple[Problem, Schedule]:
    """Two days, three rooms, a two-slot session, a hostile title, one session left unscheduled."""
    folder = make_conference(
        tmp_path / "english",
        rooms=[{"room_id": "R1", "name": "Main hall", "capacity": 50, "building": "A"},
               {"room_id": "R/2", "name": "Room two", "capacity": 30},
               {"room_id": "R3", "name": "Room three", "capacity": 20}],
        slots=[{"slot_id": "T1", "day": "2027-05-13", "start": "09:00", "end": "10:00"},
               {"slot_id": "T2", "day": "2027-05-13", "start": "10:00", "end": "11:00"},
               {"slot_id": "T3", "day": "2027-05-14", "start": "13:30", "end": "14:45"}],
        sessions=[{"session_id": "S1", "title": "The long workshop", "speakers": "ana;bob", "attendance": 40,
                   "track": "Data", "length": 2, "description": "How to plan the work of a team."},
                  {"session_id": "S2", "title": "Operations for the rest of us", "speakers": "carl",
                   "attendance": 25, "track": "Ops"},
                  {"session_id": "S3", "title": EVIL, "speakers": "ana", "attendance": 10, "track": "Data"},
                  {"session_id": "S4", "title": "Winter is coming", "speakers": "carl", "attendance": 35},
                  {"session_id": "S5", "title": "A talk without a room yet", "speakers": "dora",
                   "attendance": 5}],
    )
    schedule = Schedule((Assignment("S1", "R1", "T1"), Assignment("S2", "R/2", "T2"), Assignment("S3", "R3", "T1"),
                         Assignment("S4", "R3", "T3")))
    return load_problem(folder), schedule


def long_day(tmp_path: Path, rooms: int = 12, slots: int = 16) -> tuple[Problem, Schedule]:
    """One long day (half-hour slots from 8:00) in many rooms, every room busy: scrolls both ways, prints on
    several pages."""
    folder = make_conference(
        tmp_path / "long",
        rooms=[{"room_id": f"R{r:02d}", "name": f"Room {r:02d}", "capacity": 100} for r in range(rooms)],
        slots=[{"slot_id": f"T{i:02d}", "day": "2027-05-13", "start": f"{8 + i // 2}:{30 * (i % 2):02d}",
                "end": f"{8 + (i + 1) // 2}:{30 * ((i + 1) % 2):02d}"} for i in range(slots)],
        sessions=[{"session_id": f"S{r:02d}-{i:02d}", "title": f"Talk {i} in room {r}", "attendance": 10,
                   "speakers": f"p{(r * slots + i) % 40}", "track": f"Track {r % 4}"}
                  for r in range(rooms) for i in range(slots)],
    )
    schedule = Schedule(tuple(Assignment(f"S{r:02d}-{i:02d}", f"R{r:02d}", f"T{i:02d}")
                              for r in range(rooms) for i in range(slots)))
    return load_problem(folder), schedule


def publish(problem: Problem, schedule: Schedule, **options: object) -> dict[str, str | bytes]:
    """render_publications with a fixed DTSTAMP (so two calls give the same bytes)."""
    options.setdefault("stamp", STAMP)
    return render_publications(problem, schedule, **options)  # type: ignore[arg-type]
