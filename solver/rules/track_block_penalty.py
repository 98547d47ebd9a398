"""Soft: tracks avoid the blocks penalties.csv gives a cost (kind track_block); each room-block used costs it.

A track using two rooms in one block pays the block's cost twice. Off by default.
"""

from __future__ import annotations

from solver.inputs import Problem
from solver.language import say
from solver.rules.base import BuildContext, Counting, JudgeView, Params, Placement, RuleSettings, Violation
from solver.rules.blocks import track_use, track_uses, use_order, uses

NAME = "track_block_penalty"
DEFAULTS = RuleSettings(enabled=False, hard=False, weight=1)
MODES = ("soft",)
UNIT = "penalties.csv cost of a track in a block, per room"


def links(problem: Problem, p: Placement) -> list:
    return [p.session.track] if p.session.track else []


def add(ctx: BuildContext) -> None:
    table = ctx.problem.penalty_table("track_block")
    if not table:
        return
    for (track, block, _room), y in track_uses(ctx).items():
        cost = table.get((track, block), 0)
        if cost:
            ctx.penalize(y, cost)


def judge(view: JudgeView, params: Params) -> list[Violation]:
    table = view.problem.penalty_table("track_block")
    out = []
    for (track, block, _room), placed in sorted(uses(view).items(), key=lambda kv: use_order(view.problem)(kv[0])):
        cost = table.get((track, block), 0)
        if cost:
            out.append(Violation(NAME, cost, say("Track {track} in block {block} ({room}) costs {cost}", track=track,
                                                 block=block, room=placed[0].room.name, cost=cost),
                                 tuple(p.session.session_id for p in placed)))
    return out


def tally(ctx: Counting) -> None:
    """Each (track, block, room) a track uses costs the table's (track, block) price."""
    table = ctx.problem.penalty_table("track_block")
    if table:
        ctx.grouped(track_use(ctx.problem), lambda held: sum(table.get((t, b), 0) for t, b, _ in held))
