"""Hard: every room a speaker presents in has the features they need (speakers.csv `needs`, e.g. accessible)."""

from __future__ import annotations

from solver.inputs import Problem
from solver.language import listed, say
from solver.rules.base import JudgeView, Params, Placement, RuleSettings, Violation
from solver.rules.findings import Finding

NAME = "speaker_needs"
DEFAULTS = RuleSettings(hard=True, weight=50)
MODES = ("hard", "soft")
SCOPE = "room"  # the cost depends on the session and the room only
UNIT = "feature a speaker needs missing from the room"
SPECIFICITY = 60


def _needs(problem: Problem, speaker_id: str) -> list[str]:
    return [f for f in problem.speaker[speaker_id].needs if f]


def relevant(problem: Problem, session) -> bool:
    return any(_needs(problem, who) for who in session.speakers)


def cost(problem: Problem, params: Params, p: Placement) -> int:
    return sum(1 for who in p.session.speakers for f in _needs(problem, who) if f not in p.room.features)


def entities(problem: Problem, params: Params, p: Placement) -> list[str]:
    return [who for who in p.session.speakers if any(f not in p.room.features for f in _needs(problem, who))]


def judge(view: JudgeView, params: Params) -> list[Violation]:
    out = []
    for p in view.placed:
        for who in p.session.speakers:
            missing = [f for f in view.problem.speaker[who].needs if f not in p.room.features]
            if missing:
                out.append(Violation(NAME, len(missing), say("{name} needs {needs}, which {room} ({id}) lacks",
                                                             name=view.problem.speaker[who].name,
                                                             needs=listed(missing), room=p.room.name,
                                                             id=p.session.session_id),
                                     (p.session.session_id,)))
    return out


def core_sentence(problem: Problem, params: Params, entity: str) -> Finding | None:
    """A guard per speaker."""
    if entity not in problem.speaker:
        return None
    theirs = tuple(s.session_id for s in problem.sessions_of(entity))
    return Finding(say("{name} needs {needs} in every room they present in ({ids})", name=problem.speaker[entity].name,
                       needs=listed(_needs(problem, entity)), ids=", ".join(theirs)), theirs, NAME)
