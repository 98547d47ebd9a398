"""Soft: sessions one attendee wants (interests.csv) do not overlap; each overlap costs per attendee wanting both.

An attendee's pair costs the smaller of their two interest weights (1 when the `weight` cell is empty).
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from solver.inputs import Problem
from solver.rules.base import BuildContext, JudgeView, Params, Placement, RuleSettings, Violation
from solver.rules.clock import describe, overlaps
from solver.rules.findings import Finding

NAME = "attendee_conflicts"
DEFAULTS = RuleSettings(hard=False, weight=1)
MODES = ("hard", "soft")
UNIT = "attendee missing one of two sessions they want"
SPECIFICITY = 130


def wanted_pairs(problem: Problem) -> dict[tuple[str, str], int]:
    """(session, session) -> summed weight of the attendees who want both."""
    wants: dict[str, dict[str, int]] = defaultdict(dict)
    for i in problem.interests:
        wants[i.attendee_id][i.session_id] = 1 if i.weight is None else i.weight
    pairs: dict[tuple[str, str], int] = defaultdict(int)
    for sessions in wants.values():
        for a, b in combinations(sorted(sessions), 2):
            pairs[(a, b)] += min(sessions[a], sessions[b])
    return {k: v for k, v in pairs.items() if v > 0}


_PARTNERS: dict[int, tuple[Problem, dict[str, set[str]]]] = {}


def _partners(problem: Problem) -> dict[str, set[str]]:
    """Each session's wanted partners, computed once per problem."""
    cached = _PARTNERS.get(id(problem))
    if cached is None or cached[0] is not problem:
        out: dict[str, set[str]] = defaultdict(set)
        for a, b in wanted_pairs(problem):
            out[a].add(b)
            out[b].add(a)
        _PARTNERS.clear()
        cached = _PARTNERS[id(problem)] = (problem, out)
    return cached[1]


def links(problem: Problem, p: Placement) -> list:
    """Sessions are linked through each pair some attendee wants both of."""
    return [tuple(sorted((p.session.session_id, other))) for other in _partners(problem).get(p.session.session_id, ())]


def add(ctx: BuildContext) -> None:
    for (a, b), weight in sorted(wanted_pairs(ctx.problem).items()):
        run_a, run_b = ctx.index.running(a), ctx.index.running(b)
        common = [t for t in run_a if t in run_b]
        if not common:
            continue
        v = ctx.violation(weight, name=f"{a}_{b}")
        for t in common:
            ctx.model.add(sum(run_a[t]) + sum(run_b[t]) <= 1 + v)


def judge(view: JudgeView, params: Params) -> list[Violation]:
    by_id = {p.session.session_id: p for p in view.placed}
    out = []
    for (a, b), weight in sorted(wanted_pairs(view.problem).items()):
        pa, pb = by_id.get(a), by_id.get(b)
        if pa and pb and pa.day == pb.day and any(overlaps(x, y) for x in pa.intervals for y in pb.intervals):
            out.append(Violation(NAME, weight, f"{weight} attendee(s) want both {describe(pa)} and {describe(pb)}, "
                                               "which overlap", (a, b)))
    return out


def core_sentence(problem: Problem, params: Params, entity: str) -> Finding | None:
    """A guard per pair of sessions wanted together (`A_B`)."""
    for (a, b), weight in wanted_pairs(problem).items():
        if f"{a}_{b}" == entity:
            return Finding(f"{weight} attendee(s) want both {a} and {b}: they cannot overlap", (a, b), NAME)
    return None
