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


def build_model(problem: Problem, config: Config, guards: Guards | None = None) -> BuiltModel:
    """Variables for allowed placements only, at most one per session, then every enabled rule.

    With `guards` (explaining infeasibility), hard per-placement rules do not prune: each forbids its
    placements only while the guard of the entity at fault (a session, a speaker, a room) holds.
    """
    cp = guards.model if guards is not None else cp_model.CpModel()
    built = BuiltModel(cp, {}, {})
    unary = [rc for rc in config.enabled if rc.rule.unary]
    hard_unary = [rc for rc in unary if rc.settings.hard]
    soft_unary = [rc for rc in unary if not rc.settings.hard]
    soft_terms: dict[str, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    must_schedule = any(rc.name == "all_scheduled" and rc.settings.hard for rc in config.enabled)

    for session in problem.sessions:
        mine: list[cp_model.IntVar] = []
        for run in candidate_runs(problem, session):
            for room in problem.rooms:
                placement = Placement(session, room, run)
                against = [rc for rc in hard_unary if rc.rule.cost(problem, rc.params, placement)]
                if against and guards is None:
                    continue
                key = (session.session_id, room.room_id, run[0].slot_id)
                lit = cp.new_bool_var(f"x[{key[0]},{key[1]},{key[2]}]")
                for rc in against:
                    for entity in rc.rule.entities(problem, rc.params, placement):
                        cp.add_implication(guards.get(rc.name, entity), lit.Not())  # type: ignore[union-attr]
                built.placements[key] = placement
                built.literals[key] = lit
                mine.append(lit)
                for rc in soft_unary:
                    amount = rc.rule.cost(problem, rc.params, placement)
                    if amount and rc.settings.weight:
                        soft_terms[rc.name].append((rc.settings.weight * amount, lit))
        if not mine and must_schedule:
            built.unplaceable.append(Unplaceable(session, _why_not(problem, session, hard_unary)))
        if len(mine) > 1:
            cp.add_at_most_one(mine)  # a session is in one place at most; all_scheduled asks for at least one

    for name, terms in soft_terms.items():
        built.penalties.append(
            Penalty(name, 1, cp_model.LinearExpr.weighted_sum([lit for _, lit in terms], [w for w, _ in terms]))
        )

    index = ModelIndex(problem, built.placements, built.literals)
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
