"""The search loop: steps of the neighbourhood search (solver.engine.lns) until the deadline, a number of steps,
a stop request or (repairing) a schedule with nothing left to repair; with partner processes
(solver.engine.parallel), their proposals are taken between two steps."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from solver.engine.board import Board
from solver.engine.candidates import Key
from solver.engine.lns import Incumbent, LargeNeighbourhoodSearch


def next_size(size: int, proven: bool | None, sessions: int) -> int:
    """Grow the neighbourhood while CP-SAT proves it optimal, shrink it when CP-SAT runs out of time on it."""
    if proven is None:
        return size
    return min(sessions, int(size * 1.15) + 1) if proven else max(4, int(size * 0.8))


def changes(old: dict[str, Key], new: dict[str, Key]) -> dict[str, Key | None]:
    """The placements `new` changes in `old` (None: taken out)."""
    out: dict[str, Key | None] = {sid: key for sid, key in new.items() if old.get(sid) != key}
    out.update({sid: None for sid in old if sid not in new})
    return out


def run_lns(lns: LargeNeighbourhoodSearch, incumbent: Incumbent, board: Board, deadline: float,
            stop: Callable[[], bool], on_better: Callable[[Incumbent], None],
            iterations: int | None = None, until_zero: bool = False, partners: Any = None) -> Incumbent:
    """Improve until the deadline (or `iterations` steps, for deterministic runs), or until `stop()`, or (with
    `until_zero`, repairing) until the objective is 0. With `partners` (solver.engine.parallel.Partners), their
    proposals are taken between two steps and every schedule kept is told to them."""
    n_sessions = len(lns.problem.sessions)
    size = lns.first_size()
    while not stop() and (iterations is None or lns.stats.iterations < iterations):
        if partners is not None:
            merged = partners.exchange(incumbent, board)
            if merged is not incumbent:
                incumbent = merged
                on_better(incumbent)
        if until_zero and incumbent.score <= 0:
            break
        left = deadline - time.perf_counter()
        if left < 0.05:
            break
        before = incumbent.chosen
        incumbent, better, proven = lns.step(incumbent, board, size, lns.sub_seconds, stop, deadline)
        if better:
            on_better(incumbent)
            if partners is not None:
                partners.kept(incumbent, changes(before, incumbent.chosen))
        size = next_size(size, proven, n_sessions)
    if partners is not None:
        merged = partners.close(incumbent, board)
        if merged is not incumbent:
            incumbent = merged
            on_better(incumbent)
    return incumbent
