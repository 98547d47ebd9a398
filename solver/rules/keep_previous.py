"""Soft: with --previous, sessions keep their published room, slot and day (each change costs its parameter).

A session moved to another day pays `day`, to another first slot `slot`, to another room `room` (all that
apply), times the rule's weight; hard keeps every session of the previous schedule where it was. At its default
level 1 the fewest changes come first and every other soft rule second; `level: 0` lets them trade.
"""

from __future__ import annotations

from pydantic import Field

from solver.inputs import Problem
from solver.language import say
from solver.rules.base import JudgeView, Placement, RuleSettings, Violation
from solver.rules.base import Params as BaseParams
from solver.rules.findings import Finding

NAME = "keep_previous"
DEFAULTS = RuleSettings(hard=False, weight=1, level=1)  # stability first: the other soft rules come second
MODES = ("hard", "soft")
UNIT = "change to the published schedule, by its parameter"
SPECIFICITY = 15  # after pins: like a pin, one session an organizer can let move


class Params(BaseParams):
    slot: int = Field(default=20, ge=0, description="cost of moving a session to another time")
    room: int = Field(default=10, ge=0, description="cost of moving a session to another room")
    day: int = Field(default=40, ge=0, description="extra cost of moving a session to another day")


def _changes(problem: Problem, params: Params, session_id: str, room_id: str, slot_id: str) -> list[tuple[str, int]]:
    if session_id not in problem.previous:
        return []
    old_room, old_slot = problem.previous[session_id]
    old = problem.slot.get(old_slot)
    new = problem.slot[slot_id]
    changes = []
    if old_slot != slot_id:
        changes.append(("time", params.slot))
    if old is None or old.day != new.day:
        changes.append(("day", params.day))
    if old_room != room_id:
        changes.append(("room", params.room))
    return changes


def relevant(problem: Problem, session) -> bool:
    return session.session_id in problem.previous


def cost(problem: Problem, params: Params, p: Placement) -> int:  # type: ignore[override]
    return sum(c for _, c in _changes(problem, params, p.session.session_id, p.room.room_id, p.slots[0].slot_id))


def judge(view: JudgeView, params: Params) -> list[Violation]:  # type: ignore[override]
    out = []
    for p in view.placed:
        changes = _changes(view.problem, params, p.session.session_id, p.room.room_id, p.slots[0].slot_id)
        if changes:
            old_room, old_slot = view.problem.previous[p.session.session_id]
            out.append(Violation(NAME, sum(c for _, c in changes),
                                 say("{id} changes {what}: was {old_room} at {old_slot}, now {room} at {slot}",
                                     id=p.session.session_id, what=", ".join(_said(w) for w, _ in changes),
                                     old_room=old_room, old_slot=old_slot, room=p.room.room_id,
                                     slot=p.slots[0].slot_id),
                                 (p.session.session_id,)))
    return out


def _said(change: str) -> str:
    """A change's name in a sentence (`time`, `day`, `room`)."""
    if change == "time":
        return say("time")
    return say("day") if change == "day" else say("room")


def core_sentence(problem: Problem, params: Params, entity: str) -> Finding | None:
    """A guard per session of the previous schedule."""
    if entity not in problem.previous:
        return None
    room, slot = problem.previous[entity]
    return Finding(say("{id} stays where it was published: {room} at {slot}", id=entity, room=room, slot=slot),
                   (entity,), NAME)
