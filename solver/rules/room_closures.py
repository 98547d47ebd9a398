"""Hard: no session uses a room while it is closed (a room_id in unavailability.csv)."""

from __future__ import annotations

from solver.inputs import Problem, Unavailability
from solver.inputs.values import format_time_fr
from solver.rules.base import JudgeView, Params, Placement, RuleSettings, Violation

NAME = "room_closures"
DEFAULTS = RuleSettings(hard=True, weight=50)
MODES = ("hard", "soft")
UNIT = "session in a closed room"


def relevant(problem: Problem, session) -> bool:
    return any(r.room_id in problem.unavailable for r in problem.rooms)


def cost(problem: Problem, params: Params, p: Placement) -> int:
    return int(bool(problem.unavailable_during(p.room.room_id, p.slots)))


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
                window = "all day" if u.start is None else f"{format_time_fr(start)}–{format_time_fr(end)}"
                note = f" ({u.note})" if u.note else ""
                out.append(Violation(
                    NAME, 1,
                    f"{p.session.session_id} is in {p.room.name} on {p.when()} but the room is closed "
                    f"{u.day.isoformat()} {window}{note}",
                    (p.session.session_id,),
                ))
                break
    return out
