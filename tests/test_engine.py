"""The engine's pieces, checked for validity with the judge (never for speed: that is bench/).

Construction completes on generated conferences with a planted schedule; a neighbourhood step never makes the
objective worse and never moves a pinned session; the objective reported equals the judge's total on both
engine paths; the bound never exceeds an optimum; progress and phases are reported.
"""

import random
import tempfile
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.generate import SIZES, Size, generate
from solver.config import default_config, load_config
from solver.engine import LNS, SolveOptions, Status, solve
from solver.engine.board import Board
from solver.engine.bounds import lower_bound
from solver.engine.candidates import Candidates
from solver.engine.construct import construct
from solver.engine.lns import Incumbent, LargeNeighbourhoodSearch
from solver.engine.price import price
from solver.inputs import load_problem
from solver.judge import judge
from solver.schedule import Assignment, Schedule
from tests.planted import planted_conference

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "constraints" / "default.yaml"
SHAPES = [SIZES["S"], Size("wide", 100, 12, 2, 7), Size("tight", 80, 6, 2, 9), Size("deep", 200, 10, 3, 9)]


def _schedule(chosen: dict) -> Schedule:
    return Schedule(tuple(sorted(Assignment(*k) for k in chosen.values())))


@pytest.fixture(scope="module", params=[(shape, 1 + i) for i, shape in enumerate(SHAPES)],
                ids=lambda p: f"{p[0].name}-{p[1]}")
def generated(request, tmp_path_factory):
    shape, seed = request.param
    folder = generate(shape, seed).write(tmp_path_factory.mktemp(f"{shape.name}-{seed}"))
    return load_problem(folder), load_config([DEFAULT])


def test_construction_places_every_session_of_a_planted_conference(generated) -> None:
    """Multi-slot workshops, pins, closures, speakers on several sessions: all placed, every hard rule kept."""
    problem, config = generated
    board = construct(problem, Candidates(problem, config), config)
    assert len(board.chosen) == len(problem.sessions)
    verdict = judge(problem, _schedule(board.chosen), config)
    assert verdict.ok, [v.message for v in verdict.hard[:3]]
    assert any(s.room or s.slot for s in problem.sessions)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=10**9))
