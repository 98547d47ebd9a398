"""attendee_hops `within: changes`: the literature's session hopping (per attendee and block, the fewest room
changes to follow one wanted session at each moment where any runs). The judge on hand-made schedules, the
model with every placement fixed (CP-SAT settles only its own literals) against the judge on random schedules,
the local search's tally against the judge move by move, and a solve that finds the schedule without a hop."""

from __future__ import annotations

import random
from pathlib import Path

from solver.config import Config
from solver.engine import SolveOptions, solve
from solver.engine.candidates import Candidates
from solver.engine.price import judged, price
from solver.engine.structure import record
from solver.inputs import Problem, load_problem
from solver.judge import judge
from solver.schedule import Assignment, Schedule
from tests.conftest import config_with, make_conference, write_csv

DAY = "2027-05-13"
CHANGES = "attendee_hops:\n  within: changes\ncapacity_fit: false\nattendee_conflicts: false\n"


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def _grid(tmp_path: Path, blocks: str = "X", rooms: int = 3, positions: int = 3, sessions: int = 6,
          wishes: list[tuple[str, str]] | None = None) -> Problem:
    """`blocks` of `positions` 20-minute slots each, `rooms` rooms, sessions T00…, interests `wishes`."""
    folder = make_conference(
        tmp_path, rooms=[{"room_id": f"R{i}", "name": f"R{i}", "capacity": 100} for i in range(rooms)],
        slots=[{"slot_id": f"{b}{k}", "day": DAY, "start": _hhmm(480 + 120 * i + 20 * k),
                "end": _hhmm(500 + 120 * i + 20 * k), "block": b} for i, b in enumerate(blocks)
               for k in range(positions)],
        sessions=[{"session_id": f"T{i:02d}", "title": "t", "attendance": 5} for i in range(sessions)])
    write_csv(folder / "interests.csv", [{"attendee_id": who, "session_id": sid} for who, sid in wishes or []])
    return load_problem(folder)


def _hops(problem: Problem, rows: list[tuple[str, str, str]], config: Config) -> int:
    return judge(problem, Schedule(tuple(Assignment(*r) for r in rows)), config).penalties.get("attendee_hops", 0)


def test_the_judge_counts_the_fewest_room_changes_through_a_block(tmp_path: Path) -> None:
    wants = [("x", "T00"), ("x", "T01"), ("x", "T02")]
    p = _grid(tmp_path, wishes=wants)
    changes = config_with(tmp_path, CHANGES)
    (tmp_path / "r").mkdir()
    rooms = config_with(tmp_path / "r", CHANGES.replace("changes", "rooms"))
    there_and_back = [("T00", "R0", "X0"), ("T01", "R1", "X1"), ("T02", "R0", "X2")]
    assert _hops(p, there_and_back, changes) == 2  # R0 → R1 → R0
    assert _hops(p, there_and_back, rooms) == 1  # two rooms: the coarser measure sees one
    assert _hops(p, [("T00", "R0", "X0"), ("T01", "R0", "X1"), ("T02", "R1", "X2")], changes) == 1
    assert _hops(p, [("T00", "R2", "X0"), ("T01", "R2", "X1"), ("T02", "R2", "X2")], changes) == 0
    # two wanted at once: the attendee follows the one needing fewer changes (the other is missed attendance)
    assert _hops(p, [("T00", "R0", "X0"), ("T01", "R1", "X0"), ("T02", "R1", "X2")], changes) == 0
    # a moment with nothing wanted is skipped: one change from R0 to R1, whatever runs between
    assert _hops(p, [("T00", "R0", "X0"), ("T01", "R1", "X2"), ("T02", "R2", "X1")], changes) == 2
    two = _grid(tmp_path / "two", wishes=[("x", "T00"), ("x", "T01")])
    assert _hops(two, [("T00", "R0", "X0"), ("T01", "R1", "X2")], changes) == 1


def _random_schedule(problem: Problem, rng: random.Random) -> dict[str, tuple[str, str, str]]:
    """Every session in a distinct (room, slot) cell, at random."""
    cells = [(r.room_id, s.slot_id) for r in problem.rooms for s in problem.slots]
    rng.shuffle(cells)
    return {s.session_id: (s.session_id, *cells[i]) for i, s in enumerate(problem.sessions)}


def test_the_model_counts_what_the_judge_counts(tmp_path: Path) -> None:
    """Random complete schedules of two blocks, 4 rooms × 3 positions, 12 attendees wishing 5 talks: the model
    with every placement fixed (its own literals at their least) prices each as the judge does."""
    rng = random.Random(5)
    sessions = [f"T{i:02d}" for i in range(20)]
    wishes = [(f"a{w}", sid) for w in range(12) for sid in rng.sample(sessions, 5)]
    p = _grid(tmp_path, blocks="XY", rooms=4, positions=3, sessions=20, wishes=wishes)
    config = config_with(tmp_path, CHANGES)
    candidates = Candidates(p, config)
    seen = set()
    for _ in range(6):
        chosen = _random_schedule(p, rng)
        priced = price(p, config, candidates, chosen)
        assert priced is not None
        by_judge = judged(p, config, candidates, chosen)["attendee_hops"]
        assert priced[1].get("attendee_hops", 0) == by_judge
        seen.add(by_judge)
    assert len(seen) > 1 and max(seen) > 0  # the schedules differ in what they cost


def test_the_tally_counts_what_the_judge_counts_move_by_move(tmp_path: Path) -> None:
    from tests.test_engine_local import _random_moves

    rng = random.Random(3)
    sessions = [f"T{i:02d}" for i in range(30)]
    wishes = [(f"a{w}", sid) for w in range(20) for sid in rng.sample(sessions, 6)]
    p = _grid(tmp_path, blocks="XYZ", rooms=4, positions=4, sessions=30, wishes=wishes)
    config = config_with(tmp_path, "attendee_hops:\n  within: changes\n")
    assert record(p, config) is not None  # the local search runs with it
    _random_moves(p, config, 3, 80)


def test_the_solver_lays_wanted_talks_out_so_no_one_changes_room(tmp_path: Path) -> None:
    """Two attendees, each wanting three talks; one block of three positions in two rooms: each attendee's
    three talks in one room, in some order, miss nothing and cost no hop, and the solver finds it."""
    wishes = [("x", "T00"), ("x", "T01"), ("x", "T02"), ("y", "T03"), ("y", "T04"), ("y", "T05")]
    p = _grid(tmp_path, rooms=2, positions=3, sessions=6, wishes=wishes)
    config = config_with(tmp_path, CHANGES.replace("attendee_conflicts: false\n", ""))
    result = solve(p, config, SolveOptions(time_limit=10, workers=1))
    assert result.schedule is not None
    verdict = judge(p, result.schedule, config)
    assert verdict.ok and verdict.total == 0 == result.objective
    room = {a.session_id: a.room_id for a in result.schedule.assignments}
    assert len({room["T00"], room["T01"], room["T02"]}) == 1 and len({room["T03"], room["T04"], room["T05"]}) == 1
