"""Hard: a session pinned to a room (column `room`) or a first slot (column `slot`) gets exactly that."""

from __future__ import annotations

from solver.inputs import Problem
from solver.rules.base import JudgeView, Params, Placement, RuleSettings, Violation

NAME = "pins"
DEFAULTS = RuleSettings(hard=True, weight=100)
MODES = ("hard", "soft")
UNIT = "pin not kept"


def relevant(problem: Problem, session) -> bool:
    return bool(session.room or session.slot)


def cost(problem: Problem, params: Params, p: Placement) -> int:
    s = p.session
    return int(bool(s.room) and s.room != p.room.room_id) + int(bool(s.slot) and s.slot != p.slots[0].slot_id)


def judge(view: JudgeView, params: Params) -> list[Violation]:
    out = []
    for p in view.placed:
        s = p.session
        if s.room and s.room != p.room.room_id:
            out.append(Violation(NAME, 1, f"{s.session_id} is pinned to room {s.room} but is in {p.room.room_id}",
                                 (s.session_id,)))
        if s.slot and s.slot != p.slots[0].slot_id:
            out.append(Violation(NAME, 1,
                                 f"{s.session_id} is pinned to slot {s.slot} but starts in {p.slots[0].slot_id}",
                                 (s.session_id,)))
    return out
