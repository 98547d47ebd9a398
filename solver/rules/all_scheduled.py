"""Hard: every session gets a room and a slot (when soft, each unscheduled session costs its attendance + 1)."""

from __future__ import annotations

from solver.inputs import Problem
from solver.rules.base import BuildContext, JudgeView, Params, Placement, RuleSettings, Violation

NAME = "all_scheduled"
DEFAULTS = RuleSettings(hard=True, weight=1000)
MODES = ("hard", "soft")
UNIT = "unscheduled session, per expected attendee + 1"


def links(problem: Problem, p: Placement) -> list:
    """Each session on its own: nothing links sessions."""
    return []


def add(ctx: BuildContext) -> None:
    for session in ctx.problem.sessions:
        lits = [ctx.literals[k] for k in ctx.index.by_session.get(session.session_id, ())]
        ctx.at_least_one(lits, amount=session.attendance + 1, entity=session.session_id)


def judge(view: JudgeView, params: Params) -> list[Violation]:
    placed = {p.session.session_id for p in view.placed}
    return [
        Violation(NAME, s.attendance + 1,
                  f"{s.session_id} « {s.title} » ({s.attendance} expected) has no room and slot", (s.session_id,))
        for s in view.problem.sessions
        if s.session_id not in placed
    ]
