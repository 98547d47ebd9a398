"""Hard: a slot with a kind takes only sessions of that kind, and a session with a kind only slots of it."""

from __future__ import annotations

from solver.inputs import Problem
from solver.rules.base import JudgeView, Params, Placement, RuleSettings, Violation

NAME = "slot_kind"
DEFAULTS = RuleSettings(hard=True, weight=10)
MODES = ("hard", "soft")
SCOPE = "time"  # the cost depends on the session and its slots only
UNIT = "slot of the wrong kind"


def cost(problem: Problem, params: Params, p: Placement) -> int:
    kind = p.session.kind
    return sum(1 for s in p.slots if (s.kind or kind) and s.kind != kind)


def judge(view: JudgeView, params: Params) -> list[Violation]:
    out = []
    for p in view.placed:
        for slot in p.slots:
            if slot.kind == p.session.kind or not (slot.kind or p.session.kind):
                continue
            slot_says = f"slot {slot.slot_id} is for {slot.kind}" if slot.kind else f"slot {slot.slot_id} has no kind"
            session_says = f"is a {p.session.kind}" if p.session.kind else "has no kind"
            out.append(Violation(NAME, 1, f"{p.session.session_id} {session_says} but {slot_says}",
                                 (p.session.session_id,)))
    return out
