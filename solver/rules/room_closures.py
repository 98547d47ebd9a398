"""Hard: no session uses a room while it is closed (a room_id in unavailability.csv)."""

from __future__ import annotations

from solver.inputs import Problem, Unavailability
from solver.language import listed, say
from solver.rules.base import JudgeView, Params, Placement, RuleSettings, Violation
from solver.rules.findings import Finding, SessionCheck, window, windows

NAME = "room_closures"
DEFAULTS = RuleSettings(hard=True, weight=50)
MODES = ("hard", "soft")
UNIT = "session in a closed room"
SPECIFICITY = 20
PRECHECK_ORDER = 40  # after the rooms and runs are narrowed by features, capacity and kind


def relevant(problem: Problem, session) -> bool:
    return any(r.room_id in problem.unavailable for r in problem.rooms)


def cost(problem: Problem, params: Params, p: Placement) -> int:
    return int(bool(problem.unavailable_during(p.room.room_id, p.slots)))


def closes(problem: Problem, params: Params, room_id: str, slot) -> bool:
    """The room is closed at this slot, whoever would use it (for the room relaxation's bound)."""
    return bool(problem.unavailable_during(room_id, (slot,)))


def entities(problem: Problem, params: Params, p: Placement) -> list[str]:
    return [p.room.room_id]


def judge(view: JudgeView, params: Params) -> list[Violation]:
    out = []
    closures: dict[tuple[str, object], list[Unavailability]] = {}  # (who, day) -> its rows, in file order
    for u in view.problem.unavailability:
        closures.setdefault((u.who, u.day), []).append(u)
    for p in view.placed:
        for u in closures.get((p.room.room_id, p.day), ()):
            _, start, end = u.window
            if any(a < end and start < b for a, b in p.intervals):
                out.append(Violation(
                    NAME, 1,
                    say("{id} is in {room} on {when} but the room is closed {window}", id=p.session.session_id,
                        room=p.room.name, when=p.when(), window=window(u)),
                    (p.session.session_id,),
                ))
                break
    return out


def precheck(check: SessionCheck, params: Params) -> list[Finding]:
    """Every room the session may use is closed whenever it could run."""
    s, problem, fitting = check.session, check.problem, check.rooms
    if not (fitting and check.runs and all(problem.unavailable_during(r.room_id, run)
                                           for r in fitting for run in check.runs)):
        return []
    check.stop = True
    closed = "; ".join(say("{room} ({capacity}) is closed {windows}", room=r.name, capacity=r.capacity,
                           windows=windows(problem, r.room_id)) for r in fitting)
    if s.requires:
        sentence = say("{id} needs {attendance} seats with {features}, and every such room is closed when it could "
                       "run: {closed}", id=s.session_id, attendance=s.attendance, features=listed(s.requires),
                       closed=closed)
    else:
        sentence = say("{id} needs {attendance} seats, and every such room is closed when it could run: {closed}",
                       id=s.session_id, attendance=s.attendance, closed=closed)
    return [Finding(sentence, (s.session_id, *(r.room_id for r in fitting)), NAME)]


def core_sentence(problem: Problem, params: Params, entity: str) -> Finding | None:
    if entity not in problem.room:
        return None
    return Finding(say("{room} is closed {windows}", room=problem.room[entity].name, windows=windows(problem, entity)),
                   (), NAME)
