"""Soft: sessions sharing a tag (column `tags`) do not overlap in time (each extra one costs per instant)."""

from __future__ import annotations

from solver.inputs import Problem
from solver.language import say
from solver.rules.base import BuildContext, JudgeView, Params, Placement, RuleSettings, Violation, overlap_bound
from solver.rules.clock import describe, double_bookings
from solver.rules.findings import Finding

NAME = "avoid_parallel"
DEFAULTS = RuleSettings(hard=False, weight=10)
MODES = ("hard", "soft")
UNIT = "extra parallel session sharing a tag, per instant"
SPECIFICITY = 120


def owners(p: Placement) -> tuple[str, ...]:
    """What a session holds exclusively while it runs (when this rule is hard): its tags."""
    return p.session.tags


def bound(problem: Problem, params: Params) -> int:
    """Tags on more sessions than the conference has instants must overlap that often."""
    return overlap_bound(problem, lambda s: s.tags)


def links(problem: Problem, p: Placement) -> list:
    """Sessions are linked through a tag on a day (sessions in parallel share a day)."""
    return [(tag, p.day) for tag in p.session.tags]


def add(ctx: BuildContext) -> None:
    ctx.once_at_a_time(owners)


def judge(view: JudgeView, params: Params) -> list[Violation]:
    return double_bookings(
        view, NAME, lambda p: p.session.tags,
        lambda tag, when, placed: say("{n} sessions tagged « {tag} » run in parallel on {when}: {sessions}",
                                      n=len(placed), tag=tag, when=when,
                                      sessions="; ".join(describe(p) for p in placed)),
    )


def core_sentence(problem: Problem, params: Params, entity: str) -> Finding | None:
    """A guard per tag."""
    tagged = tuple(s.session_id for s in problem.sessions if entity in s.tags)
    if not tagged:
        return None
    return Finding(say("sessions tagged « {tag} » never run in parallel ({ids})", tag=entity, ids=", ".join(tagged)),
                   tagged, NAME)
