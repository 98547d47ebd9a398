"""Soft: tracks avoid the rooms penalties.csv gives a cost (kind track_room); each block in such a room costs it.

Off by default.
"""

from __future__ import annotations

from solver.inputs import Problem
from solver.language import say
from solver.rules.base import BuildContext, Counting, JudgeView, Params, Placement, RuleSettings, Violation
from solver.rules.blocks import track_use, track_uses, use_order, uses

NAME = "track_room_penalty"
DEFAULTS = RuleSettings(enabled=False, hard=False, weight=1)
MODES = ("soft",)
UNIT = "penalties.csv cost of a track in a room, per block"


def links(problem: Problem, p: Placement) -> list:
    return [p.session.track] if p.session.track else []


def add(ctx: BuildContext) -> None:
    table = ctx.problem.penalty_table("track_room")
    if not table:
        return
    for (track, _block, room), y in track_uses(ctx).items():
        cost = table.get((track, room), 0)
        if cost:
            ctx.penalize(y, cost)


def judge(view: JudgeView, params: Params) -> list[Violation]:
    table = view.problem.penalty_table("track_room")
    out = []
    for (track, block, room), placed in sorted(uses(view).items(), key=lambda kv: use_order(view.problem)(kv[0])):
        cost = table.get((track, room), 0)
        if cost:
            out.append(Violation(NAME, cost, say("Track {track} in {room} (block {block}) costs {cost}", track=track,
                                                 room=placed[0].room.name, block=block, cost=cost),
                                 tuple(p.session.session_id for p in placed)))
    return out


def tally(ctx: Counting) -> None:
    """Each (track, block, room) a track uses costs the table's (track, room) price."""
    table = ctx.problem.penalty_table("track_room")
    if table:
        ctx.grouped(track_use(ctx.problem), lambda held: sum(table.get((t, r), 0) for t, _, r in held))
