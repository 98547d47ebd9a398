"""Soft: speakers get the time windows they ask for in preferences.csv (weight > 0) and avoid the others (< 0).

Each session of the speaker outside a window they asked for, or overlapping one they want to avoid, costs the
row's |weight| × the rule's weight.
"""

from __future__ import annotations

from solver import language
from solver.inputs import Problem
from solver.language import say
from solver.rules.base import JudgeView, Params, Placement, RuleSettings, Violation
from solver.rules.findings import span

NAME = "speaker_preferences"
DEFAULTS = RuleSettings(hard=False, weight=1)
MODES = ("soft",)
SCOPE = "time"  # the cost depends on the session and its slots only
UNIT = "preference weight not met"


def relevant(problem: Problem, session) -> bool:
    """Only a session whose speakers stated preferences."""
    return any(p.who in session.speakers for p in problem.preferences)


def cost(problem: Problem, params: Params, p: Placement) -> int:
    total = 0
    for pref in problem.preferences:
        if pref.who not in p.session.speakers:
            continue
        day, start, end = pref.window
        on_day = [(s.start, s.end) for s in p.slots if s.day == day]
        if pref.weight > 0 and not (len(on_day) == len(p.slots) and all(start <= a and b <= end for a, b in on_day)):
            total += pref.weight
        elif pref.weight < 0 and any(a < end and start < b for a, b in on_day):
            total += -pref.weight
    return total


def judge(view: JudgeView, params: Params) -> list[Violation]:
    out = []
    for p in view.placed:
        for pref in view.problem.preferences:
            if pref.who not in p.session.speakers:
                continue
            day, start, end = pref.window
            window = say("{day}, {span}", day=language.day(day), span=span(pref.start, pref.end))
            name = view.problem.speaker[pref.who].name
            inside = p.day == day and all(start <= a and b <= end for a, b in p.intervals)
            touches = p.day == day and any(a < end and start < b for a, b in p.intervals)
            if pref.weight > 0 and not inside:
                out.append(Violation(NAME, pref.weight, say("{name} asked for {window} but presents {id} on {when}",
                                                            name=name, window=window, id=p.session.session_id,
                                                            when=p.when()), (p.session.session_id,)))
            elif pref.weight < 0 and touches:
                out.append(Violation(NAME, -pref.weight, say("{name} asked to avoid {window} but presents {id} on "
                                                             "{when}", name=name, window=window,
                                                             id=p.session.session_id, when=p.when()),
                                     (p.session.session_id,)))
    return out
