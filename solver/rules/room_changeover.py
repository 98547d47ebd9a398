"""Hard: a room with a changeover (rooms.csv `changeover`, minutes) stays free that long after each session.

The room is held from a session's start until its end (start + duration when the session gives one) plus the
changeover, so the next session there starts no earlier: time to clear the stage, swap microphones, air the room.
Rooms without a changeover have nothing to keep beyond `room_conflict`.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise

from solver.inputs import Problem
from solver.language import say
from solver.rules.base import BuildContext, JudgeView, Params, Placed, Placement, RuleSettings, Violation
from solver.rules.findings import Finding

NAME = "room_changeover"
DEFAULTS = RuleSettings(hard=True, weight=50)
MODES = ("hard",)
UNIT = "pair of sessions too close in one room"
SPECIFICITY = 145


def owners(p: Placement) -> list[str]:
    """The room, when it has a changeover (the others are room_conflict's alone)."""
    return [p.room.room_id] if p.room.changeover else []


def held(p: Placement) -> int:
    """Until when the session holds its room: its end, plus the room's changeover."""
    return p.session.ends(p.slots[0].start, p.slots[-1].end) + (p.room.changeover or 0)


def links(problem: Problem, p: Placement) -> list:
    return [(p.room.room_id, p.day)] if p.room.changeover else []


def add(ctx: BuildContext) -> None:
    if any(r.changeover for r in ctx.problem.rooms):
        ctx.once_at_a_time(owners, held=held)


def judge(view: JudgeView, params: Params) -> list[Violation]:
    by_room: dict[tuple[str, object], list[Placed]] = defaultdict(list)
    for p in view.placed:
        if p.room.changeover:
            by_room[(p.room.room_id, p.day)].append(p)
    out = []
    for (_, _), items in sorted(by_room.items(), key=lambda kv: (str(kv[0][1]), kv[0][0])):
        items.sort(key=lambda p: (p.slots[0].start, p.session.session_id))
        for a, b in pairwise(items):
            end = a.session.ends(a.slots[0].start, a.slots[-1].end)
            gap = b.slots[0].start - end
            need = a.room.changeover or 0
            if 0 <= gap < need:
                out.append(Violation(NAME, 1, say("{room} needs {need} min between sessions but {b} starts {gap} min "
                                                  "after {a} ends ({when})", room=a.room.name, need=need,
                                                  b=b.session.session_id, gap=gap, a=a.session.session_id,
                                                  when=b.when()),
                                     (a.session.session_id, b.session.session_id)))
    return out


def core_sentence(problem: Problem, params: Params, entity: str) -> Finding | None:
    room = problem.room.get(entity)
    if room is None or not room.changeover:
        return None
    return Finding(say("{room} needs {n} min free between two sessions", room=room.name, n=room.changeover), (),
                   NAME)
