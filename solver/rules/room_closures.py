"""Hard: no session uses a room while it is closed (a room_id in unavailability.csv)."""

from __future__ import annotations

from solver.inputs import Problem, Unavailability
from solver.rules.base import JudgeView, Params, Placement, RuleSettings, Violation
from solver.rules.findings import Finding, SessionCheck, span, windows

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
                window = span(u.start, u.end)
                note = f" ({u.note})" if u.note else ""
                out.append(Violation(
                    NAME, 1,
                    f"{p.session.session_id} is in {p.room.name} on {p.when()} but the room is closed "
                    f"{u.day.isoformat()} {window}{note}",
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
    closed = "; ".join(f"{r.name} ({r.capacity}) is closed " + windows(problem, r.room_id) for r in fitting)
    return [Finding(f"{s.session_id} needs {s.attendance} seats" + (f" with {' and '.join(s.requires)}"
                    if s.requires else "") + f", and every such room is closed when it could run: {closed}",
                    (s.session_id, *(r.room_id for r in fitting)), NAME)]


def core_sentence(problem: Problem, params: Params, entity: str) -> Finding | None:
    if entity not in problem.room:
        return None
    return Finding(f"{problem.room[entity].name} is closed {windows(problem, entity)}", (), NAME)
