"""Lower bounds on the objective of any schedule, each saying which rules it accounts for.

- The room relaxation: each session takes one room it may use, each room holds at most as many sessions of a
  class as it has open slots of that class, the per-room soft costs (empty seats, room preferences) minimized.
  A class of slots is a group that no session's runs connect to another (e.g. the plenary slots, when only
  plenaries may use them); a rule closes (room, slot) pairs through its `closes` hook and narrows a session's
  rooms through `rooms_for`; rooms are exclusive when a hard rule owns them (`owners`).
  This transportation problem drops every timing rule, so its optimum is a valid lower bound on the room-scoped
  rules' share of the objective (GLOP).
- Each session's cheapest run of slots: a valid lower bound on the time-scoped rules' share (slot and speaker
  preferences), added to the first since the two count different rules.
Rules that link sessions (tracks, speakers' days, …) are not covered: their share is bounded by 0.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable

from ortools.linear_solver import pywraplp

from solver.config import Config
from solver.engine.candidates import Candidates
from solver.engine.cpsat import in_worker
from solver.inputs import Problem
from solver.rules import places_every_session
from solver.rules.base import Placement

# building and solving the relaxation, measured: 1.6 s for 75,000 (session, room) pairs, 22 s for 750,000
SECONDS_PER_VARIABLE = 2e-5


def lower_bound(problem: Problem, config: Config, candidates: Candidates, deadline: float | None = None,
                suggested: dict[str, list[str]] | None = None,
                stop: Callable[[], bool] = lambda: False) -> tuple[float, tuple[str, ...]]:
    """(bound, the rules it covers). With a `suggested` dict, the room relaxation's choice of rooms for each
    session (most first) is put there, when it was solved. `stop()` (a Ctrl-C) abandons the relaxation within a
    few hundredths of a second (the bound then falls back to each session's cheapest room)."""
    relaxation = room_relaxation(problem, config, candidates, deadline, stop)
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
    if places_every_session(config.is_hard):  # the rules' own bounds hold for schedules placing every session
        for rc in config.enabled:
            if rc.rule.bound is not None and not rc.settings.hard and rc.settings.weight:
                rules_share += rc.settings.weight * rc.rule.bound(problem, rc.params)
                covers.append(rc.name)
    return rooms_share + time_share + rules_share, tuple(covers)


def _classes(problem: Problem, candidates: Candidates) -> tuple[dict[str, str], dict[str, str]]:
    """Each slot's class and each session's class: slots joined by some session's runs share a class."""
    parent = {t.slot_id: t.slot_id for t in problem.slots}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    used: dict[str, str] = {}
    for s in problem.sessions:
        slots = [t.slot_id for o in candidates.of(s).runs.values() for t in o.placement.slots]
        for t in slots[1:]:
            a, b = root(slots[0]), root(t)
            if a != b:
                parent[a] = b
        if slots:
            used[s.session_id] = slots[0]
    return ({t: root(t) for t in parent}, {sid: root(t) for sid, t in used.items()})


def room_relaxation(problem: Problem, config: Config, candidates: Candidates, deadline: float | None = None,
                    stop: Callable[[], bool] = lambda: False) -> tuple[float, dict[str, list[str]]] | None:
    """The relaxation's optimum and the rooms it gives each session (most first); None when it would not be
    valid (sessions may stay unscheduled, rooms may clash), was not solved in the time left, or `stop()`."""
    hard = [rc for rc in config.enabled if rc.settings.hard]
    rooms_exclusive = bool(problem.sessions and problem.rooms and problem.slots) and any(
        rc.rule.owners is not None and problem.rooms[0].room_id in rc.rule.owners(
            Placement(problem.sessions[0], problem.rooms[0], (problem.slots[0],)))
        for rc in hard)
    if not (places_every_session(config.is_hard) and rooms_exclusive):
        return None
    closing = [(rc.rule.closes, rc.params) for rc in hard if rc.rule.closes is not None]
    narrowing = [rc for rc in hard if rc.rule.rooms_for is not None]
    variables = sum(len(candidates.of(s).rooms) for s in problem.sessions)
    if deadline is not None and variables * SECONDS_PER_VARIABLE > deadline - time.perf_counter():
        return None  # it would not finish in time: better not start
    lp = pywraplp.Solver.CreateSolver("GLOP")
    if lp is None:
        return None
    usage: dict[tuple[str, str | None], list] = defaultdict(list)
    objective = lp.Objective()
    chosen: dict[str, list[tuple[str, pywraplp.Variable]]] = {}
    slot_class, session_class = _classes(problem, candidates)
    for s in problem.sessions:
        rooms = candidates.of(s).rooms
        row = lp.Constraint(1.0, 1.0)
        mine = chosen[s.session_id] = []
        allowed: set[str] | None = None
        for rc in narrowing:
            narrowed = rc.rule.rooms_for(problem, rc.params, s)  # type: ignore[misc]
            if narrowed is not None:
                allowed = set(narrowed) if allowed is None else allowed & set(narrowed)
        for room_id, option in rooms.items():
            if allowed is not None and room_id not in allowed:
                continue
            z = lp.NumVar(0.0, 1.0, "")
            mine.append((room_id, z))
            objective.SetCoefficient(z, float(option.cost))
            row.SetCoefficient(z, 1.0)
            usage[(room_id, session_class.get(s.session_id))].append((z, s.slots_needed))
        if (deadline is not None and time.perf_counter() > deadline) or stop():
            return None
    for (room_id, cls), terms in usage.items():
        open_slots = sum(1 for t in problem.slots if slot_class[t.slot_id] == cls
                         and not any(closes(problem, params, room_id, t) for closes, params in closing))
        row = lp.Constraint(0.0, float(open_slots))
        for z, length in terms:
            row.SetCoefficient(z, float(length))
    objective.SetMinimization()
    if deadline is not None:
        left = deadline - time.perf_counter()
        if left <= 0.5:
            return None
        lp.SetTimeLimit(int(1000 * left))
    if _solved(lp, stop) != pywraplp.Solver.OPTIMAL:
        return None
    rooms_of = {sid: [r for r, z in sorted(mine, key=lambda m: -m[1].solution_value()) if z.solution_value() > 1e-6]
                for sid, mine in chosen.items()}
    return float(objective.Value()), rooms_of


def _solved(lp: pywraplp.Solver, stop: Callable[[], bool]) -> int:
    """`lp.Solve()` in a worker thread (GLOP lets go of the GIL), interrupted as soon as `stop()`: the calling
    thread stays free to run the Ctrl-C handler. Returns the status (NOT_SOLVED when interrupted)."""
    status, asked = in_worker(lp.Solve, lp.InterruptSolve, stop, "glop")
    return status if status is not None and not asked else pywraplp.Solver.NOT_SOLVED
