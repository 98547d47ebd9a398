"""Hard: a session pinned to a room (column `room`) or a first slot (column `slot`) gets exactly that."""

from __future__ import annotations

from solver.inputs import Problem
from solver.language import listed, say
from solver.rules.base import JudgeView, Params, Placement, RuleSettings, Violation
from solver.rules.findings import Finding, SessionCheck, when, window
from solver.rules.room_capacity import NAME as ROOM_CAPACITY
from solver.rules.room_closures import NAME as ROOM_CLOSURES
from solver.rules.speaker_availability import NAME as SPEAKER_AVAILABILITY

NAME = "pins"
DEFAULTS = RuleSettings(hard=True, weight=100)
MODES = ("hard", "soft")
UNIT = "pin not kept"
SPECIFICITY = 10  # the most specific reason: an organizer can move one pin
PRECHECK_ORDER = 70


def relevant(problem: Problem, session) -> bool:
    return bool(session.room or session.slot)


def cost(problem: Problem, params: Params, p: Placement) -> int:
    s = p.session
    return int(bool(s.room) and s.room != p.room.room_id) + int(bool(s.slot) and s.slot != p.slots[0].slot_id)


def rooms_for(problem: Problem, params: Params, session) -> list[str] | None:
    """A session pinned to a room may use that room only (for the room relaxation's bound)."""
    return [session.room] if session.room else None


def judge(view: JudgeView, params: Params) -> list[Violation]:
    out = []
    for p in view.placed:
        s = p.session
        if s.room and s.room != p.room.room_id:
            out.append(Violation(NAME, 1, say("{id} is pinned to room {room} but is in {now}", id=s.session_id,
                                              room=s.room, now=p.room.room_id), (s.session_id,)))
        if s.slot and s.slot != p.slots[0].slot_id:
            out.append(Violation(NAME, 1, say("{id} is pinned to slot {slot} but starts in {now}", id=s.session_id,
                                              slot=s.slot, now=p.slots[0].slot_id), (s.session_id,)))
    return out


def precheck(check: SessionCheck, params: Params) -> list[Finding]:
    """A pin against the room's size, a closure, a speaker's absence or the end of the day."""
    s, problem, ids = check.session, check.problem, check.ids
    if not (s.room or s.slot):
        return []
    out: list[Finding] = []
    room = problem.room.get(s.room or "")
    run = problem.run(s.slot, s.slots_needed) if s.slot else None
    if room and check.hard(ROOM_CAPACITY) and room.capacity < s.attendance:
        out.append(Finding(say("{id} is pinned to {room}, which seats {capacity}, but expects {attendance}",
                               id=s.session_id, room=room.name, capacity=room.capacity, attendance=s.attendance),
                           ids, NAME))
    if room and run and check.hard(ROOM_CLOSURES):
        for u in problem.unavailable_during(room.room_id, run):
            out.append(Finding(say("{id} is pinned to {room} at {slot} ({when}), but the room is closed {window}",
                                   id=s.session_id, room=room.name, slot=s.slot,
                                   when=when(run[0].day, run[0].start, run[-1].end), window=window(u)),
                               (s.session_id, room.room_id), NAME))
    if run and check.hard(SPEAKER_AVAILABILITY):
        for who in s.speakers:
            for u in problem.unavailable_during(who, run):
                out.append(Finding(say("{id} is pinned to slot {slot}, but {name} is unavailable {window}",
                                       id=s.session_id, slot=s.slot, name=problem.speaker[who].name,
                                       window=window(u)), (s.session_id, who), NAME))
    if s.slot and run is None:
        out.append(Finding(say("{id} is pinned to slot {slot}, but its {n} slots do not fit before the day ends",
                               id=s.session_id, slot=s.slot, n=s.slots_needed), ids, NAME))
    return out


def core_sentence(problem: Problem, params: Params, entity: str) -> Finding | None:
    s = problem.session.get(entity)
    if s is None:
        return None
    pins = listed([*([say("room {room}", room=s.room)] if s.room else []),
                   *([say("slot {slot}", slot=s.slot)] if s.slot else [])])
    return Finding(say("{id} is pinned to {pins}", id=s.session_id, pins=pins), (entity,), NAME)
