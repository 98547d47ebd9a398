"""Soft: a speaker's sessions stay in one room where possible (each extra room costs the weight)."""

from __future__ import annotations

from solver.inputs import Problem
from solver.language import say
from solver.rules.base import BuildContext, JudgeView, Params, Placement, RuleSettings, Violation
from solver.rules.clock import by_speaker
from solver.rules.findings import Finding

NAME = "speaker_room"
DEFAULTS = RuleSettings(hard=False, weight=2)
MODES = ("hard", "soft")
UNIT = "extra room for a speaker"
SPECIFICITY = 160


def links(problem: Problem, p: Placement) -> list:
    """Sessions are linked through a speaker."""
    return list(p.session.speakers)


def add(ctx: BuildContext) -> None:
    ctx.spread(lambda p: [(who, p.room.room_id) for who in p.session.speakers])


def judge(view: JudgeView, params: Params) -> list[Violation]:
    out = []
    for who, placed in sorted(by_speaker(view).items()):
        rooms = sorted({p.room.name for p in placed})
        if len(rooms) > 1:
            name = view.problem.speaker[who].name
            out.append(Violation(NAME, len(rooms) - 1, say("{name} presents in {n} rooms: {rooms}", name=name,
                                                           n=len(rooms), rooms=", ".join(rooms)),
                                 tuple(sorted(p.session.session_id for p in placed))))
    return out


def core_sentence(problem: Problem, params: Params, entity: str) -> Finding | None:
    """A guard per speaker."""
    if entity not in problem.speaker:
        return None
    theirs = tuple(s.session_id for s in problem.sessions_of(entity))
    return Finding(say("{name} presents in one room only ({ids})", name=problem.speaker[entity].name,
                       ids=", ".join(theirs)), theirs, NAME)
