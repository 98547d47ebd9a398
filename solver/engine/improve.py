"""The anytime path: repair a constructed schedule, bound it, then improve it by neighbourhoods until the time
limit, on one core or with partner processes (solver.engine.parallel)."""

from __future__ import annotations

import math
import os
import time
from functools import partial

from solver.config import Config
from solver.engine.board import Board
from solver.engine.bounds import lower_bound
from solver.engine.candidates import Candidates, Key
from solver.engine.clock import Clock, schedule_of
from solver.engine.construct import construct
from solver.engine.cpsat import thinker
from solver.engine.lns import Incumbent, LargeNeighbourhoodSearch
from solver.engine.parallel import Partners
from solver.engine.parallel import available as parallel_available
from solver.engine.price import price, repair_config, score
from solver.engine.result import EXACT, LNS, Result, SolveOptions, Status
from solver.engine.search import changes, run_lns
from solver.inputs import Problem
from solver.rules.base import BlockCosts, Solve


def improve(problem: Problem, config: Config, candidates: Candidates, board: Board, clock: Clock, placed: int,
         first_seconds: float, prior: Result | None = None) -> Result:
    """Repair the constructed schedule if needed, then improve it by neighbourhoods until the time limit. With
    `prior` (the full model's run, out of its share of time), start from its schedule and keep its bound."""
    options = clock.options
    total = len(problem.sessions)
    search_options = lns_options(options)
    built = first_seconds  # construction (and the full model's run, with `prior`): the rest is solving
    common = dict(engine=LNS if prior is None else f"{EXACT}, then {LNS}", placed_by_construction=placed,
                  workers=1, build_seconds=built)
    if prior is not None and prior.first_solution_seconds is not None:
        first_seconds = prior.first_solution_seconds
    # a construction breaking a hard rule that can plan: the plan may give a valid schedule at once, no repair
    thinks = _thinks(problem, config)
    priced = price(problem, config, candidates, board.chosen) if thinks and len(board.chosen) == total else None
    asked = thinks and priced is None
    early = _planned(problem, config, candidates, None, clock) if asked else None
    if early is not None:
        board, incumbent = early
        first_seconds = clock.elapsed()
    else:
        repaired, valid = repair(problem, config, candidates, board, clock, placed, search_options)
        if not valid:
            status = Status.INTERRUPTED if clock.stopped() else Status.TIMEOUT
            reasons = [] if clock.stopped() else [
                f"Construction placed {placed} of {total} sessions and the repair did not finish in "
                "time: try a longer --time-limit."]
            return Result(status, reasons=reasons, interrupted=clock.stopped(), **common)  # type: ignore[arg-type]
        if repaired is not board:
            board, first_seconds, priced = repaired, clock.elapsed(), None
        priced = priced or price(problem, config, candidates, board.chosen)  # priced once when nothing changed
        if priced is None:  # cannot happen after a successful repair; kept as a guard against a model bug
            return Result(Status.TIMEOUT, reasons=["the first schedule breaks a hard rule"], **common)  # type: ignore[arg-type]
        incumbent = Incumbent(dict(board.chosen), priced[0], score(config, priced[1]))
    if prior is None:  # the first schedule is reported as soon as it is known (its bound comes next)
        clock.progress(incumbent.objective, math.nan)
    # a hard rule that can plan, not asked yet (the construction kept it): its plan when it scores better
    planned = _planned(problem, config, candidates, incumbent, clock) if thinks and not asked else None
    if planned is not None:
        board, incumbent = planned
        clock.progress(incumbent.objective, math.nan)
    search = LargeNeighbourhoodSearch(problem, config, candidates, **search_options)  # type: ignore[arg-type]
    partners = _partners(search, board, incumbent, clock)
    # the room relaxation may take a while on the biggest conferences: a sixth of the time limit at most, else
    # the bound falls back to each session's cheapest room
    budget = min(clock.deadline, time.perf_counter() + max(2.0, min(clock.left(), options.time_limit) / 6))
    suggested: dict[str, list[str]] = {}
    bound, covers = lower_bound(problem, config, candidates, deadline=budget, suggested=suggested,
                                stop=clock.stopped)
    if prior is not None and prior.bound is not None and prior.bound > bound:  # CP-SAT's bound covers every rule
        bound, covers = prior.bound, ()
    # a second construction, in the relaxation's rooms first, when there is time for it (its greedy pass is not
    # cut short: on the largest conferences it takes seconds)
    if suggested and not clock.stopped() and clock.left() > first_seconds:
        second = construct(problem, candidates, config, seconds=max(0.5, clock.left() / 8),
                           start=start_placements(problem, config), seed=options.seed, stop=clock.stopped,
                           prefer=suggested)
        priced = price(problem, config, candidates, second.chosen) if len(second.chosen) == len(board.chosen) \
            else None
        if priced is not None and score(config, priced[1]) < incumbent.score:
            was = incumbent.chosen
            board, incumbent = second, Incumbent(dict(second.chosen), priced[0], score(config, priced[1]))
            if partners is not None:
                partners.kept(incumbent, changes(was, incumbent.chosen), restart=True)
    clock.progress(incumbent.objective, bound)
    clock.phase("improve", len(board.chosen), total)
    incumbent = run_lns(search, incumbent, board, clock.deadline, clock.stopped,
                        lambda inc: clock.progress(inc.objective, bound), iterations=options.iterations,
                        partners=partners)
    objective, penalties = price(problem, config, candidates, incumbent.chosen) or (incumbent.objective, {})
    optimal = objective <= bound
    return Result(Status.OPTIMAL if optimal else Status.FEASIBLE, objective=objective,
                  bound=min(bound, float(objective)), schedule=schedule_of(incumbent.chosen), penalties=penalties,
                  first_solution_seconds=first_seconds, solve_seconds=clock.elapsed() - built,
                  bound_covers=covers, interrupted=clock.stopped(), iterations=search.stats.iterations,
                  local_runs=search.stats.local_runs, local_search_off=search.no_local_search,
                  variables=0, **common | {"workers": 1 + (len(partners) if partners else 0)})  # type: ignore[arg-type]


