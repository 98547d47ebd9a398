"""Soft: a track stays in one room for the whole conference (each extra room it uses costs the weight).

Off by default; `track_room` asks the same per day.
"""

from __future__ import annotations

from collections import defaultdict

from solver.inputs import Problem
from solver.rules.base import BuildContext, JudgeView, Placement, RuleSettings, Violation
from solver.rules.blocks import Scaled

NAME = "track_hopping"
DEFAULTS = RuleSettings(enabled=False, hard=False, weight=1)
MODES = ("soft",)
UNIT = "extra room for a track, times `multiplier`"
Params = Scaled


def links(problem: Problem, p: Placement) -> list:
    return [p.session.track] if p.session.track else []


def add(ctx: BuildContext) -> None:
    for _ in range(ctx.params.multiplier):  # type: ignore[attr-defined]
        ctx.spread(lambda p: [(p.session.track, p.room.room_id)] if p.session.track else [])


def judge(view: JudgeView, params: Scaled) -> list[Violation]:
    rooms: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for p in view.placed:
        if p.session.track:
            rooms[p.session.track][p.room.name].append(p.session.session_id)
    out = []
    for track, used in sorted(rooms.items()):
        if len(used) > 1:
            out.append(Violation(NAME, (len(used) - 1) * params.multiplier,
                                 f"Track {track} uses {len(used)} rooms: {', '.join(used)}",
                                 tuple(sorted(s for ss in used.values() for s in ss))))
    return out
