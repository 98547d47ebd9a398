"""Soft: a session starts after every session in its `after` column has ended (each one not yet over costs)."""

from __future__ import annotations

from collections import defaultdict

from solver.inputs import Problem
from solver.language import say
from solver.rules.base import BuildContext, Counting, JudgeView, Params, Placed, Placement, RuleSettings, Violation
from solver.rules.findings import Finding

NAME = "order"
DEFAULTS = RuleSettings(hard=False, weight=20)
MODES = ("hard", "soft")
UNIT = "session starting before one it must follow has ended"
SPECIFICITY = 80


def _minute(problem: Problem, day_index: dict, day, minute: int) -> int:
    return day_index[day] * 24 * 60 + minute


def links(problem: Problem, p: Placement) -> list:
    """A session is linked to those it must follow (and they to it, by its id)."""
    return [p.session.session_id, *p.session.after]


def add(ctx: BuildContext) -> None:
    problem = ctx.problem
    days = {d: i for i, d in enumerate(problem.days)}
    horizon = len(days) * 24 * 60
    for session in problem.sessions:
        for before in session.after:
            starts = [(_minute(problem, days, ctx.placements[k].day, ctx.placements[k].slots[0].start), ctx.literals[k])
                      for k in ctx.index.by_session.get(session.session_id, ())]
            ends = [(_minute(problem, days, ctx.placements[k].day, ctx.placements[k].slots[-1].end), ctx.literals[k])
                    for k in ctx.index.by_session.get(before, ())]
            if not starts or not ends:
                continue
            start = sum(m * lit for m, lit in starts)
            end = sum(m * lit for m, lit in ends)
            # no constraint while either session is left unscheduled (when all_scheduled is soft)
            unscheduled = 2 - sum(lit for _, lit in starts) - sum(lit for _, lit in ends)
            v = ctx.violation(name=f"{before}_{session.session_id}", entity=session.session_id)
            ctx.model.add(end - start <= horizon * v + horizon * unscheduled)


def tally(ctx: Counting) -> None:
    """What the local search counts (the model above is its own): each pair (before, after) is a pairwise clash,
    costing once for each of the two that starts before the other has ended when it must follow it."""
    problem = ctx.problem
    days = {d: i for i, d in enumerate(problem.days)}
    keys: dict[str, list[str]] = defaultdict(list)
    for s in problem.sessions:
        for before in s.after:
            if before in problem.session and before != s.session_id:
                keys[s.session_id].append(f"{before}>{s.session_id}")
                keys[before].append(f"{before}>{s.session_id}")
    if not keys:
        return

    def late(first: Placement, then: Placement) -> bool:
        """`then` must follow `first` and starts before `first` has ended."""
        return (first.session.session_id in then.session.after
                and (days[first.day], first.slots[-1].end) > (days[then.day], then.slots[0].start))

    ctx.pairwise(lambda s: keys.get(s.session_id, ()), lambda a, b: int(late(a, b)) + int(late(b, a)))


def judge(view: JudgeView, params: Params) -> list[Violation]:
    days = {d: i for i, d in enumerate(view.problem.days)}
    by_id: dict[str, Placed] = {p.session.session_id: p for p in view.placed}
    out = []
    for p in view.placed:
        for before in p.session.after:
            q = by_id.get(before)
            if q is None:
                continue
            if (days[q.day], q.slots[-1].end) > (days[p.day], p.slots[0].start):
                out.append(Violation(NAME, 1, say("{id} ({when}) must come after {before}, which ends later "
                                                  "({before_when})", id=p.session.session_id, when=p.when(),
                                                  before=before, before_when=q.when()),
                                     (p.session.session_id, before)))
    return out


def core_sentence(problem: Problem, params: Params, entity: str) -> Finding | None:
    s = problem.session.get(entity)
    if s is None:
        return None
    return Finding(say("{id} must start after {ids} ended", id=s.session_id, ids=", ".join(s.after)),
                   (entity, *s.after), NAME)
