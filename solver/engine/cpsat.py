"""Run CP-SAT so that an interrupt always stops it cleanly.

OR-Tools' own SIGINT handling can deadlock while the solver tears down, so it is switched off; the solve runs in
a worker thread while the calling thread waits in short steps, free to run Python's signal handlers, and asks
the solver to stop (`stop_search`, thread-safe) as soon as `stop()` says so.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from ortools.sat.python import cp_model

T = TypeVar("T")


def in_worker(call: Callable[[], T], interrupt: Callable[[], None], stop: Callable[[], bool],
              name: str) -> tuple[T | None, bool]:
    """`call()` in a worker thread while the calling thread waits in short steps (free to run Python's signal
    handlers) and calls `interrupt()` once as soon as `stop()`: (its result, None when it raised nothing and gave
    none; whether it was interrupted). An exception in the worker is raised here. For CP-SAT and GLOP, which let
    go of the GIL while they solve."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def work() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:  # re-raised in the calling thread
            failure.append(exc)

    worker = threading.Thread(target=work, name=name, daemon=True)
    worker.start()
    asked = False
    while worker.is_alive():
        worker.join(0.05)
        if not asked and stop():
            interrupt()
            asked = True
    if failure:
        raise failure[0]
    return (outcome[0] if outcome else None), asked


def run_cpsat(solver: cp_model.CpSolver, model: cp_model.CpModel,
              callback: cp_model.CpSolverSolutionCallback | None = None,
              stop: Callable[[], bool] = lambda: False) -> int:
    """`solver.solve(model, callback)`, stopped early when `stop()` becomes true; returns the status code."""
    solver.parameters.catch_sigint_signal = False
    if stop():
        return int(cp_model.UNKNOWN)
    code, _ = in_worker(lambda: int(solver.solve(model, callback)), solver.stop_search, stop, "cp-sat")
    return code if code is not None else int(cp_model.UNKNOWN)  # a solve asked to stop still gives its status


def thinker(seconds: float, seed: int, workers: int | None,
            stop: Callable[[], bool]) -> Callable[[cp_model.CpModel], cp_model.CpSolver | None]:
    """A function that solves a model given to it (a rule's own model, e.g. a plan to start from) for `seconds`
    and returns the solver when it found a solution. With one worker (reproducible runs), CP-SAT's portfolio is
    interleaved on one thread and limited in deterministic time; else it runs on THINK_WORKERS threads."""

    def solve(model: cp_model.CpModel) -> cp_model.CpSolver | None:
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = THINK_WORKERS
        solver.parameters.random_seed = seed
        solver.parameters.max_time_in_seconds = seconds
        if workers == 1:
            solver.parameters.interleave_search = True
            # interleaved, CP-SAT counts about two deterministic seconds per second of wall time (GECCO20's plan
            # on this 2-core machine): reproducibility needs the deterministic limit alone, so the wall clock is
            # only a loose guard (a loaded machine gets less CPU per second); `stop` keeps the user's time limit
            solver.parameters.max_deterministic_time = seconds / 2
            solver.parameters.max_time_in_seconds = seconds * 4
        code = run_cpsat(solver, model, stop=stop)
        return solver if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None

    return solve


THINK_WORKERS = 8  # measured on GECCO20's plan, 10 s on 2 cores: 8 threads 5,776, 2 threads 7,127
