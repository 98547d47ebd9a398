"""Hard: a room holds at most one session at any instant (when soft, each extra session costs per instant)."""

from __future__ import annotations

from solver.inputs import Problem
from solver.language import say
from solver.rules.base import BuildContext, JudgeView, Params, Placement, RuleSettings, Violation
from solver.rules.clock import describe, double_bookings
from solver.rules.findings import Finding

NAME = "room_conflict"
DEFAULTS = RuleSettings(hard=True, weight=100)
MODES = ("hard", "soft")
UNIT = "extra session in a room, per instant"
SPECIFICITY = 140


def owners(p: Placement) -> list[str]:
    """What a session holds exclusively while it runs: its room."""
    return [p.room.room_id]


def links(problem: Problem, p: Placement) -> list:
    """Sessions are linked through a room on a day."""
    return [(p.room.room_id, p.day)]


def add(ctx: BuildContext) -> None:
    ctx.once_at_a_time(owners)


def judge(view: JudgeView, params: Params) -> list[Violation]:
    return double_bookings(
        view, NAME, lambda p: [p.room.room_id],
        lambda room, when, placed: say("{room} holds {n} sessions at once on {when}: {sessions}",
                                       room=view.problem.room[room].name, n=len(placed), when=when,
                                       sessions="; ".join(describe(p) for p in placed)),
    )


def core_sentence(problem: Problem, params: Params, entity: str) -> Finding | None:
    if entity not in problem.room:
        return None
    return Finding(say("{room} holds one session at a time", room=problem.room[entity].name), (), NAME)