AUTO_PROCESSES = 4  # without --workers, the neighbourhood search runs on this many cores at most


def _partners(search: LargeNeighbourhoodSearch, board: Board, incumbent: Incumbent, clock: Clock) -> Partners | None:
    """Partner processes that search alongside this one (solver.engine.parallel): `--workers N` gives N − 1,
    without it one per core up to AUTO_PROCESSES; none with one worker, or with a fixed number of steps (runs
    meant to be reproducible). With more days than processes, each process (this one included) draws its one-day
    neighbourhoods on every P-th day."""
    options = clock.options
    count = (options.workers or min(AUTO_PROCESSES, _cores())) - 1
    if count < 1 or options.iterations is not None or not parallel_available() or clock.left() < 2.0:
        return None
    search_options = lns_options(options)

    # the one-day neighbourhoods of each process are drawn on days of its own, so that proposals made on an
    # older schedule seldom touch what another process moved meanwhile (L-1 at 60 s: 51,129 and 51,140 against
    # 51,258 and 51,184 drawing on every day)
    days = list(search.problem.days)
    split = len(days) > count
    if split:
        search.hoods.days = days[0::count + 1]

    def make(i: int) -> LargeNeighbourhoodSearch:
        seeded = search_options | {"seed": options.seed + 7919 * i}
        lns = LargeNeighbourhoodSearch(search.problem, search.config, search.candidates, **seeded)
        if split:
            lns.hoods.days = days[i::count + 1]
        return lns

    return Partners(search, make, board, incumbent, count, clock.deadline, clock.stopped, event=options.stop)


def _cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def lns_options(options: SolveOptions) -> dict:
    return dict(seed=options.seed, rooms_per_session=4 if options.rooms_per_session is None
                else options.rooms_per_session)


