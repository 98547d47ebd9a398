"""Soft: a track uses one room per block (each extra room it takes in a block costs the weight).

Off by default; `track_parallel` asks the same per instant.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from solver.inputs import Problem
from solver.language import say
from solver.rules.base import BuildContext, Counting, JudgeView, Placement, RuleSettings, Violation
from solver.rules.blocks import Scaled, block_of, excess_over_one, track_uses

NAME = "track_block_rooms"
DEFAULTS = RuleSettings(enabled=False, hard=False, weight=1)
MODES = ("soft",)
UNIT = "extra room for a track in a block, times `multiplier`"
Params = Scaled


def links(problem: Problem, p: Placement) -> list:
    return [p.session.track] if p.session.track else []


def add(ctx: BuildContext) -> None:
    rooms: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for (track, block, _), y in track_uses(ctx).items():
        rooms[(track, block)].append(y)
    excess_over_one(ctx, rooms, ctx.params.multiplier, "block_rooms")  # type: ignore[attr-defined]


def judge(view: JudgeView, params: Scaled) -> list[Violation]:
    rooms: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for p in view.placed:
        if p.session.track:
            rooms[(p.session.track, block_of(view.problem, p))][p.room.name].append(p.session.session_id)
    out = []
    for (track, block), used in sorted(rooms.items()):
        if len(used) > 1:
            out.append(Violation(NAME, (len(used) - 1) * params.multiplier,
                                 say("Track {track} uses {n} rooms in block {block}: {rooms}", track=track,
                                     n=len(used), block=block, rooms=", ".join(used)),
                                 tuple(sorted(s for ss in used.values() for s in ss))))
    return out


def tally(ctx: Counting) -> None:
    """Each room beyond the first a track uses in one block costs `multiplier`."""
    problem, m = ctx.problem, ctx.params.multiplier  # type: ignore[attr-defined]
    ctx.grouped(lambda p: [(f"{p.session.track}@{block_of(problem, p)}", p.room.room_id)] if p.session.track else [],
                lambda held: m * max(0, len(held) - 1))
