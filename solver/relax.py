"""The room relaxation: which room each session would take if time did not matter, and what that costs.

Each session gets one room it may use (hard per-room rules), each room holds at most as many sessions of a kind
as it has open slots of that kind, and the per-room soft costs (empty seats, room preferences) are minimized.
This transportation problem drops every timing rule, so its optimum is a valid lower bound on the objective of
any schedule; its solution also says which rooms are worth offering each session on a big conference.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from solver.config import Config
from solver.inputs import Problem
from solver.model import candidate_runs
from solver.rules.base import Placement


@dataclass(frozen=True)
class Relaxation:
    bound: float  # no schedule meeting every hard rule costs less
    rooms: dict[str, list[str]]  # session_id -> rooms the relaxation uses for it (most first)



def room_relaxation(problem: Problem, config: Config) -> Relaxation | None:
    """None when the relaxation would not be valid (sessions may stay unscheduled, rooms may clash)."""
    if not (config.is_hard("all_scheduled") and config.is_hard("room_conflict")):
        return None
    room_rules = [rc for rc in config.enabled if rc.rule.cost is not None and rc.rule.scope == "room"]
    by_kind = config.is_hard("slot_kind")
    closures = config.is_hard("room_closures")
    pins = config.is_hard("pins")
    lp = pywraplp.Solver.CreateSolver("GLOP")
    if lp is None:
        return None
    usage: dict[tuple[str, str | None], list] = defaultdict(list)
    variables: dict[str, list[tuple[str, pywraplp.Variable]]] = {}
    objective = lp.Objective()
    for s in problem.sessions:
        runs = candidate_runs(problem, s)
        if not runs:
            return None
        mine = []
        for room in problem.rooms:
            if pins and s.room and room.room_id != s.room:
                continue
            placement = Placement(s, room, runs[0])
            amounts = [(rc, rc.rule.cost(problem, rc.params, placement)) for rc in room_rules
                       if rc.rule.cost is not None]
            if any(a and rc.settings.hard for rc, a in amounts):
                continue
            z = lp.NumVar(0.0, 1.0, "")
            objective.SetCoefficient(z, float(sum(rc.settings.weight * a for rc, a in amounts if not rc.settings.hard)))
            mine.append((room.room_id, z))
            usage[(room.room_id, s.kind if by_kind else None)].append((z, s.slots_needed))
        if not mine:
            return None
        row = lp.Constraint(1.0, 1.0)
        for _, z in mine:
            row.SetCoefficient(z, 1.0)
        variables[s.session_id] = mine
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
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    rooms = {sid: [r for r, z in sorted(mine, key=lambda m: -m[1].solution_value()) if z.solution_value() > 1e-6]
             for sid, mine in variables.items()}
    return Relaxation(objective.Value(), rooms)
