"""Soft: a track stays in one room for the whole conference (each extra room it uses costs the weight).

Off by default; `track_room` asks the same per day.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from solver.inputs import Problem
from solver.language import say
from solver.rules.base import BuildContext, Counting, JudgeView, Placement, RuleSettings, Violation
from solver.rules.blocks import Scaled, any_of, excess_over_one, track_uses

NAME = "track_hopping"
DEFAULTS = RuleSettings(enabled=False, hard=False, weight=1)
MODES = ("soft",)
UNIT = "extra room for a track, times `multiplier`"
Params = Scaled


def links(problem: Problem, p: Placement) -> list:
    return [p.session.track] if p.session.track else []


def add(ctx: BuildContext) -> None:
    groups: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for (track, _, room), y in track_uses(ctx).items():
        groups[(track, room)].append(y)
    rooms: dict[str, list[Any]] = defaultdict(list)
    for (track, _), y in any_of(ctx, "track_rooms", groups).items():
        rooms[track].append(y)
    excess_over_one(ctx, rooms, ctx.params.multiplier, "hopping")  # type: ignore[attr-defined]


def judge(view: JudgeView, params: Scaled) -> list[Violation]:
    rooms: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for p in view.placed:
        if p.session.track:
            rooms[p.session.track][p.room.name].append(p.session.session_id)
    out = []
    for track, used in sorted(rooms.items()):
        if len(used) > 1:
            out.append(Violation(NAME, (len(used) - 1) * params.multiplier,
                                 say("Track {track} uses {n} rooms: {rooms}", track=track, n=len(used),
                                     rooms=", ".join(used)),
                                 tuple(sorted(s for ss in used.values() for s in ss))))
    return out


def tally(ctx: Counting) -> None:
    """Each room beyond the first a track uses costs `multiplier`."""
    m = ctx.params.multiplier  # type: ignore[attr-defined]
    ctx.grouped(lambda p: [(p.session.track, p.room.room_id)] if p.session.track else [],
                lambda held: m * max(0, len(held) - 1))
