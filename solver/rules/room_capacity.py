"""Hard: a session's expected audience fits in its room (when soft, each seat short costs the weight)."""

from __future__ import annotations

from solver.inputs import Problem
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
                f"{p.session.session_id} expects {p.session.attendance} people but {p.room.name} seats "
                f"{p.room.capacity} ({short} short)",
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
        among = f"the largest room with {' and '.join(s.requires)}" if s.requires else "the largest room"
        out.append(Finding(f"{s.session_id} expects {s.attendance}; {among}, {largest.name}, seats "
                           f"{largest.capacity}", check.ids, NAME))
    check.rooms = [r for r in check.rooms if r.capacity >= s.attendance]
    return out


def core_sentence(problem: Problem, params: Params, entity: str) -> Finding | None:
    s = problem.session.get(entity)
    if s is None:
        return None
    fits = [r.name for r in problem.rooms if r.capacity >= s.attendance]
    return Finding(f"{s.session_id} expects {s.attendance}: only {', '.join(fits) or 'no room'} seat that many",
                   (entity,), NAME)
