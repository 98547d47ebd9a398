"""The solve's clock and callbacks: time left, the stop request, progress and phases reported to the caller."""

from __future__ import annotations

import time

from solver.engine.candidates import Key
from solver.engine.result import SolveOptions
from solver.schedule import Assignment, Schedule

SEARCH_SHARE = 0.5  # of the time left when the solve starts, the least the search keeps whatever the reserve


class Clock:
    """The search's deadline: `options.time_limit` from `options.started` (default: now), less `options.reserve`
    (the time kept for writing the files), but never less than `SEARCH_SHARE` of the time left now."""

    def __init__(self, options: SolveOptions) -> None:
        self.options = options
        self.started = time.perf_counter()
        origin = self.started if options.started is None else min(options.started, self.started)
        end = origin + options.time_limit
        self.deadline = max(end - max(0.0, options.reserve), self.started + SEARCH_SHARE * (end - self.started))

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def left(self) -> float:
        return self.deadline - time.perf_counter()

    def stopped(self) -> bool:
        return self.options.stop is not None and self.options.stop.is_set()

    def progress(self, objective: float, bound: float) -> None:
        if self.options.on_progress:
            self.options.on_progress(self.elapsed(), objective, bound)

    def phase(self, name: str, placed: int, total: int) -> None:
        if self.options.on_phase:
            self.options.on_phase(name, placed, total)


def schedule_of(chosen: dict[str, Key]) -> Schedule:
    return Schedule(tuple(sorted(Assignment(*key) for key in chosen.values())))
