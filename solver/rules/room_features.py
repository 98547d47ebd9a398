"""Hard: the room has every feature the session requires (when soft, each missing feature costs the weight)."""

from __future__ import annotations

from solver.inputs import Problem
from solver.language import listed, say
from solver.rules.base import JudgeView, Params, Placement, RuleSettings, Violation
from solver.rules.findings import Finding, SessionCheck

NAME = "room_features"
DEFAULTS = RuleSettings(hard=True, weight=10)
MODES = ("hard", "soft")
SCOPE = "room"  # the cost depends on the session and the room only
UNIT = "missing feature"
SPECIFICITY = 50
PRECHECK_ORDER = 10  # first: the rooms with the features are those the capacity check looks at


def relevant(problem: Problem, session) -> bool:
    """Only a session that requires features can miss one."""
    return bool(session.requires)


def cost(problem: Problem, params: Params, p: Placement) -> int:
    return len(set(p.session.requires) - set(p.room.features))


def judge(view: JudgeView, params: Params) -> list[Violation]:
    out = []
    for p in view.placed:
        missing = [f for f in p.session.requires if f not in p.room.features]
        if missing:
            out.append(Violation(
                NAME, len(missing),
                say("{id} requires {features}, which {room} does not have", id=p.session.session_id,
                    features=listed(missing), room=p.room.name),
                (p.session.session_id,),
            ))
    return out


def precheck(check: SessionCheck, params: Params) -> list[Finding]:
    """Narrow the rooms to those with every required feature; none is a reason of its own."""
    s = check.session
    if not s.requires:
        return []
    check.rooms = [r for r in check.rooms if set(s.requires) <= set(r.features)]
    if check.rooms:
        return []
    check.stop = True
    have = {f: [r.room_id for r in check.problem.rooms if f in r.features] for f in s.requires}
    detail = "; ".join(say("{feature}: {rooms}", feature=f, rooms=", ".join(v) if v else say("no room"))
                       for f, v in have.items())
    return [Finding(say("{id} requires {features}, but no room has all of them ({detail})", id=s.session_id,
                        features=listed(s.requires), detail=detail), check.ids, NAME)]


def core_sentence(problem: Problem, params: Params, entity: str) -> Finding | None:
    s = problem.session.get(entity)
    if s is None:
        return None
    return Finding(say("{id} requires {features}", id=s.session_id, features=listed(s.requires)), (entity,), NAME)
