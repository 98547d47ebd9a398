"""What a solve is asked (`SolveOptions`) and what it gives back (`Result`): plain data, no solver objects."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from solver.schedule import Schedule

# (seconds since the solve started, best objective (nan: none yet), bound); see `on_phase` for the phase
Progress = Callable[[float, float, float], None]

EXACT = "exact"
LNS = "large neighbourhood search"


class Status(StrEnum):
    OPTIMAL = "optimal"  # a schedule, proven best
    FEASIBLE = "feasible"  # a schedule meeting every hard rule, maybe not the best
    INFEASIBLE = "infeasible"  # proven: no schedule meets every hard rule
    TIMEOUT = "timeout"  # the time limit ran out before any schedule was found
    INTERRUPTED = "interrupted"  # stopped (Ctrl-C) before any schedule was found


class Stop(threading.Event):
    """A stop request (Ctrl-C) that remembers when it came (`at`, time.perf_counter()) and runs at once what was
    registered with `on_set`: the search's partner processes are stopped there, from the signal handler itself,
    so that the main process gets the cores back to finish and write. A plain threading.Event works as well; the
    partners then stop when the search loop notices."""

    def __init__(self) -> None:
        super().__init__()
        self.at: float | None = None
        self._hooks: list[Callable[[], None]] = []

    def set(self) -> None:
        if self.at is None:
            self.at = time.perf_counter()
        super().set()
        for hook in list(self._hooks):
            with contextlib.suppress(Exception):  # a hook failing must not stop the others (nor the caller)
                hook()

    def on_set(self, hook: Callable[[], None]) -> Callable[[], None]:
        """Run `hook` when the stop is asked (at once if it already was); returns a function that unregisters it."""
        self._hooks.append(hook)
        if self.is_set():
            hook()

        def forget() -> None:
            with contextlib.suppress(ValueError):
                self._hooks.remove(hook)

        return forget


@dataclass(frozen=True)
class SolveOptions:
    time_limit: float = 30.0  # seconds for the whole solve, model building included (see `started`, `reserve`)
    seed: int = 0
    workers: int | None = None  # None: 1 on the exact path, one per core (up to 4) on the neighbourhood search
    linearization_level: int = 2
    log: bool = False
    explain_time_limit: float = 10.0  # for finding why there is no schedule
    rooms_per_session: int | None = None  # rooms offered to a freed session besides its neighbourhood's; 0: all
    on_progress: Progress | None = None  # called at each better schedule and each better bound
    on_phase: Callable[[str, int, int], None] | None = None  # (phase, sessions placed, sessions) at each phase
    stop: threading.Event | None = None  # set it (e.g. on Ctrl-C) to stop and keep the best schedule so far
    engine: str | None = None  # None: automatic; "exact" or "lns" to force one
    iterations: int | None = None  # neighbourhood steps (for reproducible runs); None: until the time limit
    # the moment (time.perf_counter()) the time limit counts from: `salle solve` gives its own start, so that the
    # limit covers reading the inputs too; None: when `solve` is called
    started: float | None = None
    # seconds of the time limit kept for what follows the search (checking and writing the files: `salle solve`
    # estimates them from the conference's size); the search always keeps half of the time it is given, at least
    reserve: float = 0.0


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
    first_solution_seconds: float | None = None  # since the solve started (reading the model included)
    workers: int = 1
    engine: str = EXACT  # "exact" or "large neighbourhood search"
    bound_covers: tuple[str, ...] = ()  # the rules the bound accounts for (empty: every rule, CP-SAT's bound)
    placed_by_construction: int = 0
    interrupted: bool = False
    iterations: int = 0  # steps of the search: neighbourhoods and local search runs (main process)
    local_runs: int = 0  # of which local search runs
    local_search_off: str | None = None  # why the search ran without its local search (a rule, in a sentence)

    @property
    def gap(self) -> float | None:
        """Relative distance between the objective and the proven bound (0 when optimal)."""
        if self.objective is None or self.bound is None:
            return None
        if self.objective == 0:
            return 0.0
        return max(0.0, (self.objective - self.bound) / abs(self.objective))
