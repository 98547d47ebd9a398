"""Soft: tracks sharing a chair (tracks.csv `chairs`) do not run in the same block (each such pair costs).

In each block, every pair of rooms holding two tracks that share a chair costs the weight, times `multiplier`.
Off by default.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import Any

from solver.inputs import Problem
from solver.language import say
from solver.rules.base import BuildContext, Counting, JudgeView, Placement, RuleSettings, Violation
from solver.rules.blocks import (
    Scaled,
    block_of,
    chair_pairs,
    partners_of,
    penalize_pairs,
    track_uses,
    use_order,
    uses,
    uses_in_block,
)

NAME = "chair_conflicts"
DEFAULTS = RuleSettings(enabled=False, hard=False, weight=1)
MODES = ("soft",)
UNIT = "pair of tracks sharing a chair in one block, times `multiplier`"
Params = Scaled


def relevant(problem: Problem, session) -> bool:
    return bool(session.track) and session.track in partners_of(problem, chair_pairs)


def links(problem: Problem, p: Placement) -> list:
    """Tracks sharing a chair meet in a block: sessions are linked through it."""
    return [block_of(problem, p)] if relevant(problem, p.session) else []


def add(ctx: BuildContext) -> None:
    pairs = chair_pairs(ctx.problem)
    if not pairs:
        return
    by_block: dict[str, list[tuple[str, str, Any]]] = defaultdict(list)
    for (track, block, room), y in track_uses(ctx).items():
        by_block[block].append((track, room, y))
    for block, here in by_block.items():
        for (t1, r1, y1), (t2, r2, y2) in combinations(here, 2):
            if (min(t1, t2), max(t1, t2)) in pairs:
                penalize_pairs(ctx, y1, y2, ctx.params.multiplier,  # type: ignore[attr-defined]
                               f"chairs[{block},{r1},{r2}]")


def judge(view: JudgeView, params: Scaled) -> list[Violation]:
    pairs = chair_pairs(view.problem)
    by_block: dict[str, list[tuple[str, str, list]]] = defaultdict(list)
    for (track, block, room), placed in sorted(uses(view).items(), key=lambda kv: use_order(view.problem)(kv[0])):
        by_block[block].append((track, room, placed))
    out = []
    for block, here in by_block.items():
        for (t1, _, p1), (t2, _, p2) in combinations(here, 2):
            if (min(t1, t2), max(t1, t2)) in pairs:
                out.append(Violation(NAME, params.multiplier,
                                     say("Tracks {a} and {b} share a chair and both run in block {block}", a=t1, b=t2,
                                         block=block),
                                     tuple(p.session.session_id for p in p1 + p2)))
    return out


def tally(ctx: Counting) -> None:
    """Per block, each two (track, room) uses of tracks sharing a chair cost `multiplier`."""
    pairs = chair_pairs(ctx.problem)
    m = ctx.params.multiplier  # type: ignore[attr-defined]
    if pairs:
        ctx.grouped(uses_in_block(ctx.problem), lambda held: m * sum(
            1 for (t1, _), (t2, _) in combinations(held, 2) if (min(t1, t2), max(t1, t2)) in pairs))
