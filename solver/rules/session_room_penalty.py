"""Soft: sessions avoid the rooms penalties.csv gives them a cost (kind session_room), per slot used there.

Off by default.
"""

from __future__ import annotations

from solver.inputs import Problem
from solver.language import say
from solver.rules.base import JudgeView, Params, Placement, RuleSettings, Violation
from solver.rules.blocks import cached

NAME = "session_room_penalty"
DEFAULTS = RuleSettings(enabled=False, hard=False, weight=1)
MODES = ("soft",)
SCOPE = "room"
UNIT = "penalties.csv cost of a session in a room, per slot"


def relevant(problem: Problem, session) -> bool:
    """Only sessions the table names."""
    named = cached(problem, "session_room", lambda pr: {a for a, _ in pr.penalty_table("session_room")})
    return session.session_id in named


def cost(problem: Problem, params: Params, p: Placement) -> int:
    return problem.penalty_table("session_room").get((p.session.session_id, p.room.room_id), 0) * len(p.slots)


def judge(view: JudgeView, params: Params) -> list[Violation]:
    table = view.problem.penalty_table("session_room")
    out = []
    for p in view.placed:
        amount = table.get((p.session.session_id, p.room.room_id), 0) * len(p.slots)
        if amount:
            out.append(Violation(NAME, amount, say("{id} in {room} costs {amount}", id=p.session.session_id,
                                                   room=p.room.name, amount=amount), (p.session.session_id,)))
    return out
