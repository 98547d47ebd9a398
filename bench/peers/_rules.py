"""The benchmark's per-placement hard rules in plain Python, for the peer adapters.

The peers do not read salle's input contract, so each adapter turns the rules into the peer's own terms: which
(session, room, run of slots) placements are forbidden, and why. This module says it once, without salle's model
code (it only reads the validated `Problem`); salle's judge then checks every peer's result independently.
"""

from __future__ import annotations

from solver.inputs import Problem, Room, Session, Slot


def _overlaps(windows: list[tuple], run: tuple[Slot, ...]) -> bool:
    return any(day == s.day and a < s.end and s.start < b for day, a, b in windows for s in run)


def room_reasons(session: Session, room: Room) -> list[str]:
    """What forbids `room` for `session` wherever it starts: capacity, features, a room pin."""
    out = []
    if session.attendance > room.capacity:
        out.append("room_capacity")
    if set(session.requires) - set(room.features):
        out.append("room_features")
    if session.room and session.room != room.room_id:
        out.append("pins")
    return out


def start_reasons(problem: Problem, session: Session, run: tuple[Slot, ...] | None) -> list[str]:
    """What forbids starting `session` in `run[0]` in any room: the day ends, slot kind, slot pin, speakers."""
    if run is None:
        return ["day_end"]
    out = []
    if any((s.kind or session.kind) and s.kind != session.kind for s in run):
        out.append("slot_kind")
    if session.slot and session.slot != run[0].slot_id:
        out.append("pins")
    if any(_overlaps(problem.unavailable.get(p, []), run) for p in session.speakers):
        out.append("speaker_availability")
    return out


def room_closed(problem: Problem, room: Room, run: tuple[Slot, ...]) -> bool:
    """The room is closed (unavailability.csv) during some slot of `run`."""
    return _overlaps(problem.unavailable.get(room.room_id, []), run)


def allowed(problem: Problem, session: Session, room: Room, run: tuple[Slot, ...] | None) -> bool:
    """Every per-placement hard rule of the benchmark holds for this placement."""
    return (run is not None and not room_reasons(session, room) and not start_reasons(problem, session, run)
            and not room_closed(problem, room, run))


def clashing_pairs(problem: Problem) -> set[tuple[str, str]]:
    """Pairs (a, b), a < b, of sessions that share a speaker (they must never overlap in time)."""
    pairs: set[tuple[str, str]] = set()
    by_speaker: dict[str, list[str]] = {}
    for s in problem.sessions:
        for p in s.speakers:
            by_speaker.setdefault(p, []).append(s.session_id)
    for ids in by_speaker.values():
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                pairs.add((min(a, b), max(a, b)))
    return pairs
