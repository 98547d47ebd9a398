"""Where each session may go: the rooms and runs of slots the hard per-placement rules allow, and their costs.

Per-placement rules are evaluated by scope and cached: rules on the room alone once per (session, room), rules
on the slots alone once per (session, run of slots), and the others (`both`) only for the (room, run) pairs
someone actually asks about. Construction, the neighbourhood models and the full model all read from here, so
a placement costs the same wherever it is considered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from solver.config import Config, RuleConfig
from solver.inputs import Problem, Session, Slot
from solver.rules.base import Guards, Placement

Key = tuple[str, str, str]  # (session_id, room_id, first slot_id)
Costs = list[tuple[str, int]]  # (rule, weight × amount)


class Option(NamedTuple):
    """A room (or a run of slots) a session may use, the hard rules it breaks (kept only when explaining),
    and its soft costs (a tuple: big conferences have millions)."""

    placement: Placement
    against: list[RuleConfig]
    costs: Costs

    @property
    def cost(self) -> int:
        return sum(c for _, c in self.costs)


@dataclass
class SessionOptions:
    """One session's rooms and runs (first slot id -> run), cheapest first, and the rules of scope `both`."""

    session: Session
    rooms: dict[str, Option]
    runs: dict[str, Option]
    joint: list[RuleConfig]
    _joint: dict[tuple[str, str], tuple[list[RuleConfig], Costs]] = field(default_factory=dict)
    _days: list[tuple[dt.date, list[str]]] | None = None

    @property
    def run_days(self) -> list[tuple[str, dt.date]]:
        """(first slot id, day) of each run, cheapest first."""
        return [(slot_id, o.placement.slots[0].day) for slot_id, o in self.runs.items()]

    def days(self) -> list[tuple[dt.date, list[str]]]:
        """The runs grouped by day (days by their cheapest run, runs cheapest first within a day)."""
        if self._days is None:
            grouped: dict[dt.date, list[str]] = {}
            for slot_id, day in self.run_days:
                grouped.setdefault(day, []).append(slot_id)
            self._days = list(grouped.items())
        return self._days

    def pair(self, problem: Problem, room_id: str, slot_id: str) -> tuple[Placement, list[RuleConfig], Costs]:
        """The placement in `room_id` starting at `slot_id`: rules it breaks and its costs, all scopes."""
        room, run = self.rooms[room_id], self.runs[slot_id]
        placement = Placement(self.session, room.placement.room, run.placement.slots)
        if not self.joint:
            return placement, room.against + run.against, room.costs + run.costs
        key = (room_id, slot_id)
        if key not in self._joint:
            self._joint[key] = evaluate(problem, self.joint, placement)
        against, costs = self._joint[key]
        return placement, room.against + run.against + against, room.costs + run.costs + costs

    def allowed(self, problem: Problem, room_id: str, slot_id: str) -> bool:
        return not self.pair(problem, room_id, slot_id)[1]

    def cost(self, problem: Problem, room_id: str, slot_id: str) -> int:
        return sum(c for _, c in self.pair(problem, room_id, slot_id)[2])


class Candidates:
    """Lazily computed `SessionOptions` for every session of a problem under one configuration."""

    def __init__(self, problem: Problem, config: Config, guards: Guards | None = None) -> None:
        self.problem = problem
        self.guards = guards
        self.unary = [rc for rc in config.enabled if rc.rule.unary]
        self._cache: dict[str, SessionOptions] = {}
        self._runs: dict[int, list[tuple[Slot, ...]]] = {}

    def of(self, session: Session) -> SessionOptions:
        if session.session_id not in self._cache:
            self._cache[session.session_id] = self._compute(session)
        return self._cache[session.session_id]

    def _compute(self, session: Session) -> SessionOptions:
        problem = self.problem
        rules = [rc for rc in self.unary if rc.rule.relevant(problem, session)]
        if session.slots_needed not in self._runs:  # runs depend on the length only
            self._runs[session.slots_needed] = candidate_runs(problem, session)
        runs = self._runs[session.slots_needed]
        if not runs:
            return SessionOptions(session, {}, {}, [])
        rooms = self._scoped(rules, "room", [(r.room_id, Placement(session, r, runs[0])) for r in problem.rooms])
        times = self._scoped(rules, "time", [(run[0].slot_id, Placement(session, problem.rooms[0], run))
                                             for run in runs])
        rooms = dict(sorted(rooms.items(), key=lambda kv: (kv[1].cost, kv[1].placement.room.capacity, kv[0])))
        times = dict(sorted(times.items(), key=lambda kv: kv[1].cost))
        return SessionOptions(session, rooms, times, [rc for rc in rules if rc.rule.scope == "both"])

    def _scoped(self, rules: list[RuleConfig], scope: str,
                candidates: list[tuple[str, Placement]]) -> dict[str, Option]:
        """Candidates that break a hard rule of this scope are dropped, unless explaining."""
        out: dict[str, Option] = {}
        mine = [rc for rc in rules if rc.rule.scope == scope]
        if self.guards is not None:
            for key, placement in candidates:
                against, costs = evaluate(self.problem, mine, placement)
                out[key] = Option(placement, against, costs)
            return out
        problem = self.problem
        hard = [(rc.rule.cost, rc.params) for rc in mine if rc.settings.hard]
        soft = [(rc.name, rc.settings.weight, rc.rule.cost, rc.params) for rc in mine if not rc.settings.hard]
        for key, placement in candidates:  # the hot loop of big conferences: hard rules first, stop at one
            broken = False
            for rule_cost, rule_params in hard:
                if rule_cost(problem, rule_params, placement):  # type: ignore[misc]
                    broken = True
                    break
            if broken:
                continue
            found: Costs = []
            for name, weight, cost, params in soft:
                amount = cost(problem, params, placement)  # type: ignore[misc]
                if amount:
                    found.append((name, weight * amount))
            out[key] = Option(placement, [], found)
        return out


def candidate_runs(problem: Problem, session: Session) -> list[tuple[Slot, ...]]:
    """Every run of slots the session could occupy (its first slot and the next length−1 of that day)."""
    runs = []
    for slot in problem.slots:
        run = problem.run(slot.slot_id, session.slots_needed)
        if run is not None:
            runs.append(run)
    return runs


def evaluate(problem: Problem, rules: list[RuleConfig], placement: Placement) -> tuple[list[RuleConfig], Costs]:
    """The hard rules `placement` breaks, and what it costs under the soft ones (rule, weight × amount)."""
    against: list[RuleConfig] = []
    costs: Costs = []
    for rc in rules:
        assert rc.rule.cost is not None
        amount = rc.rule.cost(problem, rc.params, placement)
        if amount and rc.settings.hard:
            against.append(rc)
        elif amount:
            costs.append((rc.name, rc.settings.weight * amount))
    return against, costs
