"""Soft: similar tracks do not run in the same block (penalties.csv kind similar_tracks gives each pair's cost).

Each pair of rooms of one block holding two different tracks costs the pair's cost (a pair may be written either
way round; written both ways, the larger counts). Off by default.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import Any

from solver.inputs import Problem
from solver.language import say
from solver.rules.base import BuildContext, Counting, JudgeView, Params, Placement, RuleSettings, Violation
from solver.rules.blocks import block_of, cached, penalize_pairs, track_uses, use_order, uses, uses_in_block

NAME = "similar_tracks"
DEFAULTS = RuleSettings(enabled=False, hard=False, weight=1)
MODES = ("soft",)
UNIT = "penalties.csv cost of two similar tracks in one block"


def costs(problem: Problem) -> dict[tuple[str, str], int]:
    """(track, track) in both orders -> the pair's cost."""
    def compute(pr: Problem) -> dict[tuple[str, str], int]:
        out: dict[tuple[str, str], int] = {}
        for (a, b), cost in pr.penalty_table("similar_tracks").items():
            if a != b and cost:
                out[(a, b)] = out[(b, a)] = max(cost, out.get((a, b), 0))
        return out
    return cached(problem, "similar_tracks", compute)


def links(problem: Problem, p: Placement) -> list:
    """Tracks meet in a block: sessions are linked through it."""
    return [block_of(problem, p)] if p.session.track and costs(problem) else []


def add(ctx: BuildContext) -> None:
    table = costs(ctx.problem)
    if not table:
        return
    by_block: dict[str, list[tuple[str, str, Any]]] = defaultdict(list)
    for (track, block, room), y in track_uses(ctx).items():
        by_block[block].append((track, room, y))
    for block, here in by_block.items():
        for (t1, r1, y1), (t2, r2, y2) in combinations(here, 2):
            cost = table.get((t1, t2), 0)
            if cost and r1 != r2:
                penalize_pairs(ctx, y1, y2, cost, f"similar[{block},{r1},{r2}]")


def judge(view: JudgeView, params: Params) -> list[Violation]:
    table = costs(view.problem)
    by_block: dict[str, list[tuple[str, str, list]]] = defaultdict(list)
    for (track, block, room), placed in sorted(uses(view).items(), key=lambda kv: use_order(view.problem)(kv[0])):
        by_block[block].append((track, room, placed))
    out = []
    for block, here in by_block.items():
        for (t1, r1, p1), (t2, r2, p2) in combinations(here, 2):
            cost = table.get((t1, t2), 0)
            if cost and r1 != r2:
                out.append(Violation(NAME, cost, say("Similar tracks {a} and {b} both run in block {block} "
                                                     "({room_a}, {room_b}): {cost}", a=t1, b=t2, block=block,
                                                     room_a=p1[0].room.name, room_b=p2[0].room.name, cost=cost),
                                     tuple(p.session.session_id for p in p1 + p2)))
    return out


def tally(ctx: Counting) -> None:
    """Per block, each two (track, room) uses in different rooms of similar tracks cost the pair's price."""
    table = costs(ctx.problem)
    if table:
        ctx.grouped(uses_in_block(ctx.problem), lambda held: sum(
            table.get((t1, t2), 0) for (t1, r1), (t2, r2) in combinations(held, 2) if r1 != r2))
