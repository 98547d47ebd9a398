"""Hard: the room has every feature the session requires (when soft, each missing feature costs the weight)."""

from __future__ import annotations

from solver.inputs import Problem
from solver.rules.base import JudgeView, Params, Placement, RuleSettings, Violation

NAME = "room_features"
DEFAULTS = RuleSettings(hard=True, weight=10)
MODES = ("hard", "soft")
SCOPE = "room"  # the cost depends on the session and the room only
UNIT = "missing feature"


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
                f"{p.session.session_id} requires {', '.join(missing)}, which {p.room.name} does not have",
                (p.session.session_id,),
            ))
    return out
