"""Hard: a session that gives its duration (minutes) gets slots that last at least that long.

On a grid a session's length already follows from its duration (solver/inputs/grid.py), so the rule has nothing
left to do there; it matters where slots have mixed lengths (an imported frab programme), where it keeps a
30-minute talk out of a 10-minute slot when a re-plan moves it.
"""

from __future__ import annotations

from solver.inputs import Problem, Session
from solver.language import say, say_n
from solver.rules.base import JudgeView, Params, Placement, RuleSettings, Violation
from solver.rules.findings import Finding, SessionCheck

NAME = "session_duration"
DEFAULTS = RuleSettings(hard=True, weight=100)
MODES = ("hard", "soft")
SCOPE = "time"
UNIT = "session in slots shorter than its duration"
SPECIFICITY = 60
PRECHECK_ORDER = 50


def relevant(problem: Problem, session: Session) -> bool:
    return session.duration is not None


def span(slots) -> int:  # type: ignore[no-untyped-def]
    """Minutes from the first slot's start to the last one's end."""
    return slots[-1].end - slots[0].start


def cost(problem: Problem, params: Params, p: Placement) -> int:
    return int(p.session.duration is not None and span(p.slots) < p.session.duration)


def judge(view: JudgeView, params: Params) -> list[Violation]:
    out = []
    for p in view.placed:
        minutes = p.slots[-1].end - p.slots[0].start
        if p.session.duration is not None and minutes < p.session.duration:
            out.append(Violation(NAME, 1, say("{id} lasts {duration} min but is placed in {minutes} min ({when})",
                                              id=p.session.session_id, duration=p.session.duration, minutes=minutes,
                                              when=p.when()), (p.session.session_id,)))
    return out


def precheck(check: SessionCheck, params: Params) -> list[Finding]:
    s = check.session
    if s.duration is None or not check.runs:
        return []
    check.runs = [r for r in check.runs if span(r) >= s.duration]
    if check.runs:
        return []
    check.stop = True
    return [Finding(say_n("{id} lasts {duration} min and no run of {n} slot is that long",
                          "{id} lasts {duration} min and no run of {n} slots is that long", s.slots_needed,
                          id=s.session_id, duration=s.duration), check.ids, NAME)]


def core_sentence(problem: Problem, params: Params, entity: str) -> Finding | None:
    s = problem.session.get(entity)
    if s is None or s.duration is None:
        return None
    return Finding(say("{id} lasts {duration} min", id=s.session_id, duration=s.duration), (entity,), NAME)
