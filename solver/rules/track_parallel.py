"""Soft: sessions of one track never overlap in time (each extra parallel session costs per instant)."""

from __future__ import annotations

from solver.inputs import Problem
from solver.language import say
from solver.rules.base import BuildContext, JudgeView, Params, Placement, RuleSettings, Violation, overlap_bound
from solver.rules.clock import describe, double_bookings
from solver.rules.findings import Finding

NAME = "track_parallel"
DEFAULTS = RuleSettings(hard=False, weight=10)
MODES = ("hard", "soft")
UNIT = "extra parallel session of a track, per instant"
SPECIFICITY = 110


def owners(p: Placement) -> list[str]:
    """What a session holds exclusively while it runs (when this rule is hard): its track."""
    return [p.session.track] if p.session.track else []


def bound(problem: Problem, params: Params) -> int:
    """Tracks with more sessions than the conference has instants must overlap that often."""
    return overlap_bound(problem, lambda s: [s.track] if s.track else [])


def links(problem: Problem, p: Placement) -> list:
    """Sessions are linked through their track on a day (parallel sessions share a day)."""
    return [(p.session.track, p.day)] if p.session.track else []


def add(ctx: BuildContext) -> None:
    ctx.once_at_a_time(owners)


def judge(view: JudgeView, params: Params) -> list[Violation]:
    return double_bookings(
        view, NAME, lambda p: [p.session.track] if p.session.track else [],
        lambda track, when, placed: say("Track {track} runs {n} sessions in parallel on {when}: {sessions}",
                                        track=track, n=len(placed), when=when,
                                        sessions="; ".join(describe(p) for p in placed)),
    )


def core_sentence(problem: Problem, params: Params, entity: str) -> Finding | None:
    """A guard per track."""
    ids = tuple(s.session_id for s in problem.sessions if s.track == entity)
    if not ids:
        return None
    return Finding(say("Track {track} runs one session at a time ({ids})", track=entity, ids=", ".join(ids)), ids,
                   NAME)
