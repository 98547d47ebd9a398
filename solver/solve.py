"""Run CP-SAT on a built model and return a plain `Result` (no solver objects leak out)."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from ortools.sat.python import cp_model

from solver.config import Config
from solver.explain import explain, precheck
from solver.inputs import Problem
from solver.model import build_model
from solver.schedule import Assignment, Schedule


class Status(StrEnum):
    OPTIMAL = "optimal"  # a schedule, proven best
    FEASIBLE = "feasible"  # a schedule meeting every hard rule, maybe not the best
    INFEASIBLE = "infeasible"  # proven: no schedule meets every hard rule
    TIMEOUT = "timeout"  # the time limit ran out before any schedule was found

    @property
    def has_schedule(self) -> bool:
        return self in (Status.OPTIMAL, Status.FEASIBLE)


@dataclass(frozen=True)
class SolveOptions:
    time_limit: float = 30.0
    seed: int = 0
    workers: int = 1
    linearization_level: int = 2
    log: bool = False
    explain_time_limit: float = 10.0  # for finding why there is no schedule


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

    @property
    def gap(self) -> float | None:
        """Relative distance between the objective and the proven bound (0 when optimal)."""
        if self.objective is None or self.bound is None:
            return None
        if self.objective == 0:
            return 0.0
        return max(0.0, (self.objective - self.bound) / abs(self.objective))


def solve(problem: Problem, config: Config, options: SolveOptions | None = None) -> Result:
    """Build and solve; never raises for an infeasible or unsolved problem: the status says it."""
    options = options or SolveOptions()
    t0 = time.perf_counter()
    built = build_model(problem, config)
    build_seconds = time.perf_counter() - t0
    if built.unplaceable:
        found = precheck(problem, config)
        reasons = [f.sentence for f in found] or [u.sentence() for u in built.unplaceable]
        return Result(Status.INFEASIBLE, build_seconds=build_seconds, variables=built.size, reasons=reasons)

    if problem.previous:  # start from the published schedule: CP-SAT tries it first
        for key, lit in built.literals.items():
            built.cp.add_hint(lit, problem.previous.get(key[0]) == (key[1], key[2]))

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = options.time_limit
    solver.parameters.random_seed = options.seed
    solver.parameters.num_workers = max(1, options.workers)
    # the LP relaxation at level 2 is what proves these assignment models optimal fast (bench/RESULTS.md)
    solver.parameters.linearization_level = options.linearization_level
    solver.parameters.log_search_progress = options.log
    code = solver.solve(built.cp)
    solve_seconds = solver.wall_time

    if code == cp_model.INFEASIBLE:
        why = explain(problem, config, options.explain_time_limit)
        reasons = why.sentences() or ["No schedule meets every hard rule together, although each session alone "
                                      "has a possible room and slot (no smaller reason was found in time)."]
        if not why.complete:
            reasons.append("(the search for a smaller reason ran out of time: this set may not be minimal)")
        return Result(Status.INFEASIBLE, build_seconds=build_seconds, solve_seconds=solve_seconds,
                      variables=built.size, reasons=reasons)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        status = Status.TIMEOUT if code == cp_model.UNKNOWN else Status.INFEASIBLE
        reasons = [] if code == cp_model.UNKNOWN else [f"CP-SAT stopped with status {solver.status_name(code)}"]
        return Result(status, build_seconds=build_seconds, solve_seconds=solve_seconds, variables=built.size,
                      reasons=reasons)

    assignments = tuple(
        sorted(Assignment(*key) for key, lit in built.literals.items() if solver.boolean_value(lit))
    )
    penalties: dict[str, int] = defaultdict(int)
    for p in built.penalties:
        penalties[p.rule] += p.weight * int(solver.value(p.expr))
    has_objective = bool(built.penalties)
    return Result(
        Status.OPTIMAL if code == cp_model.OPTIMAL else Status.FEASIBLE,
        objective=round(solver.objective_value) if has_objective else 0,
        bound=solver.best_objective_bound if has_objective else 0.0,
        build_seconds=build_seconds,
        solve_seconds=solve_seconds,
        schedule=Schedule(assignments),
        penalties=dict(penalties),
        variables=built.size,
    )
