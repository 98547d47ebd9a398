"""Hard: in each block a room hosts one track: sessions of one room and block share their track (off by default).

Sessions without a track are not counted. Each extra track in a room during a block is one violation.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from solver.inputs import Problem
from solver.rules.base import BuildContext, JudgeView, Params, Placement, RuleSettings, Violation
from solver.rules.blocks import block_of, track_uses
from solver.rules.findings import Finding

NAME = "block_room_track"
DEFAULTS = RuleSettings(enabled=False, hard=True, weight=100)
MODES = ("hard", "soft")
UNIT = "extra track in a room during a block"


def links(problem: Problem, p: Placement) -> list:
    """Sessions are linked through the room and block they share."""
    return [(block_of(problem, p), p.room.room_id)] if p.session.track else []


def add(ctx: BuildContext) -> None:
    tracks: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for (_, block, room), y in track_uses(ctx).items():
        tracks[(block, room)].append(y)
    for (block, room), used in tracks.items():
        ctx.at_most(used, 1, entity=f"{block}@{room}")


def judge(view: JudgeView, params: Params) -> list[Violation]:
    tracks: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for p in view.placed:
        if p.session.track:
            tracks[(block_of(view.problem, p), p.room.name)][p.session.track].append(p.session.session_id)
    out = []
    for (block, room), here in sorted(tracks.items()):
        if len(here) > 1:
            out.append(Violation(NAME, len(here) - 1, f"{room} hosts {len(here)} tracks in block {block}: "
                                                      + "; ".join(f"{t} ({', '.join(s)})" for t, s in here.items()),
                                 tuple(sorted(s for ss in here.values() for s in ss))))
    return out


def core_sentence(problem: Problem, params: Params, entity: str) -> Finding | None:
    """A guard per room and block (`B1@R2`)."""
    block, _, room = entity.partition("@")
    if room not in problem.room:
        return None
    return Finding(f"{problem.room[room].name} hosts one track in block {block}", (), NAME)
