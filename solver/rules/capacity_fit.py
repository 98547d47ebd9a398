"""Soft: few empty seats: each seat left empty (capacity − attendance) costs the weight."""

from __future__ import annotations

from solver.inputs import Problem
from solver.language import say_n
from solver.rules.base import JudgeView, Params, Placement, RuleSettings, Violation

NAME = "capacity_fit"
DEFAULTS = RuleSettings(hard=False, weight=1)
MODES = ("soft",)
SCOPE = "room"  # the cost depends on the session and the room only
UNIT = "empty seat"
HEADLINE = "empty seats"  # the run's summary line says how many


def cost(problem: Problem, params: Params, p: Placement) -> int:
    return max(0, p.room.capacity - p.session.attendance)


def judge(view: JudgeView, params: Params) -> list[Violation]:
    out = []
    for p in view.placed:
        empty = p.room.capacity - p.session.attendance
        if empty > 0:
            out.append(Violation(
                NAME, empty,
                say_n("{id} expects {attendance} in {room} ({capacity} seats): {n} empty",
                      "{id} expects {attendance} in {room} ({capacity} seats): {n} empty", empty,
                      id=p.session.session_id, attendance=p.session.attendance, room=p.room.name,
                      capacity=p.room.capacity),
                (p.session.session_id,),
            ))
    return out
