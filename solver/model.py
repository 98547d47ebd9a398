"""Build the CP-SAT model: one literal per allowed (session, room, first slot), then each rule adds itself.

Hard per-placement rules prune before any literal exists; soft ones put a cost on the literal; rules that link
sessions (rooms and speakers double-booked, …) add their constraints through a `BuildContext`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from solver.config import Config, RuleConfig
from solver.inputs import Problem, Session
from solver.rules.base import BuildContext, Guards, JudgeView, ModelIndex, Penalty, Placed, Placement

Key = tuple[str, str, str]  # (session_id, room_id, first slot_id)


@dataclass
class Unplaceable:
    """A session that no (room, slot) admits under the hard rules, and the sentences that say why."""

    session: Session
    reasons: list[str]

    def sentence(self) -> str:
        s = self.session
        head = f"Session {s.session_id} « {s.title} » has no room and slot that meets every hard rule"
        if not self.reasons:
            return head + " (its length does not fit in any day)." if self.session.slots_needed > 1 else head + "."
        return head + ": " + "; ".join(self.reasons) + "."


@dataclass
class BuiltModel:
    """The CP-SAT model with what is needed to read a solution back."""

    cp: cp_model.CpModel
    placements: dict[Key, Placement]
    literals: dict[Key, cp_model.IntVar]
    penalties: list[Penalty] = field(default_factory=list)
    unplaceable: list[Unplaceable] = field(default_factory=list)
    unit_costs: dict[Key, int] = field(default_factory=dict)  # soft per-placement cost of each literal
    index: ModelIndex | None = None

    @property
    def size(self) -> int:
        return len(self.literals)


def candidate_runs(problem: Problem, session: Session) -> list[tuple]:
    """Every run of slots the session could occupy (its first slot and the next length−1 of that day)."""
    runs = []
    for slot in problem.slots:
        run = problem.run(slot.slot_id, session.slots_needed)
        if run is not None:
            runs.append(run)
    return runs


def _why_not(problem: Problem, session: Session, hard: list[RuleConfig], max_reasons: int = 8) -> list[str]:
    """Sentences from each hard rule's judge about the placements it rules out for `session`."""
    reasons: dict[str, None] = {}
    for run in candidate_runs(problem, session):
        for room in problem.rooms:
            view = JudgeView(problem, (Placed(session, room, run),))
            for rc in hard:
                for v in rc.rule.judge(view, rc.params):
                    reasons.setdefault(f"{rc.name}: {v.message}")
    listed = list(reasons)
    more = len(listed) - max_reasons
    return listed[:max_reasons] + ([f"and {more} more"] if more > 0 else [])


