"""Build a CP-SAT model: one literal per allowed (session, room, first slot), then each rule adds itself.

Hard per-placement rules prune before any literal exists; soft ones put a cost on the literal; rules that link
sessions (rooms and speakers double-booked, …) add their constraints through a `BuildContext`. The same
builder makes the full model (small conferences, explanations) and the neighbourhood models of the large
neighbourhood search, where most sessions are fixed where they are and only a few may move.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from solver.config import Config, RuleConfig
from solver.engine.candidates import Candidates, Key, candidate_runs
from solver.inputs import Problem, Session
from solver.language import say
from solver.rules import places_every_session
from solver.rules.base import BuildContext, Guards, JudgeView, ModelIndex, Penalty, Placed, Placement

LEVEL = 1_000_000  # one penalty point at level k + 1 outweighs this many at level k


def level_scales(config: Config) -> dict[str, int]:
    """Each rule's multiplier in the model's objective: LEVEL ** its level (1 for every rule at level 0)."""
    return {rc.name: LEVEL ** rc.settings.level for rc in config.enabled}


def levelled(config: Config, built: BuiltModel) -> bool:
    """Whether the model's objective scales some of its terms by a level (then its bound is in other units)."""
    scale = level_scales(config)
    return any(scale.get(p.rule, 1) > 1 for p in built.penalties)


@dataclass
class Unplaceable:
    """A session that no (room, slot) admits under the hard rules, and the sentences that say why."""

    session: Session
    reasons: list[str]

    def sentence(self) -> str:
        """In the current language (solver.language)."""
        s = self.session
        if not self.reasons:
            if s.slots_needed > 1:
                return say("Session {id} « {title} » has no room and slot that meets every hard rule (its length "
                           "does not fit in any day).", id=s.session_id, title=s.title)
            return say("Session {id} « {title} » has no room and slot that meets every hard rule.", id=s.session_id,
                       title=s.title)
        return say("Session {id} « {title} » has no room and slot that meets every hard rule: {reasons}.",
                   id=s.session_id, title=s.title, reasons="; ".join(self.reasons))


@dataclass
class BuiltModel:
    """The CP-SAT model with what is needed to read a solution back."""

    cp: cp_model.CpModel
    placements: dict[Key, Placement]
    literals: dict[Key, cp_model.IntVar]
    penalties: list[Penalty] = field(default_factory=list)
    unplaceable: list[Unplaceable] = field(default_factory=list)
    index: ModelIndex | None = None

    @property
    def size(self) -> int:
        return len(self.literals)

    def chosen(self, solver: cp_model.CpSolver) -> dict[str, Key]:
        """session_id -> its placement in the solver's current solution."""
        return {key[0]: key for key, lit in self.literals.items() if solver.boolean_value(lit)}


def why_not(problem: Problem, session: Session, hard: list[RuleConfig], max_reasons: int = 8) -> list[str]:
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
    return listed[:max_reasons] + ([say("and {n} more", n=more)] if more > 0 else [])


def build_model(problem: Problem, config: Config, guards: Guards | None = None,
                candidates: Candidates | None = None,
                only: dict[str, Iterable[tuple[str, str]]] | None = None,
                fixed: Iterable[str] = (), groups: Mapping[str, Collection[str]] | None = None) -> BuiltModel:
    """Variables for allowed placements only, at most one per session, then every enabled rule.

    With `guards` (explaining infeasibility), hard per-placement rules do not prune: each forbids its
    placements only while the guard of the entity at fault (a session, a speaker, a room) holds.
    With `only`, each session listed there may take only the (room_id, first slot_id) pairs given (still
    subject to the hard rules); sessions in `fixed` must take their (single) pair: a neighbourhood model.
    With `groups` (rule name -> session ids), a rule named there sees only those sessions: in a neighbourhood model,
    the free sessions and the fixed ones its terms can link to them (the rest only adds constants).
    """
    cp = guards.model if guards is not None else cp_model.CpModel()
    candidates = candidates or Candidates(problem, config, guards)
    built = BuiltModel(cp, {}, {})
    soft_terms: dict[str, tuple[list[cp_model.IntVar], list[int]]] = defaultdict(lambda: ([], []))
    must_schedule = places_every_session(config.is_hard)
    fixed = set(fixed)
    forced: list[tuple[str, str, str]] = []  # the fixed sessions' placements: known to hold
    counted = {rc.name for rc in config.enabled if not rc.settings.hard}  # candidates may price more rules

    for session in problem.sessions:
        options = candidates.of(session)
        sid = session.session_id
        if only is not None and sid in only:
            pairs: Iterable[tuple[str, str]] = [(r, t) for r, t in only[sid]
                                                if r in options.rooms and t in options.runs]
        else:
            pairs = ((r, t) for t in options.runs for r in options.rooms)
        mine: list[cp_model.IntVar] = []
        pairs_kept: list[tuple[str, str]] = []
        for room_id, slot_id in pairs:
            placement, against, costs = options.pair(problem, room_id, slot_id)
            if against and guards is None:
                continue
            key = (sid, room_id, slot_id)
            lit = cp.new_bool_var(f"x[{sid},{room_id},{slot_id}]")
            built.placements[key] = placement
            built.literals[key] = lit
            mine.append(lit)
            pairs_kept.append((room_id, slot_id))
            for rc in against:
                for entity in rc.rule.entities(problem, rc.params, placement):
                    cp.add_implication(guards.get(rc.name, entity), lit.Not())  # type: ignore[union-attr]
            for name, weight in costs:
                if weight and name in counted:
                    soft_terms[name][0].append(lit)
                    soft_terms[name][1].append(weight)
        if not mine and must_schedule and sid not in fixed:
            hard = [rc for rc in candidates.unary if rc.settings.hard and rc.rule.relevant(problem, session)]
            reasons = why_not(problem, session, hard) if only is None or sid not in only else []
            built.unplaceable.append(Unplaceable(session, reasons))
        if sid in fixed and len(mine) == 1:
            cp.add_bool_or(mine)
            forced.append((sid, *pairs_kept[0]))
        elif len(mine) > 1:
            cp.add_at_most_one(mine)  # a session is in one place at most; all_scheduled asks for at least one

    for name, (lits, weights) in soft_terms.items():
        built.penalties.append(Penalty(name, 1, cp_model.LinearExpr.weighted_sum(lits, weights)))

    index = built.index = ModelIndex(problem, built.placements, built.literals, frozenset(forced))
    narrowed: dict[frozenset[str], tuple[Problem, ModelIndex]] = {}
    for rc in config.enabled:
        if rc.rule.add is None:
            continue
        here, index_here = problem, index
        if groups is not None and rc.name in groups:
            group = frozenset(groups[rc.name])
            if group not in narrowed:
                sub = problem.restricted(group)
                narrowed[group] = sub, index.narrowed(sub, group)
            here, index_here = narrowed[group]
        ctx = BuildContext(cp, here, index_here, rc.name, rc.settings, rc.params, guards=guards)
        rc.rule.add(ctx)
        built.penalties.extend(ctx.penalties)

    if built.penalties:
        scale = level_scales(config)
        cp.minimize(cp_model.LinearExpr.weighted_sum([p.expr for p in built.penalties],
                                                      [p.weight * scale.get(p.rule, 1) for p in built.penalties]))
    return built
