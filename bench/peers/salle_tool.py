"""salle through its Python API: load, `solve` (which builds the model and runs CP-SAT), write the schedule.

salle runs with its own defaults (the model, workers and parameters it picks for the conference's size); time
to each better schedule comes from `SolveOptions.on_progress`, measured from the start of the solve.
"""

from __future__ import annotations

import math
from pathlib import Path

from bench.common import Clock, bench_config, write_schedule
from bench.results import ToolRun

NAME = "salle"


def missing() -> str | None:
    return None


def run(instance: Path, time_limit: float, seed: int, workdir: Path) -> ToolRun:
    """Solve `instance` with salle's defaults and the benchmark's rules."""
    from solver.inputs import load_problem
    from solver.solve import SolveOptions, solve

    clock = Clock()
    out = ToolRun(NAME, instance.name)
    config = bench_config(workdir)
    problem = load_problem(instance)
    out.load_s = clock()
    solve_started = clock()

    def progress(seconds: float, objective: float, bound: float) -> None:
        if not math.isnan(objective) and (not out.trace or objective < out.trace[-1][1]):
            out.trace.append((solve_started + seconds, objective))

    result = solve(problem, config, SolveOptions(time_limit=time_limit, seed=seed, on_progress=progress))
    out.total_s = clock()
    out.build_s = result.build_seconds
    out.variables = result.variables
    out.status = {"optimal": "optimal", "feasible": "feasible", "infeasible": "infeasible"}.get(
        result.status.value, "no schedule")
    out.objective = result.objective
    out.bound = result.bound
    if result.schedule is not None:
        write_schedule(workdir / "schedule.csv",
                       ((a.session_id, a.room_id, a.slot_id) for a in result.schedule.assignments))
        if not out.trace:  # solved before any callback (e.g. in presolve): the end of the solve is the first
            out.trace = [(out.total_s, float(result.objective or 0))]
        out.first_s = out.trace[0][0]
        if result.objective is not None and out.trace[-1][1] > result.objective:
            out.trace.append((out.total_s, float(result.objective)))
    notes = [f"{result.workers} worker(s)"]
    if result.restricted:
        notes.append("rooms per session restricted; bound from the room relaxation")
    out.note = "; ".join(notes + result.reasons)[:300]
    return out
