"""Time as CfPs give it: grid rows in slots.csv, durations in minutes, published to the minute; and a frab
programme imported to be scheduled from scratch (`salle import frab --unplaced`)."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from solver.cli import cli
from solver.config import default_config, load_config
from solver.engine import SolveOptions, solve
from solver.errors import InputError
from solver.inputs import load_problem
from solver.judge import judge
from solver.publish.tables import assignment_rows
from solver.schedule import Assignment, Schedule
from tests.conftest import SHARED, make_conference, require_shared

DAY = "2027-05-13"
GRID = [{"slot_id": "am", "day": DAY, "start": "9h", "end": "12h30", "step": 5},
        {"slot_id": "pm", "day": DAY, "start": "13h30", "end": "15h", "step": 5}]


def _conference(tmp_path: Path, sessions: list[dict], slots: list[dict] | None = None) -> Path:
    return make_conference(tmp_path / "in", rooms=[{"room_id": "A", "name": "A", "capacity": 100},
                                                   {"room_id": "B", "name": "B", "capacity": 100}],
                           slots=slots or GRID, sessions=sessions)


def test_a_grid_row_is_its_steps_in_one_block(tmp_path: Path) -> None:
    problem = load_problem(_conference(tmp_path, [{"session_id": "S", "title": "t", "attendance": 1}]))
    assert len(problem.slots) == 42 + 18
    first = problem.slot["am-0900"]
    assert (first.start, first.end, first.block) == (9 * 60, 9 * 60 + 5, "am")
    assert problem.slot["pm-1455"].end == 15 * 60
    assert "am-1230" not in problem.slot  # the row ends at 12:30


def test_a_duration_sets_the_length_on_the_grid(tmp_path: Path) -> None:
    problem = load_problem(_conference(tmp_path, [
        {"session_id": "T25", "title": "t", "attendance": 1, "duration": 25},
        {"session_id": "T27", "title": "t", "attendance": 1, "duration": 27},
        {"session_id": "W", "title": "w", "attendance": 1, "duration": 90, "length": 18}]))
    assert [problem.session[s].slots_needed for s in ("T25", "T27", "W")] == [5, 6, 18]


def test_a_duration_longer_than_its_length_is_refused_naming_row_and_column(tmp_path: Path) -> None:
    folder = _conference(tmp_path, [{"session_id": "W", "title": "w", "attendance": 1, "duration": 90,
                                     "length": 3}])
    with pytest.raises(InputError) as err:
        load_problem(folder)
    assert "sessions.csv:2: duration: 90 minutes do not fit in 3 slot(s) of 5 minutes" in str(err.value)


def test_a_grid_row_must_last_whole_steps_and_steps_agree(tmp_path: Path) -> None:
    folder = _conference(tmp_path, [{"session_id": "S", "title": "t", "attendance": 1}],
                         slots=[{"slot_id": "am", "day": DAY, "start": "9h", "end": "9h07", "step": 5}])
    with pytest.raises(InputError) as err:
        load_problem(folder)
    assert "slots.csv:2: end: a grid of 5-minute steps must last a whole number of steps" in str(err.value)
    folder = _conference(tmp_path, [{"session_id": "S", "title": "t", "attendance": 1}],
                         slots=[GRID[0], {**GRID[1], "step": 10}])
    with pytest.raises(InputError) as err:
        load_problem(folder)
    assert "slots.csv:3: step: grid rows have different steps (5, 10 minutes)" in str(err.value)


def test_talks_are_placed_and_published_to_the_minute(tmp_path: Path) -> None:
    """Two 25-minute talks of one speaker and a 90-minute workshop: nothing spans the lunch break, the judge
    finds no hard violation, and assignments.csv says 25 minutes, not the grid's 25 rounded up."""
    folder = _conference(tmp_path, [
        {"session_id": "T1", "title": "t", "speakers": "ana", "attendance": 1, "duration": 25},
        {"session_id": "T2", "title": "t", "speakers": "ana", "attendance": 1, "duration": 23},
        {"session_id": "W", "title": "w", "speakers": "bob", "attendance": 1, "duration": 200}])
    problem = load_problem(folder)
    config = default_config()
    result = solve(problem, config, SolveOptions(time_limit=20, workers=1))
    assert result.schedule is not None
    assert judge(problem, result.schedule, config).ok
    rows = {r["session_id"]: r for r in assignment_rows(problem, result.schedule)}
    for sid, minutes in (("T1", 25), ("T2", 23), ("W", 200)):
        h0, m0 = map(int, rows[sid]["start"].split(":"))
        h1, m1 = map(int, rows[sid]["end"].split(":"))
        assert (h1 * 60 + m1) - (h0 * 60 + m0) == minutes
    assert rows["W"]["slot_id"].startswith("am-")  # 200 minutes fit only in the morning's 210


def test_session_duration_keeps_a_talk_out_of_a_shorter_slot(tmp_path: Path) -> None:
    """Slots of mixed lengths (an imported frab programme): the rule is hard, the judge says how much is missing."""
    slots = [{"slot_id": "short", "day": DAY, "start": "9h", "end": "9h10"},
             {"slot_id": "long", "day": DAY, "start": "10h", "end": "10h30"}]
    problem = load_problem(_conference(tmp_path, [{"session_id": "T", "title": "t", "attendance": 1,
                                                   "duration": 30}], slots=slots))
    config = default_config()
    verdict = judge(problem, Schedule((Assignment("T", "A", "short"),)), config)
    assert [v.message for v in verdict.hard] == ["T lasts 30 min but is placed in 10 min (May 13, 9:00 – 9:10\u00a0AM)"]
    result = solve(problem, config, SolveOptions(time_limit=10, workers=1))
    assert result.schedule is not None
    assert [a.slot_id for a in result.schedule.assignments] == ["long"]


