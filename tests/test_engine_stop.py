"""A stop request (Ctrl-C) obeyed at once by every phase of the engine, and a time limit that counts from the
run's start and keeps time for writing: no test here depends on the machine's speed."""

from __future__ import annotations

import math
import signal
import time

import pytest

from bench.generate import Size, generate
from solver.config import default_config
from solver.engine import SolveOptions, Stop
from solver.engine.bounds import lower_bound, room_relaxation
from solver.engine.candidates import Candidates
from solver.engine.clock import SEARCH_SHARE, Clock
from solver.engine.construct import construct
from solver.engine.lns import Incumbent, LargeNeighbourhoodSearch
from solver.engine.parallel import Partners, available
from solver.engine.price import judged, score
from solver.inputs import load_problem


@pytest.fixture(scope="module")
def conference(tmp_path_factory):  # type: ignore[no-untyped-def]
    folder = generate(Size("stop", 80, 8, 2, 8), 5).write(tmp_path_factory.mktemp("stop"))
    problem, config = load_problem(folder), default_config()
    return problem, config, Candidates(problem, config)


def test_a_stop_remembers_when_it_came_and_runs_its_hooks_once_set() -> None:
    stop, ran = Stop(), []
    forget = stop.on_set(lambda: ran.append("a"))
    stop.on_set(lambda: 1 / 0)  # a failing hook does not keep the others from running
    stop.on_set(lambda: ran.append("b"))
    forget()
    assert stop.at is None and not stop.is_set()
    stop.set()
    first = stop.at
    stop.set()
    assert stop.is_set() and stop.at == first and ran == ["b", "b"]
    stop.on_set(lambda: ran.append("late"))  # registered after: runs at once
    assert ran[-1] == "late"


def test_the_time_limit_counts_from_the_start_and_keeps_the_reserve() -> None:
    now = time.perf_counter()
    clock = Clock(SolveOptions(time_limit=20, started=now - 2, reserve=5))
    assert clock.deadline == pytest.approx(now - 2 + 20 - 5, abs=0.5)
    # a reserve longer than the time left: the search keeps its share of what is left
    short = Clock(SolveOptions(time_limit=10, started=now - 2, reserve=30))
    assert short.deadline == pytest.approx(short.started + SEARCH_SHARE * (now - 2 + 10 - short.started), abs=0.5)
    plain = Clock(SolveOptions(time_limit=10))
    assert plain.deadline == pytest.approx(plain.started + 10)


def test_construction_stops_at_once_with_what_it_placed(conference) -> None:  # type: ignore[no-untyped-def]
    problem, config, candidates = conference
    whole = construct(problem, candidates, config, seed=1)
    stopped = construct(problem, candidates, config, seed=1, stop=lambda: True)
    assert len(whole.chosen) == len(problem.sessions) and len(stopped.chosen) < len(whole.chosen)


def test_the_room_relaxation_is_left_when_stopped(conference) -> None:  # type: ignore[no-untyped-def]
    problem, config, candidates = conference
    assert room_relaxation(problem, config, candidates) is not None
    assert room_relaxation(problem, config, candidates, stop=lambda: True) is None
    solved, _ = lower_bound(problem, config, candidates)
    fallback, _ = lower_bound(problem, config, candidates, stop=lambda: True)  # each session's cheapest room
    assert fallback <= solved and math.isfinite(fallback)


@pytest.mark.skipif(not available(), reason="partner processes need fork (Linux)")
def test_a_stop_ends_the_partners_from_the_handler_itself(conference) -> None:  # type: ignore[no-untyped-def]
    """The Ctrl-C handler's `Stop.set` kills the partners there and then (SIGKILL), without waiting for the
    search loop; closing after it takes no proposal and waits for nothing."""
    problem, config, candidates = conference
    board = construct(problem, candidates, config, seed=1)
    search = LargeNeighbourhoodSearch(problem, config, candidates, seed=1)
    priced = judged(problem, config, candidates, board.chosen)
    incumbent = Incumbent(dict(board.chosen), sum(priced.values()), score(config, priced))
    stop = Stop()
    partners = Partners(search, lambda i: LargeNeighbourhoodSearch(problem, config, candidates, seed=i), board,
                        incumbent, 2, deadline=time.perf_counter() + 600, stop=stop.is_set, event=stop)
    processes = [process for process, _ in partners._links]
    assert all(p.is_alive() for p in processes)
    stop.set()
    for p in processes:
        p.join(30)
    assert [p.exitcode for p in processes] == [-signal.SIGKILL] * 2
    assert partners.close(incumbent, board) is incumbent
