"""Soft: the sessions of one track fall on as few days as possible (each extra day costs the weight)."""

from __future__ import annotations

from collections import defaultdict

from solver.inputs import Problem
from solver.language import day, say
from solver.rules.base import BuildContext, JudgeView, Params, Placed, Placement, RuleSettings, Violation
from solver.rules.findings import Finding

NAME = "track_days"
DEFAULTS = RuleSettings(hard=False, weight=1)
MODES = ("hard", "soft")
UNIT = "extra day for a track"
SPECIFICITY = 180


def links(problem: Problem, p: Placement) -> list:
    """Sessions are linked through their track."""
    return [p.session.track] if p.session.track else []


def add(ctx: BuildContext) -> None:
    ctx.spread(lambda p: [(p.session.track, p.day.isoformat())] if p.session.track else [])


def judge(view: JudgeView, params: Params) -> list[Violation]:
    tracks: dict[str, list[Placed]] = defaultdict(list)
    for p in view.placed:
        if p.session.track:
            tracks[p.session.track].append(p)
    out = []
    for track, placed in sorted(tracks.items()):
        days = sorted({p.day for p in placed})
        if len(days) > 1:
            out.append(Violation(NAME, len(days) - 1, say("Track {track} spreads over {n} days: {days}", track=track,
                                                          n=len(days), days=", ".join(day(d) for d in days)),
                                 tuple(sorted(p.session.session_id for p in placed))))
    return out


def core_sentence(problem: Problem, params: Params, entity: str) -> Finding | None:
    """A guard per track."""
    ids = tuple(s.session_id for s in problem.sessions if s.track == entity)
    if not ids:
        return None
    return Finding(say("Track {track} fits in one day ({ids})", track=entity, ids=", ".join(ids)), ids, NAME)
