"""Soft: a speaker's sessions fall on as few days as possible (each extra day costs the weight)."""

from __future__ import annotations

from solver.inputs import Problem
from solver.language import day, say
from solver.rules.base import BuildContext, JudgeView, Params, Placement, RuleSettings, Violation
from solver.rules.clock import by_speaker
from solver.rules.findings import Finding

NAME = "speaker_days"
DEFAULTS = RuleSettings(hard=False, weight=3)
MODES = ("hard", "soft")
UNIT = "extra day for a speaker"
SPECIFICITY = 170


def links(problem: Problem, p: Placement) -> list:
    """Sessions are linked through a speaker."""
    return list(p.session.speakers)


def add(ctx: BuildContext) -> None:
    ctx.spread(lambda p: [(who, p.day.isoformat()) for who in p.session.speakers])


def judge(view: JudgeView, params: Params) -> list[Violation]:
    out = []
    for who, placed in sorted(by_speaker(view).items()):
        days = sorted({p.day for p in placed})
        if len(days) > 1:
            out.append(Violation(NAME, len(days) - 1,
                                 say("{name} must come on {n} days: {days}", name=view.problem.speaker[who].name,
                                     n=len(days), days=", ".join(day(d) for d in days)),
                                 tuple(sorted(p.session.session_id for p in placed))))
    return out


def core_sentence(problem: Problem, params: Params, entity: str) -> Finding | None:
    """A guard per speaker."""
    if entity not in problem.speaker:
        return None
    theirs = tuple(s.session_id for s in problem.sessions_of(entity))
    return Finding(say("{name} comes on one day only ({ids})", name=problem.speaker[entity].name,
                       ids=", ".join(theirs)), theirs, NAME)
