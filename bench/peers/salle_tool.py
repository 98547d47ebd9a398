"""salle through its Python API: load, `solve` (which builds the model and runs CP-SAT), write the schedule.

Time to first feasible comes from CP-SAT's own search log (`SolveOptions(log=True)`): the child redirects its
stdout file descriptor around `solve` and parses the log, since salle's `solve` exposes no solution callback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from bench.common import Clock, bench_config, write_schedule
from bench.results import ToolRun, parse_cpsat_log

NAME = "salle"
WORKERS = 2


def missing() -> str | None:
    return None


def run(instance: Path, time_limit: float, seed: int, workdir: Path) -> ToolRun:
    """Solve `instance` with salle's default model and the benchmark's rules; 2 CP-SAT workers."""
    from solver.inputs import load_problem
    from solver.solve import SolveOptions, solve

    clock = Clock()
    out = ToolRun(NAME, instance.name)
    config = bench_config(workdir)
    problem = load_problem(instance)
    out.load_s = clock()
    options = SolveOptions(time_limit=time_limit, seed=seed, workers=WORKERS, log=True)
    solve_started = clock()
    with _captured_stdout(workdir / "cpsat.log"):
        result = solve(problem, config, options)
    out.total_s = clock()
    log = parse_cpsat_log((workdir / "cpsat.log").read_text(encoding="utf-8", errors="replace"))
    out.build_s = result.build_seconds
    out.variables = result.variables
    offset = solve_started + result.build_seconds
    out.trace = [(offset + t, v) for t, v in log.trace]
    out.status = {"optimal": "optimal", "feasible": "feasible", "infeasible": "infeasible"}.get(
        result.status.value, "no schedule")
    out.objective = result.objective
    out.bound = result.bound
    if result.schedule is not None:
        write_schedule(workdir / "schedule.csv",
                       ((a.session_id, a.room_id, a.slot_id) for a in result.schedule.assignments))
        if out.trace:
            out.first_s = out.trace[0][0]
            if result.objective is not None and out.trace[-1][1] > result.objective:
                out.trace.append((out.total_s, float(result.objective)))
        else:  # no log lines (e.g. solved in presolve): the end of the solve is the first schedule
            out.first_s = out.total_s
            out.trace = [(out.total_s, float(result.objective or 0))]
    out.note = "; ".join(result.reasons)[:300]
    return out


class _captured_stdout:
    """Send file descriptor 1 (where CP-SAT's C++ log goes) to `path` while the block runs."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> None:
        sys.stdout.flush()
        self.saved = os.dup(1)
        self.fh = self.path.open("wb")
        os.dup2(self.fh.fileno(), 1)

    def __exit__(self, *exc: object) -> None:
        sys.stdout.flush()
        os.dup2(self.saved, 1)
        os.close(self.saved)
        self.fh.close()


