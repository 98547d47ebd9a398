"""Soft: sessions one attendee wants (interests.csv) do not overlap: missed attendance, or wanted pairs apart.

`measure: missed` (the default, as Vangerven et al., "Conference scheduling — a personalized approach", Omega
2018): at every instant (slot start), each attendee with more than one wanted session running misses all but
one, and each missed one costs: Σ over attendees and instants of max(0, wanted sessions running − 1); interest
weights are not counted (an attendee is one person). `measure: pairs`: each pair of wanted sessions that
overlap costs the smaller of the attendee's two interest weights (1 when the `weight` cell is empty).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from solver.inputs import Problem
from solver.language import say, say_n
from solver.rules.base import BuildContext, Counting, JudgeView, Placement, RuleSettings, Violation, pair_owners
from solver.rules.base import Params as BaseParams
from solver.rules.clock import describe, double_bookings, overlaps
from solver.rules.findings import Finding
from solver.rules.wishes import wishes

NAME = "attendee_conflicts"
DEFAULTS = RuleSettings(hard=False, weight=1)
MODES = ("hard", "soft")
UNIT = "attendee missing a session they want, per instant (pairs: per pair and weight)"
SPECIFICITY = 130


class Params(BaseParams):
    measure: Literal["missed", "pairs"] = Field(default="missed", description="missed attendance, or wanted pairs")


def _cached(problem: Problem) -> tuple[dict[tuple[str, str], int], dict[str, set[str]]]:
    """The wanted pairs and each session's wanted partners (solver.rules.wishes: once per interests.csv)."""
    w = wishes(problem)
    return w.pairs, w.partners


def attendees(problem: Problem) -> dict[str, tuple[str, ...]]:
    """Each session's attendees (who want it: an interest of weight 0 wants nothing)."""
    return wishes(problem).attendees


def wanted_pairs(problem: Problem) -> dict[tuple[str, str], int]:
    """(session, session) -> summed weight of the attendees who want both (a < b)."""
    return wishes(problem).pairs


def _partners(problem: Problem) -> dict[str, set[str]]:
    return wishes(problem).partners


def links(problem: Problem, p: Placement) -> list:
    """Sessions are linked through each pair some attendee wants both of."""
    return [tuple(sorted((p.session.session_id, other))) for other in _partners(problem).get(p.session.session_id, ())]


def _wanting(problem: Problem):  # type: ignore[no-untyped-def]
    """owners(placement) for missed attendance: the attendees who want the session (as `@id`)."""
    who = attendees(problem)
    return lambda p: who.get(p.session.session_id, ())


def add(ctx: BuildContext) -> None:
    if ctx.params.measure == "missed":  # type: ignore[attr-defined]
        if ctx.problem.interests:
            ctx.once_at_a_time(_wanting(ctx.problem))
        return
    pairs, partners = _cached(ctx.problem)
    here = ctx.index.by_session
    mine = sorted((a, b) for a in here for b in partners.get(a, ()) if a < b and b in here)
    for a, b in mine:
        weight = pairs[(a, b)]
        run_a, run_b = ctx.index.running(a), ctx.index.running(b)
        common = [t for t in run_a if t in run_b]
        if not common:
            continue
        v = ctx.violation(weight, name=f"{a}_{b}")
        for t in common:
            ctx.model.add(sum(run_a[t]) + sum(run_b[t]) <= 1 + v)


def tally(ctx: Counting) -> None:
    """What the local search counts (the model above is its own): each wanted pair is a pairwise clash costing
    the attendees who want both when the two overlap."""
    if ctx.params.measure == "missed":  # type: ignore[attr-defined]
        if ctx.problem.interests:
            ctx.once_at_a_time(_wanting(ctx.problem))
        return
    pairs = wanted_pairs(ctx.problem)
    if not pairs:
        return

    def clash(pa: Placement, pb: Placement) -> int:
        sa, sb = pa.slots, pb.slots
        if sa[0].day != sb[0].day or sa[0].start >= sb[-1].end or sb[0].start >= sa[-1].end:
            return 0  # another day, or apart (the quick test: most pairs)
        weight = pairs.get((pa.session.session_id, pb.session.session_id), 0)
        return weight if weight and any(overlaps((x.start, x.end), (y.start, y.end)) for x in sa for y in sb) else 0

    ctx.pairwise(pair_owners(pairs), clash)


def judge(view: JudgeView, params: Params) -> list[Violation]:  # type: ignore[override]
    if params.measure == "missed":
        who = attendees(view.problem)
        return double_bookings(view, NAME, lambda p: who.get(p.session.session_id, ()),
                               lambda attendee, when, placed: say(
                                   "{attendee} wants {n} sessions at once on {when} and misses {missed}: {sessions}",
                                   attendee=attendee[1:], n=len(placed), when=when, missed=len(placed) - 1,
                                   sessions="; ".join(describe(p) for p in placed)))
    by_id = {p.session.session_id: p for p in view.placed}
    pairs, partners = _cached(view.problem)
    out = []
    wanted = sorted((x, y) for x in by_id for y in partners.get(x, ()) if x < y and y in by_id)
    for a, b in wanted:
        weight = pairs[(a, b)]
        pa, pb = by_id.get(a), by_id.get(b)
        if pa and pb and pa.day == pb.day and any(overlaps(x, y) for x in pa.intervals for y in pb.intervals):
            out.append(Violation(NAME, weight, say_n("{n} attendee wants both {a} and {b}, which overlap",
                                                     "{n} attendees want both {a} and {b}, which overlap", weight,
                                                     a=describe(pa), b=describe(pb)), (a, b)))
    return out


def core_sentence(problem: Problem, params: Params, entity: str) -> Finding | None:
    """A guard per attendee (`@id`, missed attendance) or per pair of sessions wanted together (`A_B`)."""
    if entity.startswith("@"):
        wanted = sorted(sid for sid, who in attendees(problem).items() if entity in who)
        return Finding(say("{attendee} wants {ids}: no two of them at once", attendee=entity[1:],
                           ids=", ".join(wanted)), tuple(wanted), NAME)
    for (a, b), weight in wanted_pairs(problem).items():
        if f"{a}_{b}" == entity:
            return Finding(say_n("{n} attendee wants both {a} and {b}: they cannot overlap",
                                 "{n} attendees want both {a} and {b}: they cannot overlap", weight, a=a, b=b),
                           (a, b), NAME)
    return None
