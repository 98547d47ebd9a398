"""Soft: a speaker's two sessions on one day are at least `minutes` apart (`travel_minutes` across buildings)."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from pydantic import Field

from solver.inputs import Problem
from solver.language import listed, say, say_n
from solver.rules.base import BuildContext, JudgeView, Placed, Placement, RuleSettings, Violation
from solver.rules.base import Params as BaseParams
from solver.rules.findings import Finding

NAME = "speaker_changeover"
DEFAULTS = RuleSettings(hard=False, weight=5)
MODES = ("hard", "soft")
UNIT = "pair of a speaker's sessions too close"
SPECIFICITY = 90


class Params(BaseParams):
    minutes: int = Field(default=15, ge=0, description="least gap between a speaker's sessions in one building")
    travel_minutes: int = Field(default=30, ge=0, description="least gap when the rooms are in different buildings")


def _needed(params: Params, building_a: str | None, building_b: str | None) -> int:
    return params.travel_minutes if building_a and building_b and building_a != building_b else params.minutes


def links(problem: Problem, p: Placement) -> list:
    """Sessions are linked through a speaker on a day (a changeover is between two sessions of one day)."""
    return [(who, p.day) for who in p.session.speakers]


def add(ctx: BuildContext) -> None:
    params: Params = ctx.params  # type: ignore[assignment]

    def too_close(a: Placement, b: Placement) -> bool:
        gap = max(b.slots[0].start - a.slots[-1].end, a.slots[0].start - b.slots[-1].end)
        return a.day == b.day and gap < _needed(params, a.room.building, b.room.building)

    # all a gap depends on is the first slot and the building
    ctx.pairwise(lambda s: s.speakers, too_close, shape=lambda p: (p.slots[0].slot_id, p.room.building))


def judge(view: JudgeView, params: Params) -> list[Violation]:  # type: ignore[override]
    by_id = {p.session.session_id: p for p in view.placed}
    pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    present = {who for p in view.placed for who in p.session.speakers}
    for who in (w for w in view.problem.speaker if w in present):
        ids = sorted(s.session_id for s in view.problem.sessions_of(who) if s.session_id in by_id)
        for a, b in combinations(ids, 2):
            pairs[(a, b)].append(view.problem.speaker[who].name)
    out = []
    for (a, b), names in sorted(pairs.items()):
        pa, pb = by_id[a], by_id[b]
        if pa.day != pb.day:
            continue
        first, second = sorted((pa, pb), key=lambda p: p.slots[0].start)
        gap = second.slots[0].start - first.slots[-1].end
        need = _needed(params, first.room.building, second.room.building)
        if gap < need:
            out.append(Violation(NAME, 1, say_n("{names} has {gap} min between {first} and {second}; {need} min needed",
                                                "{names} have {gap} min between {first} and {second}; {need} min "
                                                "needed", len(names), names=listed(names), gap=max(gap, 0),
                                                first=_said(first), second=_said(second), need=need),
                                 (a, b)))
    return out


def _said(p: Placed) -> str:
    return say("{id} ({room}, {when})", id=p.session.session_id, room=p.room.name, when=p.when())


def core_sentence(problem: Problem, params: Params, entity: str) -> Finding | None:
    """A guard per pair of sessions sharing a speaker (`A_B`)."""
    for who in problem.speaker:
        ids = sorted(s.session_id for s in problem.sessions_of(who))
        for a, b in combinations(ids, 2):
            if f"{a}_{b}" == entity:
                names = [problem.speaker[w].name for w in problem.speaker
                         if {a, b} <= {s.session_id for s in problem.sessions_of(w)}]
                return Finding(say_n("{names} needs {minutes} min between {a} and {b} ({travel} min across buildings)",
                                     "{names} need {minutes} min between {a} and {b} ({travel} min across "
                                     "buildings)", len(names), names=listed(names), minutes=params.minutes, a=a,
                                     b=b, travel=params.travel_minutes), (a, b), NAME)
    return None
