"""The room-block trade (solver.engine.blockswap) on a CoSPLib conference: starting from the library's published
schedule, trades kept by the tally never break a hard rule (one track per room-block included), never cost more,
and the tally's change is the judge's."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from solver.config import load_config
from solver.engine.blockswap import RoomBlockSwaps
from solver.engine.board import Board
from solver.engine.candidates import Candidates
from solver.engine.tally import Tally, record
from solver.importers.cosplib import import_cosplib
from solver.inputs import load_problem
from solver.inputs.assignments import read_schedule
from solver.judge import judge
from solver.schedule import Assignment, Schedule

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "cosplib"


@pytest.mark.skipif(not (SHARED / "instances").is_dir(), reason=f"CoSPLib data not found at {SHARED}")
@pytest.mark.parametrize("name", ["GECCO20", "OR60F"])
def test_room_block_trades_keep_every_hard_rule_and_never_cost_more(tmp_path: Path, name: str) -> None:
    import_cosplib(SHARED / "instances" / f"{name}.xlsx", tmp_path, SHARED / "published" / "exact" /
                   f"{name}Solution.xlsx")
    problem = load_problem(tmp_path)
    config = load_config([tmp_path / "constraints.yaml"])
    published = read_schedule(tmp_path / "assignments.csv", problem)
    before = judge(problem, published, config)
    assert before.ok
    candidates = Candidates(problem, config)
    board = Board(problem, config)
    recorded = record(problem, config)
    assert recorded is not None
    tally = Tally(problem, candidates, recorded, board.run_instants)
    for a in published.assignments:
        p = candidates.of(problem.session[a.session_id]).pair(problem, a.room_id, a.slot_id)[0]
        board.place((a.session_id, a.room_id, a.slot_id), p)
        tally.add((a.session_id, a.room_id, a.slot_id), p)
    trades = RoomBlockSwaps(problem, candidates)
    assert trades.useful
    rng, kept, gained = random.Random(1), 0, 0
    for _ in range(400):
        done = trades.try_one(board, tally, rng)
        if done is not None:
            kept += 1
            gained += done[0]
    after = judge(problem, Schedule(tuple(sorted(Assignment(*k) for k in board.chosen.values()))), config)
    assert after.ok, [v.message for v in after.hard[:3]]
    assert kept > 0 and gained <= 0 and after.total == before.total + gained
    assert gained < 0  # the published schedule is not the best: trading room-blocks finds better
