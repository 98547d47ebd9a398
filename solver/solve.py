"""Run CP-SAT on a built model and return a plain `Result` (no solver objects leak out).

Small and medium conferences get the full model (one literal per allowed placement), one worker and the LP at
linearization level 2, which proves them optimal fastest. Big ones (more than `LARGE` candidate placements) are
restricted to the rooms the room relaxation uses plus each session's two cheapest, start from a greedy
schedule, and run two workers with a light presolve: measured in bench/RESULTS.md. The bound reported is always
valid for the whole conference: the room relaxation's, or CP-SAT's when nothing was restricted.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum

from ortools.sat.python import cp_model

from solver.config import Config
from solver.explain import explain, precheck
from solver.greedy import greedy
from solver.inputs import Problem
from solver.model import BuiltModel, build_model
from solver.relax import room_relaxation
from solver.schedule import Assignment, Schedule

LARGE = 50_000  # candidate placements (sessions × rooms × slots, roughly) above which the model is restricted

Progress = Callable[[float, float, float], None]  # (seconds since the solve started, objective, bound)


class Status(StrEnum):
    OPTIMAL = "optimal"  # a schedule, proven best
    FEASIBLE = "feasible"  # a schedule meeting every hard rule, maybe not the best
    INFEASIBLE = "infeasible"  # proven: no schedule meets every hard rule
    TIMEOUT = "timeout"  # the time limit ran out before any schedule was found


@dataclass(frozen=True)
class SolveOptions:
    time_limit: float = 30.0
    seed: int = 0
    workers: int | None = None  # None: 1 (deterministic) on normal conferences, 2 on big ones
    linearization_level: int = 2
    log: bool = False
    explain_time_limit: float = 10.0  # for finding why there is no schedule
    rooms_per_session: int | None = None  # None: all rooms, or 2 (+ the relaxation's) on big conferences; 0: all
    on_progress: Progress | None = None  # called at each better schedule and each better bound


@dataclass(frozen=True)
class Result:
    """What a solve gives: status, score, proof, timings, the schedule, and penalties per rule."""

    status: Status
    objective: int | None = None
    bound: float | None = None
    build_seconds: float = 0.0
    solve_seconds: float = 0.0
    schedule: Schedule | None = None
    penalties: dict[str, int] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    variables: int = 0
    first_solution_seconds: float | None = None  # since the solve started (model building included)
    restricted: bool = False  # rooms per session were limited (big conference): the bound is the relaxation's
    workers: int = 1

    @property
    def gap(self) -> float | None:
        """Relative distance between the objective and the proven bound (0 when optimal)."""
        if self.objective is None or self.bound is None:
            return None
        if self.objective == 0:
            return 0.0
        return max(0.0, (self.objective - self.bound) / abs(self.objective))


class _Watcher(cp_model.CpSolverSolutionCallback):
    """Records when the first schedule came and reports each better one."""

    def __init__(self, started: float, on_progress: Progress | None, bound: float) -> None:
        super().__init__()
        self.started = started
        self.on_progress = on_progress
        self.first: float | None = None
        self.bound = bound

    def on_solution_callback(self) -> None:
        now = time.perf_counter() - self.started
        if self.first is None:
            self.first = now
        if self.on_progress:
            self.on_progress(now, self.objective_value, max(self.bound, self.best_objective_bound))


def _candidates(problem: Problem) -> int:
    return len(problem.sessions) * len(problem.rooms) * len(problem.slots)


def solve(problem: Problem, config: Config, options: SolveOptions | None = None) -> Result:
    """Build and solve; never raises for an infeasible or unsolved problem: the status says it."""
    options = options or SolveOptions()
    t0 = time.perf_counter()
    large = _candidates(problem) > LARGE
    relaxation = room_relaxation(problem, config)
    k = options.rooms_per_session if options.rooms_per_session is not None else (2 if large else 0)
    restricted = bool(k) and relaxation is not None
    built = build_model(problem, config, rooms_per_session=k if restricted else None,
                        suggested=relaxation.rooms if relaxation else None)
    build_seconds = time.perf_counter() - t0
    if built.unplaceable:
        found = precheck(problem, config)
        reasons = [f.sentence for f in found] or [u.sentence() for u in built.unplaceable]
        return Result(Status.INFEASIBLE, build_seconds=build_seconds, variables=built.size, reasons=reasons)

    _hint(problem, built, greedy_seconds=min(1.0, options.time_limit / 10))
    workers = options.workers or (2 if large else 1)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = options.time_limit
    solver.parameters.random_seed = options.seed
    solver.parameters.num_workers = max(1, workers)
    # the LP relaxation at level 2 is what proves these assignment models optimal fast (bench/RESULTS.md)
    solver.parameters.linearization_level = options.linearization_level
    solver.parameters.log_search_progress = options.log
    if large:  # presolve would take most of the time limit on a big model before any schedule
        solver.parameters.cp_model_presolve = False
    lower = math.ceil(relaxation.bound - 1e-6) if relaxation else 0
    watcher = _Watcher(t0, options.on_progress, lower)
    if options.on_progress:
        solver.best_bound_callback = lambda b: options.on_progress(  # type: ignore[misc]
            time.perf_counter() - t0, math.nan, max(lower, b))
    code = solver.solve(built.cp, watcher)
    solve_seconds = solver.wall_time
    common = dict(build_seconds=build_seconds, solve_seconds=solve_seconds, variables=built.size,
                  restricted=restricted, workers=workers)

    if code == cp_model.INFEASIBLE and not restricted:
        why = explain(problem, config, options.explain_time_limit)
        reasons = why.sentences() or ["No schedule meets every hard rule together, although each session alone "
                                      "has a possible room and slot (no smaller reason was found in time)."]
        if not why.complete:
            reasons.append("(the search for a smaller reason ran out of time: this set may not be minimal)")
        return Result(Status.INFEASIBLE, reasons=reasons, **common)  # type: ignore[arg-type]
    if code == cp_model.INFEASIBLE and restricted:  # too few rooms offered: try again with all of them
        left = options.time_limit - solve_seconds
        if left > 1.0:
            return solve(problem, config, replace(options, rooms_per_session=0, time_limit=left))
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        reasons = [] if code in (cp_model.UNKNOWN, cp_model.INFEASIBLE) else \
            [f"CP-SAT stopped with status {solver.status_name(code)}"]
        if restricted:
            reasons.append(f"Only {k} rooms per session (plus the relaxation's) were tried on this big "
                           "conference: try --rooms-per-session 0 (all rooms) with a longer --time-limit.")
        return Result(Status.TIMEOUT if code != cp_model.MODEL_INVALID else Status.INFEASIBLE, reasons=reasons,
                      **common)  # type: ignore[arg-type]

    assignments = tuple(
        sorted(Assignment(*key) for key, lit in built.literals.items() if solver.boolean_value(lit))
    )
    penalties: dict[str, int] = defaultdict(int)
    for p in built.penalties:
        penalties[p.rule] += p.weight * int(solver.value(p.expr))
    objective = round(solver.objective_value) if built.penalties else 0
    bound = float(lower) if restricted else max(float(lower), solver.best_objective_bound if built.penalties else 0.0)
    optimal = code == cp_model.OPTIMAL and (not restricted or objective <= bound)
    return Result(
        Status.OPTIMAL if optimal else Status.FEASIBLE,
        objective=objective,
        bound=min(bound, float(objective)),
        schedule=Schedule(assignments),
        penalties=dict(penalties),
        first_solution_seconds=watcher.first,
        **common,  # type: ignore[arg-type]
    )


def _hint(problem: Problem, built: BuiltModel, greedy_seconds: float) -> bool:
    """Start from the previous schedule when there is one, else from a greedy one; True if it places everyone."""
    if problem.previous:
        chosen = {sid: (sid, room, slot) for sid, (room, slot) in problem.previous.items()}
    else:
        chosen = greedy(built, greedy_seconds)
    for key, lit in built.literals.items():
        built.cp.add_hint(lit, chosen.get(key[0]) == key)
    return all(chosen.get(s.session_id) in built.literals for s in problem.sessions)
