"""Calendars that update across runs: SEQUENCE counts a session's moves (time or room) since the calendar.ics
the output folder holds, for `salle export` (also with its defaults, OUT/assignments.csv edited in place), and
for `publish` (`salle solve`, the desk's Save); UIDs stay the same when a day is added before the first."""

from __future__ import annotations

import csv
from pathlib import Path

from icalendar import Calendar

from solver.app import run_export
from solver.config import load_config
from solver.inputs import load_problem
from solver.judge import judge
from solver.publish.files import RunFacts, publish
from solver.schedule import Assignment, Schedule
from tests.conftest import make_conference

SLOTS = [{"slot_id": "T1", "day": "2027-05-13", "start": "09:00", "end": "10:00"},
         {"slot_id": "T2", "day": "2027-05-13", "start": "10:00", "end": "11:00"},
         {"slot_id": "T3", "day": "2027-05-13", "start": "11:00", "end": "12:00"}]


def _conference(folder: Path, slots: list[dict] | None = None) -> Path:
    return make_conference(
        folder,
        rooms=[{"room_id": "R1", "name": "Salle 1", "capacity": 50},
               {"room_id": "R2", "name": "Salle 2", "capacity": 50}],
        slots=slots or SLOTS,
        sessions=[{"session_id": "S1", "title": "Un", "speakers": "ana", "attendance": 10},
                  {"session_id": "S2", "title": "Deux", "speakers": "bob", "attendance": 10},
                  {"session_id": "S3", "title": "Trois", "speakers": "carl", "attendance": 10}])


def _plan(path: Path, places: dict[str, tuple[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["session_id", "room_id", "slot_id"])
        out.writerows([sid, room, slot] for sid, (room, slot) in places.items())
    return path


def _events(path: Path) -> dict[str, dict]:
    cal = Calendar.from_ical(path.read_bytes())  # every file salle writes parses as a calendar
    return {str(e["uid"]).split("@")[0]: {"uid": str(e["uid"]), "sequence": int(e["sequence"]),
                                           "start": e.decoded("dtstart"), "location": str(e["location"])}
            for e in cal.walk("VEVENT")}


def _sequences(out: Path, name: str = "calendar.ics") -> dict[str, int]:
    return {k: e["sequence"] for k, e in _events(out / name).items()}


def test_export_counts_two_successive_moves(tmp_path: Path) -> None:
    inputs, out = _conference(tmp_path / "in"), tmp_path / "site"
    places = {"S1": ("R1", "T1"), "S2": ("R2", "T1"), "S3": ("R1", "T2")}
    run_export(inputs, _plan(tmp_path / "a.csv", places), out, None)
    assert _sequences(out) == {"S1": 0, "S2": 0, "S3": 0}
    first = _events(out / "calendar.ics")

    run_export(inputs, _plan(tmp_path / "b.csv", {**places, "S1": ("R1", "T3")}), out, None)  # S1: later
    assert _sequences(out) == {"S1": 1, "S2": 0, "S3": 0}
    run_export(inputs, _plan(tmp_path / "c.csv", {**places, "S1": ("R2", "T3")}), out, None)  # S1: other room
    assert _sequences(out) == {"S1": 2, "S2": 0, "S3": 0}
    assert _sequences(out, "rooms/R2.ics")["S1"] == 2 and _sequences(out, "speakers/ana.ics") == {"S1": 2}
    run_export(inputs, tmp_path / "c.csv", out, None)  # published again unchanged: the same numbers
    assert _sequences(out) == {"S1": 2, "S2": 0, "S3": 0}
    assert {k: e["uid"] for k, e in _events(out / "calendar.ics").items()} == {
        k: e["uid"] for k, e in first.items()}


def test_export_with_its_defaults_counts_a_move_made_in_out_assignments(tmp_path: Path) -> None:
    """`salle export IN --schedule OUT/assignments.csv --out OUT`: the file edited in place is the only schedule;
    the calendar published before says where each session was."""
    inputs, out = _conference(tmp_path / "in"), tmp_path / "site"
    run_export(inputs, _plan(tmp_path / "a.csv", {"S1": ("R1", "T1"), "S2": ("R2", "T1"), "S3": ("R1", "T2")}),
               out, None)
    for move in (("R2", "T2"), ("R2", "T3")):
        _plan(out / "assignments.csv", {"S1": move, "S2": ("R2", "T1"), "S3": ("R1", "T2")})
        run_export(inputs, out / "assignments.csv", out, None)
    assert _sequences(out) == {"S1": 2, "S2": 0, "S3": 0}


def test_publish_counts_moves_across_runs(tmp_path: Path) -> None:
    """What `salle solve` and the desk's Save call (solver.publish.files.publish / prepare)."""
    problem = load_problem(_conference(tmp_path / "in"))
    config = load_config()
    out = tmp_path / "out"

    def save(places: dict[str, tuple[str, str]]) -> dict[str, int]:
        schedule = Schedule(tuple(Assignment(s, r, t) for s, (r, t) in places.items()))
        publish(problem, schedule, config, judge(problem, schedule, config), out, RunFacts("solve"))
        return _sequences(out)

    assert save({"S1": ("R1", "T1"), "S2": ("R2", "T1"), "S3": ("R1", "T2")}) == {"S1": 0, "S2": 0, "S3": 0}
    assert save({"S1": ("R1", "T1"), "S2": ("R2", "T3"), "S3": ("R1", "T2")}) == {"S1": 0, "S2": 1, "S3": 0}
    assert save({"S1": ("R1", "T1"), "S2": ("R2", "T2"), "S3": ("R1", "T3")}) == {"S1": 0, "S2": 2, "S3": 1}


def test_uids_stay_when_a_day_is_added_before_the_first(tmp_path: Path) -> None:
    """Without an acronym the UIDs once named the first day: a day added before it no longer changes them (the
    published calendar's UIDs are kept), nor does an unchanged session's SEQUENCE."""
    out = tmp_path / "site"
    places = {"S1": ("R1", "T1"), "S2": ("R2", "T1"), "S3": ("R1", "T2")}
    run_export(_conference(tmp_path / "in"), _plan(tmp_path / "a.csv", places), out, None)
    before = _events(out / "calendar.ics")
    assert before["S1"]["uid"] == "S1@conference-2027-05-13.salle"
    earlier = [{"slot_id": "T0", "day": "2027-05-12", "start": "09:00", "end": "10:00"}, *SLOTS]
    run_export(_conference(tmp_path / "in2", earlier), tmp_path / "a.csv", out, None)
    after = _events(out / "calendar.ics")
    assert {k: (e["uid"], e["sequence"]) for k, e in after.items()} == {
        k: (e["uid"], 0) for k, e in before.items()}


def test_an_acronym_names_the_uids_and_a_damaged_calendar_starts_again(tmp_path: Path) -> None:
    inputs, out = _conference(tmp_path / "in"), tmp_path / "site"
    plan = _plan(tmp_path / "a.csv", {"S1": ("R1", "T1"), "S2": ("R2", "T1"), "S3": ("R1", "T2")})
    run_export(inputs, plan, out, None, acronym="demo-2027")
    assert _events(out / "calendar.ics")["S1"]["uid"] == "S1@demo-2027.salle"
    (out / "calendar.ics").write_text("not a calendar", encoding="utf-8")
    run_export(inputs, plan, out, None, acronym="demo-2027")
    assert _sequences(out) == {"S1": 0, "S2": 0, "S3": 0}
