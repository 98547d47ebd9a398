"""`solve()`: pre-checks, a complete first schedule, then the exact model or large neighbourhood search.

1. Pre-checks (counting, no model) say at once when no schedule can exist.
2. Construction places every session it can in a fraction of a second per thousand sessions; if some are left
   (or hard rules linking sessions are broken), a repair phase runs the neighbourhood search on those rules
   alone until the schedule is valid.
3. Small conferences (up to `LARGE` candidate placements) then get the full model, hinted with that schedule,
   and are proven optimal where CP-SAT can; bigger ones get large neighbourhood search until the time limit.
Either way the best schedule found is returned when time runs out or `options.stop` is set.
"""

from __future__ import annotations

import math
import time

from ortools.sat.python import cp_model

from solver.config import Config
from solver.engine.board import Board
from solver.engine.candidates import Candidates
from solver.engine.clock import Clock, schedule_of
from solver.engine.construct import construct
from solver.engine.cpsat import run_cpsat
from solver.engine.improve import improve, lns_options, rebuild, repair, start_placements
from solver.engine.model import BuiltModel, Unplaceable, build_model, levelled, why_not
from solver.engine.price import price
from solver.engine.result import EXACT, Result, SolveOptions, Status
from solver.inputs import Problem
from solver.language import say, say_n, summary
from solver.rules import places_every_session

LARGE = 50_000  # candidate placements (session, room, first slot) above which the search is by neighbourhoods
EXACT_SHARE = 0.3  # of the time left, for the full model to prove its optimum before neighbourhoods take over
# above this many constraints the full model is left to neighbourhoods at once (measured on CoSPLib's GECCO20,
# 53,000: CP-SAT's presolve alone took 16 s, and neighbourhoods reached 9,601 in 60 s against 11,553 after it;
# the generated S conference has 2,400 and is proven optimal in 2 s)
EXACT_CONSTRAINTS = 20_000
REPAIR_FIRST = 10.0  # seconds at most for repairing a construction that breaks a hard rule before the full model
UNREPAIRED_EXACT = 5.0  # seconds at most for the full model from a construction the repair could not fix


class _Watcher(cp_model.CpSolverSolutionCallback):
    """Records when the first schedule came and reports each better one."""

    def __init__(self, clock: Clock, built: BuiltModel, levelled: bool) -> None:
        super().__init__()
        self.clock = clock
        self.first: float | None = None
        self.built = built
        self.levelled = levelled  # the objective is scaled by levels: report the plain total, no bound

    def on_solution_callback(self) -> None:
        if self.first is None:
            self.first = self.clock.elapsed()
        total = sum(p.weight * self.value(p.expr) for p in self.built.penalties)
        self.clock.progress(total, math.nan if self.levelled else self.best_objective_bound)


def solve(problem: Problem, config: Config, options: SolveOptions | None = None) -> Result:
    """Schedule `problem`; never raises for an infeasible or unsolved problem: the status says it."""
    from solver.explain import precheck  # explain builds models with the engine's builder: import it late

    options = options or SolveOptions()
    clock = Clock(options)
    must_schedule = places_every_session(config.is_hard)
    found = [f.sentence for f in precheck(problem, config)] or _unavoidable(problem, config)
    if found:
        return Result(Status.INFEASIBLE, reasons=found, build_seconds=clock.elapsed())

    clock.phase("construct", 0, len(problem.sessions))
    candidates = Candidates(problem, config)
    size = 0
    for s in problem.sessions:
        opts = candidates.of(s)
        size += len(opts.rooms) * len(opts.runs)
        if clock.stopped():
            return Result(Status.INTERRUPTED, build_seconds=clock.elapsed(), interrupted=True)
        if must_schedule and not (opts.rooms and opts.runs):
            hard = [rc for rc in candidates.unary if rc.settings.hard and rc.rule.relevant(problem, s)]
            return Result(Status.INFEASIBLE, build_seconds=clock.elapsed(),
                          reasons=[Unplaceable(s, why_not(problem, s, hard)).sentence()])
    start = start_placements(problem, config)
    board = construct(problem, candidates, config, seconds=max(0.5, clock.left() / 4), start=start,
                      seed=options.seed, stop=clock.stopped)
    placed = len(board.chosen)
    first_seconds = clock.elapsed()
    clock.phase("construct", placed, len(problem.sessions))

    engine = options.engine or ("exact" if size <= LARGE else "lns")
    if engine != "exact":
        return improve(problem, config, candidates, board, clock, placed, first_seconds)
    if options.engine == "exact":
        complete = placed == len(problem.sessions)
        forced = _exact(problem, config, candidates, board, clock, placed, first_seconds,
                        valid_start=complete and price(problem, config, candidates, board.chosen) is not None)
        assert forced is not None  # without max_constraints, the full model is always solved
        return forced
    # automatic: the full model gets a share of the time to prove its optimum; when it cannot (heavy linking
    # rules, e.g. tracks in room-blocks), the search goes on by neighbourhoods from its best schedule
    # a construction breaking a hard rule gets a short repair first, so that CP-SAT starts from a valid schedule;
    # when that fails, CP-SAT gets a few seconds only (enough to prove a small conference infeasible), then
    # neighbourhoods repair with the time left
    repaired, valid = repair(problem, config, candidates, board, clock, placed, lns_options(options),
                              deadline=time.perf_counter() + min(clock.left() / 4, REPAIR_FIRST))
    if repaired is not board:  # repaired, or as far as the repair got (the neighbourhoods go on from there)
        board = repaired
        if valid:
            first_seconds = clock.elapsed()
    share = EXACT_SHARE if valid else min(EXACT_SHARE, UNREPAIRED_EXACT / max(clock.left(), 1e-3))
    result = _exact(problem, config, candidates, board, clock, placed, first_seconds, share=share,
                    max_constraints=EXACT_CONSTRAINTS, valid_start=valid)
    if result is None:  # a model too heavy to prove anything in time: neighbourhoods from the start
        return improve(problem, config, candidates, board, clock, placed, first_seconds)
    if result.status not in (Status.FEASIBLE, Status.TIMEOUT) or clock.stopped() or clock.left() < 1.0:
        return result
    if result.schedule is not None:
        board = rebuild(problem, config, candidates,
                         {a.session_id: (a.session_id, a.room_id, a.slot_id) for a in result.schedule.assignments})
    return improve(problem, config, candidates, board, clock, placed, first_seconds, prior=result)