def repair(problem: Problem, config: Config, candidates: Candidates, board: Board, clock: Clock, placed: int,
           search_options: dict, deadline: float | None = None) -> tuple[Board, bool]:
    """(board, valid): the constructed board itself when it places every session and breaks no hard rule, else
    the board repaired by neighbourhoods on "every session placed" and the broken hard rules alone, until none is
    left or `deadline` (then as far as it got, to go on from)."""
    fixing = repair_config(config)
    if fixing is None:
        return board, True
    penalty = price(problem, fixing, candidates, board.chosen)
    if penalty is None:
        return board, False
    if penalty[0] == 0:
        return board, True
    clock.phase("repair", placed, len(problem.sessions))
    search = LargeNeighbourhoodSearch(problem, fixing, candidates, repairing=True, **search_options)
    fixed = run_lns(search, Incumbent(dict(board.chosen), penalty[0], penalty[0]), board,
                    min(clock.deadline, deadline or clock.deadline), clock.stopped, lambda inc: None, until_zero=True)
    return rebuild(problem, config, candidates, fixed.chosen), fixed.objective == 0


PLAN_SECONDS = 30.0  # most time a hard rule's plan may think (GECCO20: near its optimum in 20 s on 2 cores)
PLAN_SHARE = 5  # of the time left, the share it may take at most


def _thinks(problem: Problem, config: Config) -> bool:
    """Whether a hard rule offers a start of its own (and may think about it), with no previous schedule to
    start from."""
    return not problem.previous and any(rc.settings.hard and rc.rule.start is not None for rc in config.enabled)


def _planned(problem: Problem, config: Config, candidates: Candidates, incumbent: Incumbent | None,
             clock: Clock) -> tuple[Board, Incumbent] | None:
    """A schedule built from the start the hard rules offer when given time to think (a CP-SAT plan of their
    own, e.g. room-blocks for tracks), when one does and it beats `incumbent` (None: when it is complete and
    breaks no hard rule)."""
    seconds = min(PLAN_SECONDS, clock.left() / PLAN_SHARE)
    if seconds < 1.0 or clock.stopped():
        return None
    options = clock.options
    needed = len(incumbent.chosen) if incumbent is not None else len(problem.sessions)
    clock.phase("plan", needed, len(problem.sessions))
    solve = thinker(seconds, options.seed, options.workers, lambda: clock.stopped() or clock.left() < 0.5)
    start = start_placements(problem, config, solve=solve, block_costs=partial(block_costs, problem, candidates))
    board = construct(problem, candidates, config, seconds=max(0.5, clock.left() / 8), start=start,
                      seed=options.seed, stop=clock.stopped)
    priced = price(problem, config, candidates, board.chosen) if len(board.chosen) >= needed else None
    if priced is None or (incumbent is not None and score(config, priced[1]) >= incumbent.score):
        return None
    return board, Incumbent(dict(board.chosen), priced[0], score(config, priced[1]))


def block_costs(problem: Problem, candidates: Candidates, session_id: str) -> dict[str, int]:
    """The blocks where the hard per-placement rules let a session run, with the least its soft per-placement
    rules cost there (its cheapest run of the block in its cheapest room)."""
    opts = candidates.of(problem.session[session_id])
    if not opts.rooms:
        return {}
    room = min(o.cost for o in opts.rooms.values())
    out: dict[str, int] = {}
    for option in opts.runs.values():
        block = problem.block_of(option.placement.slots[0])
        out[block] = min(out.get(block, option.cost + room), option.cost + room)
    return out


def start_placements(problem: Problem, config: Config, solve: Solve | None = None,
                     block_costs: BlockCosts | None = None) -> dict[str, Key]:
    """Placements to start from: the previous schedule (--previous), else those of the hard rules that offer a
    start of their own (placements keeping them, for rules a repair would struggle with); with `solve`, the
    rules may think (solve a CP-SAT model of their own with it) rather than deal greedily."""
    if problem.previous:
        return {sid: (sid, room, slot) for sid, (room, slot) in problem.previous.items()}
    out: dict[str, Key] = {}
    soft = {rc.name: (rc.settings.weight, rc.params) for rc in config.enabled if not rc.settings.hard}
    for rc in config.enabled:
        if rc.settings.hard and rc.rule.start is not None:
            for sid, (room, slot) in rc.rule.start(problem, rc.params, soft=soft, solve=solve,
                                                     block_costs=block_costs).items():
                out.setdefault(sid, (sid, room, slot))
    return out


def rebuild(problem: Problem, config: Config, candidates: Candidates, chosen: dict[str, Key]) -> Board:
    board = Board(problem, config)
    for sid, key in chosen.items():
        board.place(key, candidates.of(problem.session[sid]).pair(problem, key[1], key[2])[0])
    return board
