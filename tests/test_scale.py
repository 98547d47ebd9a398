"""The pieces that keep big conferences fast: the room relaxation's bound, restricted rooms, the greedy hint,
and the progress callback. Checked for validity (the judge, true optima), not for speed: that is bench/."""

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver.config import default_config
from solver.greedy import greedy
from solver.inputs import load_problem
from solver.judge import judge
from solver.model import build_model
from solver.relax import room_relaxation
from solver.schedule import Assignment, Schedule
from solver.solve import SolveOptions, Status, solve
from tests.planted import planted_conference


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=10**9))
def test_relaxation_bound_never_exceeds_the_optimum_and_restriction_stays_valid(seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder, _ = planted_conference(Path(tmp) / "in", seed, rich=True)
        problem, config = load_problem(folder), default_config()
        full = solve(problem, config, SolveOptions(time_limit=20, rooms_per_session=0))
        assert full.status is Status.OPTIMAL
        relaxation = room_relaxation(problem, config)
        assert relaxation is not None and relaxation.bound <= full.objective + 1e-6
        narrow = solve(problem, config, SolveOptions(time_limit=20, rooms_per_session=1))
        if narrow.schedule is not None:  # one room each may be too few; what it finds must still be right
            assert judge(problem, narrow.schedule, config).ok
            if narrow.restricted:
                assert narrow.bound is not None and narrow.bound <= full.objective + 1e-6 <= narrow.objective + 1e-6
            else:  # proven infeasible with one room each: solved again with every room
                assert narrow.objective == full.objective


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=10**9))
def test_greedy_never_double_books(seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder, _ = planted_conference(Path(tmp) / "in", seed)
        problem, config = load_problem(folder), default_config()
        chosen = greedy(build_model(problem, config))
        schedule = Schedule(tuple(Assignment(*key) for key in chosen.values()))
        verdict = judge(problem, schedule, config.with_settings("all_scheduled", hard=False))
        assert verdict.ok, [v.message for v in verdict.hard]


def test_progress_is_reported(seed_inputs: Path) -> None:
    seen: list[tuple[float, float, float]] = []
    result = solve(load_problem(seed_inputs), default_config(), SolveOptions(on_progress=lambda *a: seen.append(a)))
    assert result.first_solution_seconds is not None
    assert any(objective == result.objective for _, objective, _ in seen)
    assert all(bound <= result.objective for _, _, bound in seen)
