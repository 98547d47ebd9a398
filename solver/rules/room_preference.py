"""Soft: sessions get a room they prefer (`prefers_rooms`) and not one they avoid (`avoids_rooms`).

Values are room ids, room features or buildings; each unmet preference costs the weight.
"""

from __future__ import annotations

from solver.inputs import Problem, Room
from solver.language import either, listed, say
from solver.rules.base import JudgeView, Params, Placement, RuleSettings, Violation
from solver.rules.findings import Finding

NAME = "room_preference"
DEFAULTS = RuleSettings(hard=False, weight=5)
MODES = ("hard", "soft")
SCOPE = "room"  # the cost depends on the session and the room only
UNIT = "room preference not met"
SPECIFICITY = 190


def _words(room: Room) -> set[str]:
    return {room.room_id, *room.features, *([room.building] if room.building else [])}


def relevant(problem: Problem, session) -> bool:
    """Only a session with room preferences."""
    return bool(session.prefers_rooms or session.avoids_rooms)


def cost(problem: Problem, params: Params, p: Placement) -> int:
    words = _words(p.room)
    prefers, avoids = p.session.prefers_rooms, p.session.avoids_rooms
    return int(bool(prefers) and not words & set(prefers)) + int(bool(words & set(avoids)))


def judge(view: JudgeView, params: Params) -> list[Violation]:
    out = []
    for p in view.placed:
        s, words = p.session, {p.room.room_id, *p.room.features}
        if p.room.building:
            words.add(p.room.building)
        if s.prefers_rooms and not any(w in words for w in s.prefers_rooms):
            out.append(Violation(NAME, 1, say("{id} prefers {wanted} but is in {room}", id=s.session_id,
                                              wanted=either(s.prefers_rooms), room=p.room.name), (s.session_id,)))
        hit = [w for w in s.avoids_rooms if w in words]
        if hit:
            out.append(Violation(NAME, 1, say("{id} avoids {avoided} but is in {room}", id=s.session_id,
                                              avoided=", ".join(hit), room=p.room.name), (s.session_id,)))
    return out


def core_sentence(problem: Problem, params: Params, entity: str) -> Finding | None:
    """A guard per session."""
    s = problem.session.get(entity)
    if s is None or not (s.prefers_rooms or s.avoids_rooms):
        return None
    wants = [*([say("goes only in {rooms}", rooms=either(s.prefers_rooms))] if s.prefers_rooms else []),
             *([say("never goes in {rooms}", rooms=", ".join(s.avoids_rooms))] if s.avoids_rooms else [])]
    return Finding(say("{id} {wants}", id=s.session_id, wants=listed(wants)), (entity,), NAME)
