"""Soft: rooms stay empty in the blocks penalties.csv gives a cost (kind block_room); using one costs it.

A room used in a block (by any number of sessions) costs once. Off by default.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from solver.inputs import Problem
from solver.language import say
from solver.rules.base import BuildContext, Counting, JudgeView, Params, Placed, Placement, RuleSettings, Violation
from solver.rules.blocks import any_of, block_of, track_uses

NAME = "block_room_penalty"
DEFAULTS = RuleSettings(enabled=False, hard=False, weight=1)
MODES = ("soft",)
UNIT = "penalties.csv cost of using a room in a block"


def links(problem: Problem, p: Placement) -> list:
    return [(block_of(problem, p), p.room.room_id)]


def add(ctx: BuildContext) -> None:
    problem = ctx.problem
    table = problem.penalty_table("block_room")
    if not table:
        return
    groups: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for (_, block, room), y in track_uses(ctx).items():
        groups[(block, room)].append(y)
    for key, p in ctx.placements.items():
        if not p.session.track:
            groups[(block_of(problem, p), p.room.room_id)].append(ctx.literals[key])
    used = any_of(ctx, "room_used", groups)
    for (block, room), y in used.items():
        cost = table.get((block, room), 0)
        if cost:
            ctx.penalize(y, cost)


def judge(view: JudgeView, params: Params) -> list[Violation]:
    table = view.problem.penalty_table("block_room")
    used: dict[tuple[str, str], list[Placed]] = defaultdict(list)
    for p in view.placed:
        used[(block_of(view.problem, p), p.room.room_id)].append(p)
    out = []
    for (block, room), placed in sorted(used.items()):
        cost = table.get((block, room), 0)
        if cost:
            out.append(Violation(NAME, cost, say("{room} is used in block {block}, which costs {cost}",
                                                 room=placed[0].room.name, block=block, cost=cost),
                                 tuple(p.session.session_id for p in placed)))
    return out


def tally(ctx: Counting) -> None:
    """Each (block, room) used costs the table's price."""
    problem = ctx.problem
    table = problem.penalty_table("block_room")
    if table:
        ctx.grouped(lambda p: [(f"{block_of(problem, p)}@{p.room.room_id}", (block_of(problem, p), p.room.room_id))],
                    lambda held: sum(table.get(k, 0) for k in held))
