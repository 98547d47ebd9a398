"""Hard: a session's expected audience fits in its room (when soft, each seat short costs the weight)."""

from __future__ import annotations

from solver.inputs import Problem
from solver.language import listed, say
from solver.rules.base import JudgeView, Params, Placement, RuleSettings, Violation
from solver.rules.findings import Finding, SessionCheck

NAME = "room_capacity"
DEFAULTS = RuleSettings(hard=True, weight=10)
MODES = ("hard", "soft")
SCOPE = "room"  # the cost depends on the session and the room only
UNIT = "seat short"
SPECIFICITY = 40
PRECHECK_ORDER = 20  # after room_features: the largest room among those with the features


def cost(problem: Problem, params: Params, p: Placement) -> int:
    return max(0, p.session.attendance - p.room.capacity)


def judge(view: JudgeView, params: Params) -> list[Violation]:
    out = []
    for p in view.placed:
        short = p.session.attendance - p.room.capacity
        if short > 0:
            out.append(Violation(
                NAME, short,
                say("{id} expects {attendance} people but {room} seats {capacity} ({short} short)",
                    id=p.session.session_id, attendance=p.session.attendance, room=p.room.name,
                    capacity=p.room.capacity, short=short),
                (p.session.session_id,),
            ))
    return out


def precheck(check: SessionCheck, params: Params) -> list[Finding]:
    """The largest room left too small is a reason; the rooms narrow to those that seat everyone."""
    s = check.session
    if not check.rooms:
        return []
    out = []
    largest = max(check.rooms, key=lambda r: r.capacity)
    if largest.capacity < s.attendance:
        among = say("the largest room with {features}", features=listed(s.requires)) if s.requires \
            else say("the largest room")
        out.append(Finding(say("{id} expects {attendance}; {among}, {room}, seats {capacity}", id=s.session_id,
                               attendance=s.attendance, among=among, room=largest.name, capacity=largest.capacity),
                           check.ids, NAME))
    check.rooms = [r for r in check.rooms if r.capacity >= s.attendance]
    return out


def core_sentence(problem: Problem, params: Params, entity: str) -> Finding | None:
    s = problem.session.get(entity)
    if s is None:
        return None
    fits = [r.name for r in problem.rooms if r.capacity >= s.attendance]
    if not fits:
        return Finding(say("{id} expects {attendance}: no room seats that many", id=s.session_id,
                           attendance=s.attendance), (entity,), NAME)
    return Finding(say("{id} expects {attendance}: only {rooms} seat that many", id=s.session_id,
                       attendance=s.attendance, rooms=", ".join(fits)), (entity,), NAME)
