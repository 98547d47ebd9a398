"""salle through its Python API: load, `solve` (model or engine of salle's choosing), write the schedule.

salle runs with its own defaults (the engine, workers and parameters it picks for the conference's size). The
API is taken from `solver.engine` when that package exports `solve` and `SolveOptions`, else from
`solver.solve` (`SALLE_BENCH_API=solver.solve` forces one); options the API does not know are left out and the
`Result` is read with `getattr`, so the adapter works with the engine before and after its rewrite. Time to each
better schedule comes from `SolveOptions.on_progress(seconds, objective, bound)`, measured from the start of the
solve; the objectives of that trace are salle's own figures (the judge scores the final schedule).
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import math
import os
from pathlib import Path
from typing import Any

from bench.common import Clock, bench_config, write_schedule
from bench.results import ToolRun

NAME = "salle"
OBJECTIVES = ("default", "seats")
API = tuple(os.environ.get("SALLE_BENCH_API", "solver.engine,solver.solve").split(","))  # first with both


def missing() -> str | None:
    return None


def api() -> tuple[str, Any, Any]:
    """(module name, solve, SolveOptions) of the first module of `API` that has both."""
    errors = []
    for name in API:
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            errors.append(f"{name}: {exc}")
            continue
        solve, options = getattr(module, "solve", None), getattr(module, "SolveOptions", None)
        if callable(solve) and options is not None:
            return name, solve, options
        errors.append(f"{name}: no solve/SolveOptions")
    raise ImportError("salle's API not found (" + "; ".join(errors) + ")")


def make_options(cls: Any, **wanted: Any) -> Any:
    """`cls(**wanted)` keeping only the options `cls` accepts."""
    try:
        known = {f.name for f in dataclasses.fields(cls)}
    except TypeError:
        known = set(inspect.signature(cls).parameters)
    return cls(**{k: v for k, v in wanted.items() if k in known})


def _number(value: Any) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) or math.isinf(out) else out


def run(instance: Path, time_limit: float, seed: int, workdir: Path, objective: str = "seats") -> ToolRun:
    """Solve `instance` with salle's defaults and the rules of `objective`."""
    from solver.inputs import load_problem

    module, solve, options_cls = api()  # imports (OR-Tools…) before the clock starts, as for every tool
    clock = Clock()
    out = ToolRun(NAME, instance.name, objective_set=objective)
    config = bench_config(workdir, objective)
    problem = load_problem(instance)
    out.load_s = clock()
    solve_started = clock()

    def progress(seconds: float, objective_value: float, bound: float, *_: Any) -> None:
        at = solve_started + float(seconds)
        value, lower = _number(objective_value), _number(bound)
        if value is not None and (not out.trace or value < out.trace[-1][1]):
            out.trace.append((at, value))
        if lower is not None and (not out.bounds or lower > out.bounds[-1][1]):
            out.bounds.append((at, lower))

    options = make_options(options_cls, time_limit=time_limit, seed=seed, on_progress=progress)
    result = solve(problem, config, options)
    out.total_s = clock()
    build = getattr(result, "build_seconds", None)
    out.build_s = None if build is None else float(build)
    out.variables = getattr(result, "variables", None) or None
    status = str(getattr(result.status, "value", result.status)).lower()
    schedule = getattr(result, "schedule", None)
    out.status = status if status in ("optimal", "feasible", "infeasible") else "no schedule"
    out.objective = _number(getattr(result, "objective", None))
    out.bound = _number(getattr(result, "bound", None))
    if out.bound is not None and (not out.bounds or out.bound > out.bounds[-1][1]):
        out.bounds.append((out.total_s, out.bound))
    if schedule is not None and out.status in ("optimal", "feasible"):
        write_schedule(workdir / "schedule.csv",
                       ((a.session_id, a.room_id, a.slot_id) for a in schedule.assignments))
        first = _number(getattr(result, "first_solution_seconds", None))
        if not out.trace:  # no callback (solved in presolve, or an API without on_progress)
            out.trace = [(solve_started + first if first is not None else out.total_s, out.objective or 0.0)]
        if out.objective is not None and out.trace[-1][1] > out.objective:
            out.trace.append((out.total_s, out.objective))
        out.first_s = out.trace[0][0]
    notes = [f"API {module}"]
    for label in ("engine", "method", "phase"):
        value = getattr(result, label, None)
        if isinstance(value, str) and value:
            notes.append(f"{label} {value}")
    if getattr(result, "workers", None):
        notes.append(f"{result.workers} worker(s)")
    if getattr(result, "restricted", False):
        notes.append("rooms per session restricted; bound from the room relaxation")
    notes += [str(r) for r in getattr(result, "reasons", None) or []]
    out.note = "; ".join(notes)[:300]
    return out