def build_model(problem: Problem, config: Config, guards: Guards | None = None,
                rooms_per_session: int | None = None, suggested: dict[str, list[str]] | None = None) -> BuiltModel:
    """Variables for allowed placements only, at most one per session, then every enabled rule.

    Per-placement rules are evaluated by scope: rules on the room alone once per (session, room), rules on the
    slots alone once per (session, run of slots), and only the others per (session, room, run).
    With `guards` (explaining infeasibility), hard per-placement rules do not prune: each forbids its
    placements only while the guard of the entity at fault (a session, a speaker, a room) holds.
    With `rooms_per_session` K, each session keeps only its K cheapest rooms, plus its `suggested` rooms (from
    the room relaxation) and a pinned or previous room: a heuristic for big conferences; the bound CP-SAT
    proves is then the restricted problem's, not the conference's.
    """
    cp = guards.model if guards is not None else cp_model.CpModel()
    built = BuiltModel(cp, {}, {})
    unary = [rc for rc in config.enabled if rc.rule.unary]
    soft_terms: dict[str, tuple[list[cp_model.IntVar], list[int]]] = defaultdict(lambda: ([], []))
    must_schedule = config.is_hard("all_scheduled")

    for session in problem.sessions:
        rules = [rc for rc in unary if rc.rule.relevant(problem, session)]
        runs = candidate_runs(problem, session)
        if not runs:
            if must_schedule:
                built.unplaceable.append(Unplaceable(session, []))
            continue
        rooms = _scoped(problem, rules, "room", guards,
                        [(r.room_id, Placement(session, r, runs[0])) for r in problem.rooms])
        if rooms_per_session:
            extra = (suggested or {}).get(session.session_id, [])
            rooms = _cheapest(problem, session, rooms, rooms_per_session, extra)
        times = _scoped(problem, rules, "time", guards,
                        [(run[0].slot_id, Placement(session, problem.rooms[0], run)) for run in runs])
        joint = [rc for rc in rules if rc.rule.scope == "both"]
        mine: list[cp_model.IntVar] = []
        for slot_id, (run_p, run_against, run_costs) in times.items():
            for room_id, (room_p, room_against, room_costs) in rooms.items():
                placement = Placement(session, room_p.room, run_p.slots)
                joint_against, joint_costs = _evaluate(problem, joint, placement)
                against = room_against + run_against + joint_against
                costs = room_costs + run_costs + joint_costs
                if against and guards is None:
                    continue
                key = (session.session_id, room_id, slot_id)
                lit = cp.new_bool_var(f"x[{key[0]},{key[1]},{key[2]}]")
                built.placements[key] = placement
                built.literals[key] = lit
                mine.append(lit)
                for rc in against:
                    for entity in rc.rule.entities(problem, rc.params, placement):
                        cp.add_implication(guards.get(rc.name, entity), lit.Not())  # type: ignore[union-attr]
                for name, weight in costs:
                    if weight:
                        soft_terms[name][0].append(lit)
                        soft_terms[name][1].append(weight)
                built.unit_costs[key] = sum(w for _, w in costs)
        if not mine and must_schedule:
            built.unplaceable.append(Unplaceable(session, _why_not(problem, session, [rc for rc in rules
                                                                                     if rc.settings.hard])))
        if len(mine) > 1:
            cp.add_at_most_one(mine)  # a session is in one place at most; all_scheduled asks for at least one

    for name, (lits, weights) in soft_terms.items():
        built.penalties.append(Penalty(name, 1, cp_model.LinearExpr.weighted_sum(lits, weights)))

    index = built.index = ModelIndex(problem, built.placements, built.literals)
    for rc in config.enabled:
        if rc.rule.add is None:
            continue
        ctx = BuildContext(cp, problem, index, rc.name, rc.settings, rc.params, guards=guards)
        rc.rule.add(ctx)
        built.penalties.extend(ctx.penalties)

    if built.penalties:
        cp.minimize(cp_model.LinearExpr.weighted_sum([p.expr for p in built.penalties],
                                                      [p.weight for p in built.penalties]))
    return built


Scoped = dict[str, tuple[Placement, list[RuleConfig], list[tuple[str, int]]]]


def _scoped(problem: Problem, rules: list[RuleConfig], scope: str, guards: Guards | None,
            candidates: list[tuple[str, Placement]]) -> Scoped:
    """For each candidate room (or run of slots): the hard rules of that scope it breaks, and its soft costs.

    Candidates that break a hard rule are dropped, unless explaining (then they are kept with the rules)."""
    out: Scoped = {}
    mine = [rc for rc in rules if rc.rule.scope == scope]
    for key, placement in candidates:
        against, costs = _evaluate(problem, mine, placement)
        if against and guards is None:
            continue
        out[key] = (placement, against, costs)
    return out


def _evaluate(problem: Problem, rules: list[RuleConfig],
              placement: Placement) -> tuple[list[RuleConfig], list[tuple[str, int]]]:
    """The hard rules `placement` breaks, and what it costs under the soft ones (rule, weight × amount)."""
    against: list[RuleConfig] = []
    costs: list[tuple[str, int]] = []
    for rc in rules:
        assert rc.rule.cost is not None
        amount = rc.rule.cost(problem, rc.params, placement)
        if amount and rc.settings.hard:
            against.append(rc)
        elif amount:
            costs.append((rc.name, rc.settings.weight * amount))
    return against, costs


def _cheapest(problem: Problem, session: Session, rooms: Scoped, k: int, extra: list[str]) -> Scoped:
    """The `k` rooms of least soft cost (then fewest seats), and the `extra`, pinned or previous rooms."""
    keep = {session.room, problem.previous.get(session.session_id, ("", ""))[0], *extra}
    ranked = sorted(rooms, key=lambda r: (sum(c for _, c in rooms[r][2]), rooms[r][0].room.capacity, r))
    chosen = set(ranked[:k]) | (keep & set(rooms))
    return {r: v for r, v in rooms.items() if r in chosen}
