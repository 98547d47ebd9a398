"""The Python API (issue 12): solver.load (a folder or DataFrames), solver.solve -> Result, Result.to_frame()."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import solver
from solver.errors import InputError

ROOT = Path(__file__).resolve().parents[1]


def test_load_solve_to_frame_as_in_the_readme(seed_copy: Path) -> None:
    problem = solver.load(seed_copy)
    result = solver.solve(problem, ROOT / "constraints" / "default.yaml", solver.SolveOptions(time_limit=10))
    assert isinstance(result, solver.Result) and result.status is solver.Status.OPTIMAL
    assert result.objective == 15 and result.penalties == {"capacity_fit": 15} and result.gap == 0
    frame = result.to_frame()
    assert isinstance(frame, pd.DataFrame) and len(frame) == len(problem.sessions) == 3
    assert list(frame.columns)[:3] == ["session_id", "title", "kind"]
    assert str(frame["day"].dtype).startswith("datetime64") and frame["capacity"].dtype == "int64"
    placed = frame.set_index("session_id")
    assert set(placed.index) == {s.session_id for s in problem.sessions}
    # every session in a room that holds it, and the empty seats are the objective
    assert (placed["capacity"] >= placed["attendance"]).all()
    assert int((placed["capacity"] - placed["attendance"]).sum()) == result.objective
    assert all(isinstance(x, list) and x for x in placed["speakers"])


def test_load_from_dataframes_gives_the_same_problem_and_the_same_messages(seed_copy: Path) -> None:
    frames = {name: pd.read_csv(seed_copy / f"{name}.csv", dtype=str, keep_default_na=False)
              for name in ("rooms", "slots", "sessions", "speakers", "unavailability")}
    from_frames, from_folder = solver.load(frames), solver.load(seed_copy)
    assert from_frames.sessions == from_folder.sessions and from_frames.rooms == from_folder.rooms
    assert from_frames.source is None
    result = solver.solve(from_frames, solver.load_config([]))
    assert len(result.to_frame()) == 3
    frames["rooms"].loc[0, "capacity"] = "soixante"
    with pytest.raises(InputError) as caught:
        solver.load(frames)
    assert "rooms.csv:2: capacity: expected a whole number, got 'soixante'" in [str(i) for i in caught.value.issues]
    with pytest.raises(InputError, match="not an input table"):
        solver.load({"room": frames["rooms"]})


def test_no_schedule_gives_an_empty_frame(seed_copy: Path) -> None:
    text = (seed_copy / "sessions.csv").read_text(encoding="utf-8").splitlines()
    head = text[0].split(",")
    row = text[1].split(",")
    row[head.index("attendance")] = "99999"  # bigger than every room
    (seed_copy / "sessions.csv").write_text("\n".join([text[0], ",".join(row), *text[2:]]) + "\n", encoding="utf-8")
    result = solver.solve(solver.load(seed_copy))
    assert result.status is solver.Status.INFEASIBLE and result.schedule is None
    assert result.to_frame().empty and "room_id" in result.to_frame().columns