def test_construction_never_double_books(seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder, _ = planted_conference(Path(tmp) / "in", seed)
        problem, config = load_problem(folder), default_config()
        board = construct(problem, Candidates(problem, config), config)
        verdict = judge(problem, _schedule(board.chosen), config.with_settings("all_scheduled", hard=False))
        assert verdict.ok, [v.message for v in verdict.hard]


def _search_from_construction(problem, config) -> tuple[LargeNeighbourhoodSearch, Board, Incumbent]:
    candidates = Candidates(problem, config)
    board = construct(problem, candidates, config)
    objective, _ = price(problem, config, candidates, board.chosen)  # type: ignore[misc]
    return (LargeNeighbourhoodSearch(problem, config, candidates, seed=3), board,
            Incumbent(dict(board.chosen), objective, objective))


def test_a_neighbourhood_step_never_worsens_nor_moves_a_pinned_session(generated) -> None:
    problem, config = generated
    search, board, incumbent = _search_from_construction(problem, config)
    pinned = {s.session_id: board.chosen[s.session_id] for s in problem.sessions if s.room and s.slot}
    for _ in range(6):
        before = incumbent.objective
        incumbent, _, _ = search.step(incumbent, board, 20, 0.5, lambda: False)
        assert incumbent.objective <= before
        assert {sid: incumbent.chosen[sid] for sid in pinned} == pinned
        assert board.chosen == incumbent.chosen  # the board follows the incumbent
    verdict = judge(problem, _schedule(incumbent.chosen), config)
    assert verdict.ok and verdict.total == incumbent.objective


def test_a_step_asked_to_stop_before_its_solve_keeps_the_schedule(generated) -> None:
    search, board, incumbent = _search_from_construction(*generated)
    after, better, _ = search.step(incumbent, board, 20, 0.5, lambda: True)  # CP-SAT never runs
    assert after is incumbent and not better and board.chosen == incumbent.chosen


@pytest.mark.parametrize("engine", ["exact", "lns"])
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=10**9))
def test_the_objective_reported_is_the_judges_on_every_engine_path(engine: str, seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder, _ = planted_conference(Path(tmp) / "in", seed, rich=True)
        problem, config = load_problem(folder), load_config([DEFAULT])
        result = solve(problem, config, SolveOptions(time_limit=10, engine=engine, iterations=4))
        assert result.schedule is not None, result.reasons
        verdict = judge(problem, result.schedule, config)
        assert verdict.ok, [v.message for v in verdict.hard]
        assert verdict.total == result.objective
        assert {k: v for k, v in verdict.penalties.items() if v} == {k: v for k, v in result.penalties.items() if v}
        assert result.bound is not None and result.bound <= result.objective


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=10**9))
def test_the_lower_bound_never_exceeds_the_optimum(seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder, _ = planted_conference(Path(tmp) / "in", seed, rich=True)
        problem, config = load_problem(folder), load_config([DEFAULT])
        exact = solve(problem, config, SolveOptions(time_limit=20, engine="exact"))
        assert exact.status is Status.OPTIMAL and exact.objective is not None
        bound, covers = lower_bound(problem, config, Candidates(problem, config))
        assert bound <= exact.objective + 1e-6
        assert "capacity_fit" in covers and "track_room" not in covers


def test_lns_is_reproducible_with_a_fixed_number_of_steps(generated) -> None:
    problem, config = generated
    runs = [solve(problem, config, SolveOptions(time_limit=60, engine="lns", iterations=3, seed=4))
            for _ in range(2)]
    assert runs[0].engine == LNS and runs[0].schedule == runs[1].schedule


def test_a_stop_request_keeps_the_best_schedule(generated) -> None:
    problem, config = generated
    stop = threading.Event()
    phases: list[str] = []

    def on_phase(name: str, placed: int, total: int) -> None:
        phases.append(name)
        if name == "improve":
            stop.set()

    engine = random.Random(len(problem.sessions)).choice(["exact", "lns"])
    result = solve(problem, config, SolveOptions(time_limit=60, engine=engine, stop=stop, on_phase=on_phase))
    assert result.schedule is not None and result.interrupted
    assert phases[0] == "construct" and "improve" in phases
    assert judge(problem, result.schedule, config).ok


def test_progress_is_reported(seed_inputs: Path) -> None:
    seen: list[tuple[float, float, float]] = []
    result = solve(load_problem(seed_inputs), default_config(), SolveOptions(on_progress=lambda *a: seen.append(a)))
    assert result.first_solution_seconds is not None
    assert all(bound <= result.objective for _, _, bound in seen)  # type: ignore[operator]


@pytest.mark.parametrize("engine", ["exact", "lns"])
def test_a_complete_constructed_schedule_is_never_thrown_away(generated, engine: str) -> None:
    """Even when CP-SAT gets no time at all, the constructed schedule is returned (valid, priced by the judge)."""
    problem, config = generated
    result = solve(problem, config, SolveOptions(time_limit=0.01, engine=engine))
    assert result.status is Status.FEASIBLE or result.status is Status.OPTIMAL
    assert result.schedule is not None and len(result.schedule.assignments) == len(problem.sessions)
    verdict = judge(problem, result.schedule, config)
    assert verdict.ok and verdict.total == result.objective


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=10**9))
def test_neighbourhood_models_of_linked_sessions_only_keep_the_objective_exact(seed: int) -> None:
    """Every rule's `links` is complete: with neighbourhood models holding only the freed sessions and the fixed
    ones linked to them, the objective the search keeps is the conference's, step after step (every rule on:
    tags, languages, order, interests, preferences)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder, _ = planted_conference(Path(tmp) / "in", seed, rich=True)
        problem, config = load_problem(folder), load_config([DEFAULT])
        candidates = Candidates(problem, config)
        board = construct(problem, candidates, config)
        if len(board.chosen) < len(problem.sessions):
            return  # a planted conference construction could not complete: nothing to search from
        objective, _ = price(problem, config, candidates, board.chosen)  # type: ignore[misc]
        incumbent = Incumbent(dict(board.chosen), objective, objective)
        search = LargeNeighbourhoodSearch(problem, config, candidates, seed=seed % 97)
        assert search.local
        for _ in range(5):
            incumbent, _, _ = search.step(incumbent, board, 3, 0.2, lambda: False)
            exact = price(problem, config, candidates, incumbent.chosen)
            assert exact is not None and exact[0] == incumbent.objective


def test_a_hard_rule_every_schedule_breaks_is_reported_at_once(tmp_path: Path) -> None:
    from tests.conftest import make_conference

    folder = make_conference(
        tmp_path, rooms=[{"room_id": f"R{i}", "name": f"Salle {i}", "capacity": 50} for i in range(3)],
        slots=[{"slot_id": f"T{i}", "day": "2027-05-13", "start": f"{9 + i}h", "end": f"{10 + i}h"} for i in range(2)],
        sessions=[{"session_id": f"S{i}", "title": "t", "attendance": 10, "track": "Santé"} for i in range(5)])
    (tmp_path / "hard.yaml").write_text("track_parallel:\n  hard: true\n", encoding="utf-8")
    result = solve(load_problem(folder), load_config([DEFAULT, tmp_path / "hard.yaml"]), SolveOptions(time_limit=5))
    assert result.status is Status.INFEASIBLE
    assert result.reasons == ["track_parallel is hard, but every schedule breaks it at least 3 times (sessions of "
                              "one track never overlap in time): make it soft, or give the conference more time slots"]
