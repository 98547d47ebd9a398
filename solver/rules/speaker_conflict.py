"""Hard: a speaker is never in two sessions that overlap in time (when soft, each clash costs per instant)."""

from __future__ import annotations

from solver.inputs import Problem
from solver.language import say
from solver.rules.base import BuildContext, JudgeView, Params, Placement, RuleSettings, Violation
from solver.rules.clock import describe, double_bookings
from solver.rules.findings import Finding

NAME = "speaker_conflict"
DEFAULTS = RuleSettings(hard=True, weight=100)
MODES = ("hard", "soft")
UNIT = "extra session for a speaker, per instant"
SPECIFICITY = 100


def owners(p: Placement) -> tuple[str, ...]:
    """What a session holds exclusively while it runs: its speakers."""
    return p.session.speakers


def links(problem: Problem, p: Placement) -> list:
    """Sessions are linked through a speaker on a day (sessions at once share a day)."""
    return [(who, p.day) for who in p.session.speakers]


def add(ctx: BuildContext) -> None:
    ctx.once_at_a_time(owners)


def judge(view: JudgeView, params: Params) -> list[Violation]:
    return double_bookings(
        view, NAME, lambda p: p.session.speakers,
        lambda who, when, placed: say("{name} is in {n} sessions at once on {when}: {sessions}",
                                      name=view.problem.speaker[who].name, n=len(placed), when=when,
                                      sessions="; ".join(describe(p) for p in placed)),
    )


def core_sentence(problem: Problem, params: Params, entity: str) -> Finding | None:
    if entity not in problem.speaker:
        return None
    mine = [x.session_id for x in problem.sessions_of(entity)]
    return Finding(say("{name} cannot be in two sessions at once ({ids})", name=problem.speaker[entity].name,
                       ids=", ".join(mine)), tuple(mine), NAME)