def test_a_re_plan_of_an_imported_frab_programme_keeps_every_talk_its_length(tmp_path: Path) -> None:
    """The issue's FOSDEM case: a room closed on Saturday from 14:00, re-planned close to the published schedule;
    no talk lands in a slot shorter than itself (before: 5680, 30 minutes, moved to a 10-minute slot)."""
    require_shared()
    out = tmp_path / "F"
    assert CliRunner().invoke(cli, ["import", "frab", str(SHARED / "data/frab/fosdem-2025.xml"), "--out",
                                    str(out)]).exit_code == 0
    (out / "unavailability.csv").write_text("who,day,start,end\nK.3.201,2025-02-01,14:00,\n", encoding="utf-8")
    problem = load_problem(out)
    with (out / "assignments.csv").open(encoding="utf-8") as fh:
        previous = {r["session_id"]: (r["room_id"], r["slot_id"]) for r in csv.DictReader(fh)}
    problem = replace(problem, previous=previous)
    assert problem.session["5680"].duration == 30
    config = load_config([out / "constraints.yaml"])
    result = solve(problem, config, SolveOptions(time_limit=120, workers=1, iterations=2))
    assert result.schedule is not None
    moved = [a for a in result.schedule.assignments if previous[a.session_id] != (a.room_id, a.slot_id)]
    assert moved  # the closed room's talks moved
    for a in result.schedule.assignments:
        run = problem.run(a.slot_id, 1)
        assert run is not None and run[-1].end - run[0].start >= problem.session[a.session_id].duration, a
    assert not [v for v in judge(problem, result.schedule, config).hard if v.rule != "speaker_conflict"]


def test_frab_unplaced_writes_a_grid_conference_and_the_published_places(tmp_path: Path) -> None:
    require_shared()
    out = tmp_path / "F"
    result = CliRunner().invoke(cli, ["import", "frab", str(SHARED / "data/frab/fosdem-2025.xml"), "--out",
                                      str(out), "--unplaced"])
    assert result.exit_code == 0, result.output
    problem = load_problem(out)
    assert len(problem.sessions) == 943 and len(problem.rooms) == 40
    assert not any(s.room or s.slot for s in problem.sessions)
    assert {s.end - s.start for s in problem.slots} == {5}
    assert not (out / "assignments.csv").exists()
    talk = problem.session["5680"]
    assert (talk.duration, talk.slots_needed) == (30, 6)
    check = CliRunner().invoke(cli, ["check", str(out), "--schedule", str(out / "published.csv")])
    assert check.exit_code == 2  # the published programme books one speaker twice
    assert "speaker_conflict" in check.output and "5680" in check.output
    assert check.output.count("✗") == 1


def _one_room(tmp_path: Path, changeover: int | str, minutes_open: int) -> Path:
    end = 9 * 60 + minutes_open
    return make_conference(tmp_path / f"in-{changeover}-{minutes_open}",
                           rooms=[{"room_id": "A", "name": "A", "capacity": 100, "changeover": changeover}],
                           slots=[{"slot_id": "am", "day": DAY, "start": "9h", "end": f"{end // 60}:{end % 60:02d}",
                                   "step": 5}],
                           sessions=[{"session_id": "T1", "title": "t", "attendance": 1, "duration": 25},
                                     {"session_id": "T2", "title": "t", "attendance": 1, "duration": 23}])


def test_room_changeover_judge_counts_each_pair_too_close(tmp_path: Path) -> None:
    problem = load_problem(_one_room(tmp_path, 15, 120))
    config = default_config()
    close = judge(problem, Schedule((Assignment("T1", "A", "am-0900"), Assignment("T2", "A", "am-0935"))), config)
    assert [v.message for v in close.hard] == ["A needs 15 min between sessions but T2 starts 10 min after T1 ends "
                                               "(May 13, 9:35 – 10:00\u00a0AM)"]
    apart = judge(problem, Schedule((Assignment("T1", "A", "am-0900"), Assignment("T2", "A", "am-0940"))), config)
    assert apart.ok


@pytest.mark.parametrize(("changeover", "minutes_open", "fits"), [(15, 65, True), (15, 60, False), ("", 50, True),
                                                                   (0, 50, True)])
def test_room_changeover_model_keeps_the_room_free_after_each_session(tmp_path: Path, changeover: int | str,
                                                                      minutes_open: int, fits: bool) -> None:
    """25 + 15 + 23 minutes need 63 (65 on the 5-minute grid): one room open 65 minutes fits both talks with the
    changeover, 60 does not; without a changeover 50 minutes are enough."""
    problem = load_problem(_one_room(tmp_path, changeover, minutes_open))
    config = default_config()
    result = solve(problem, config, SolveOptions(time_limit=20, workers=1))
    if not fits:
        assert result.schedule is None
        return
    assert result.schedule is not None
    assert judge(problem, result.schedule, config).ok
    rows = {r["session_id"]: r for r in assignment_rows(problem, result.schedule)}
    first, second = sorted(rows.values(), key=lambda r: r["start"])
    h0, m0 = map(int, first["end"].split(":"))
    h1, m1 = map(int, second["start"].split(":"))
    assert (h1 * 60 + m1) - (h0 * 60 + m0) >= (changeover or 0)


def test_room_changeover_is_kept_by_the_construction_and_the_neighbourhood_search(tmp_path: Path) -> None:
    """The engine's own path (its board keeps what rules hold, changeover included), not only the exact model."""
    problem = load_problem(_one_room(tmp_path, 15, 65))
    config = default_config()
    result = solve(problem, config, SolveOptions(time_limit=30, workers=1, engine="lns", iterations=3))
    assert result.schedule is not None
    assert judge(problem, result.schedule, config).ok
