"""Lower bounds on the objective of any schedule, each saying which rules it accounts for.

- The room relaxation: each session takes one room it may use, each room holds at most as many sessions of a
  kind as it has open slots of that kind, the per-room soft costs (empty seats, room preferences) minimized.
  This transportation problem drops every timing rule, so its optimum is a valid lower bound on the room-scoped
  rules' share of the objective (GLOP).
- Each session's cheapest run of slots: a valid lower bound on the time-scoped rules' share (slot and speaker
  preferences), added to the first since the two count different rules.
Rules that link sessions (tracks, speakers' days, …) are not covered: their share is bounded by 0.
"""

from __future__ import annotations

import time
from collections import defaultdict

from ortools.linear_solver import pywraplp

from solver.config import Config
from solver.engine.candidates import Candidates
from solver.inputs import Problem

# building and solving the relaxation, measured: 1.6 s for 75,000 (session, room) pairs, 22 s for 750,000
SECONDS_PER_VARIABLE = 2e-5


def lower_bound(problem: Problem, config: Config, candidates: Candidates, deadline: float | None = None,
                suggested: dict[str, list[str]] | None = None) -> tuple[float, tuple[str, ...]]:
    """(bound, the rules it covers). With a `suggested` dict, the room relaxation's choice of rooms for each
    session (most first) is put there, when it was solved."""
    relaxation = room_relaxation(problem, config, candidates, deadline)
    rooms_share = None if relaxation is None else relaxation[0]
    if relaxation is not None and suggested is not None:
        suggested.update(relaxation[1])
    if rooms_share is None:  # no time, or the relaxation would not be valid: each session's cheapest room
        rooms_share = float(sum(min((o.cost for o in candidates.of(s).rooms.values()), default=0)
                                for s in problem.sessions))
    time_share = sum(min((o.cost for o in candidates.of(s).runs.values()), default=0) for s in problem.sessions)
    covers = [rc.name for rc in config.enabled if rc.rule.unary and not rc.settings.hard
              and rc.rule.scope in ("room", "time")]
    rules_share = 0
    if config.is_hard("all_scheduled"):  # the rules' own bounds hold for schedules placing every session
        for rc in config.enabled:
            if rc.rule.bound is not None and not rc.settings.hard and rc.settings.weight:
                rules_share += rc.settings.weight * rc.rule.bound(problem, rc.params)
                covers.append(rc.name)
    return rooms_share + time_share + rules_share, tuple(covers)


def room_relaxation(problem: Problem, config: Config, candidates: Candidates,
                    deadline: float | None = None) -> tuple[float, dict[str, list[str]]] | None:
    """The relaxation's optimum and the rooms it gives each session (most first); None when it would not be
    valid (sessions may stay unscheduled, rooms may clash) or was not solved in the time left."""
    if not (config.is_hard("all_scheduled") and config.is_hard("room_conflict")):
        return None
    by_kind = config.is_hard("slot_kind")
    closures = config.is_hard("room_closures")
    pins = config.is_hard("pins")
    variables = sum(len(candidates.of(s).rooms) for s in problem.sessions)
    if deadline is not None and variables * SECONDS_PER_VARIABLE > deadline - time.perf_counter():
        return None  # it would not finish in time: better not start
    lp = pywraplp.Solver.CreateSolver("GLOP")
    if lp is None:
        return None
    usage: dict[tuple[str, str | None], list] = defaultdict(list)
    objective = lp.Objective()
    chosen: dict[str, list[tuple[str, pywraplp.Variable]]] = {}
    for s in problem.sessions:
        rooms = candidates.of(s).rooms
        row = lp.Constraint(1.0, 1.0)
        mine = chosen[s.session_id] = []
        for room_id, option in rooms.items():
            if pins and s.room and room_id != s.room:
                continue
            z = lp.NumVar(0.0, 1.0, "")
            mine.append((room_id, z))
            objective.SetCoefficient(z, float(option.cost))
            row.SetCoefficient(z, 1.0)
            usage[(room_id, s.kind if by_kind else None)].append((z, s.slots_needed))
        if deadline is not None and time.perf_counter() > deadline:
            return None
    for (room_id, kind), terms in usage.items():
        open_slots = sum(
            1 for t in problem.slots
            if (not by_kind or t.kind == kind)
            and not (closures and problem.unavailable_during(room_id, (t,)))
        )
        row = lp.Constraint(0.0, float(open_slots))
        for z, length in terms:
            row.SetCoefficient(z, float(length))
    objective.SetMinimization()
    if deadline is not None:
        left = deadline - time.perf_counter()
        if left <= 0.5:
            return None
        lp.SetTimeLimit(int(1000 * left))
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    rooms_of = {sid: [r for r, z in sorted(mine, key=lambda m: -m[1].solution_value()) if z.solution_value() > 1e-6]
                for sid, mine in chosen.items()}
    return float(objective.Value()), rooms_of