def _exact(problem: Problem, config: Config, candidates: Candidates, board: Board, clock: Clock,
           placed: int, first_seconds: float, share: float = 1.0, max_constraints: int | None = None,
           valid_start: bool = False) -> Result | None:
    """The full model, hinted with the constructed schedule: proven optimal where CP-SAT can."""
    from solver.explain import explain, precheck

    options = clock.options
    built = build_model(problem, config, candidates=candidates)
    build_seconds = clock.elapsed()
    if max_constraints is not None and not built.unplaceable and len(built.cp.proto.constraints) > max_constraints:
        return None
    if built.unplaceable:
        found = precheck(problem, config)
        reasons = [f.sentence for f in found] or [u.sentence() for u in built.unplaceable]
        return Result(Status.INFEASIBLE, build_seconds=build_seconds, variables=built.size, reasons=reasons)
    for key, lit in built.literals.items():
        built.cp.add_hint(lit, board.chosen.get(key[0]) == key)
    clock.phase("improve", placed, len(problem.sessions))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, clock.left() * share)
    solver.parameters.random_seed = options.seed
    workers = options.workers or 1
    solver.parameters.num_workers = workers
    # the LP relaxation at level 2 is what proves these assignment models optimal fast (bench/RESULTS.md)
    solver.parameters.linearization_level = options.linearization_level
    solver.parameters.log_search_progress = options.log
    watcher = _Watcher(clock, built, levelled(config, built))
    if options.on_progress and not levelled(config, built):
        solver.best_bound_callback = lambda b: clock.progress(math.nan, b)  # type: ignore[assignment]
    code = run_cpsat(solver, built.cp, watcher, stop=clock.stopped)
    common = dict(build_seconds=build_seconds, solve_seconds=clock.elapsed() - build_seconds, variables=built.size,
                  workers=workers, engine=EXACT, placed_by_construction=placed, interrupted=clock.stopped())
    if code == cp_model.INFEASIBLE:
        why = explain(problem, config, options.explain_time_limit)
        reasons = why.sentences() or ["No schedule meets every hard rule together, although each session alone "
                                      "has a possible room and slot (no smaller reason was found in time)."]
        if not why.complete:
            reasons.append("(the search for a smaller reason ran out of time: this set may not be minimal)")
        return Result(Status.INFEASIBLE, reasons=reasons, **common)  # type: ignore[arg-type]
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        complete = placed == len(problem.sessions) or not places_every_session(config.is_hard)
        priced = price(problem, config, candidates, board.chosen) if complete else None
        if priced is not None:  # CP-SAT found nothing better in time: the constructed schedule stands
            objective, penalties = priced
            return Result(Status.FEASIBLE, objective=objective, bound=None, schedule=schedule_of(board.chosen),
                          penalties=penalties, first_solution_seconds=clock.elapsed(), **common)  # type: ignore[arg-type]
        status = Status.INTERRUPTED if clock.stopped() else Status.TIMEOUT
        reasons = [] if code in (cp_model.UNKNOWN,) else [say("CP-SAT stopped with status {status}",
                                                                   status=solver.status_name(code))]
        return Result(status, reasons=reasons, **common)  # type: ignore[arg-type]
    chosen = built.chosen(solver)
    priced = price(problem, config, candidates, chosen)
    objective, penalties = priced if priced is not None else (round(solver.objective_value), {})
    bound = solver.best_objective_bound if built.penalties else 0.0
    return Result(
        Status.OPTIMAL if code == cp_model.OPTIMAL else Status.FEASIBLE,
        objective=objective,
        bound=None if levelled(config, built) else min(bound, float(objective)),  # a levelled bound is in other units
        schedule=schedule_of(chosen),
        penalties=penalties,
        first_solution_seconds=first_seconds if valid_start else watcher.first,
        **common,  # type: ignore[arg-type]
    )


def _unavoidable(problem: Problem, config: Config) -> list[str]:
    """Hard rules that every schedule placing all sessions breaks, by their own lower bound."""
    if not places_every_session(config.is_hard):
        return []
    out = []
    for rc in config.enabled:
        if rc.settings.hard and rc.rule.bound is not None:
            n = rc.rule.bound(problem, rc.params)
            if n > 0:
                what = summary(rc.rule.summary).split(":", 1)[-1].strip().split(" (")[0].rstrip(".")
                out.append(say_n("{rule} is hard, but every schedule breaks it at least {n} time ({what}): make it "
                                 "soft, or give the conference more time slots",
                                 "{rule} is hard, but every schedule breaks it at least {n} times ({what}): make it "
                                 "soft, or give the conference more time slots", n, rule=rc.name, what=what))
    return out


