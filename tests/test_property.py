"""Property: on random small conferences with a planted feasible schedule, salle always finds a schedule and
every schedule it writes passes `salle check` (the independent judge)."""

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from solver.cli import cli
from solver.config import default_config
from solver.inputs import load_problem
from solver.judge import judge
from solver.schedule import Assignment, Schedule
from tests.planted import planted_conference

runner = CliRunner()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=10**9))
def test_every_written_schedule_passes_check(seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder, planted = planted_conference(Path(tmp) / "in", seed)
        problem = load_problem(folder)
        assert judge(problem, Schedule(tuple(Assignment(*p) for p in planted)), default_config()).ok

        out = Path(tmp) / "out"
        solved = runner.invoke(cli, ["solve", str(folder), "--out", str(out), "--time-limit", "20",
                                     "--workers", "1"])
        assert solved.exit_code == 0, solved.output
        checked = runner.invoke(cli, ["check", str(folder), "--schedule", str(out / "assignments.csv")])
        assert checked.exit_code == 0, checked.output
