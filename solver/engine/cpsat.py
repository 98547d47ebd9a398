"""Run CP-SAT so that an interrupt always stops it cleanly.

OR-Tools' own SIGINT handling can deadlock while the solver tears down, so it is switched off; the solve runs in
a worker thread while the calling thread waits in short steps, free to run Python's signal handlers, and asks
the solver to stop (`stop_search`, thread-safe) as soon as `stop()` says so.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from ortools.sat.python import cp_model


def run_cpsat(solver: cp_model.CpSolver, model: cp_model.CpModel,
              callback: cp_model.CpSolverSolutionCallback | None = None,
              stop: Callable[[], bool] = lambda: False) -> int:
    """`solver.solve(model, callback)`, stopped early when `stop()` becomes true; returns the status code."""
    solver.parameters.catch_sigint_signal = False
    if stop():
        return int(cp_model.UNKNOWN)
    outcome: list[int] = []
    failure: list[BaseException] = []

    def work() -> None:
        try:
            outcome.append(int(solver.solve(model, callback)))
        except BaseException as exc:  # re-raised in the calling thread
            failure.append(exc)

    worker = threading.Thread(target=work, name="cp-sat", daemon=True)
    worker.start()
    asked = False
    while worker.is_alive():
        worker.join(0.05)
        if not asked and stop():
            solver.stop_search()
            asked = True
    if failure:
        raise failure[0]
    return outcome[0]
