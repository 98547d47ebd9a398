"""Hard: a session's expected audience fits in its room (when soft, each seat short costs the weight)."""

from __future__ import annotations

from solver.inputs import Problem
from solver.rules.base import JudgeView, Params, Placement, RuleSettings, Violation

NAME = "room_capacity"
DEFAULTS = RuleSettings(hard=True, weight=10)
MODES = ("hard", "soft")
SCOPE = "room"  # the cost depends on the session and the room only
UNIT = "seat short"


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
