"""Soft: the sessions of one track on one day stay in one room (each extra room costs the weight)."""

from __future__ import annotations

from collections import defaultdict

from solver.inputs import Problem
from solver.inputs.values import format_time_fr
from solver.rules.base import BuildContext, JudgeView, Params, Placed, Placement, RuleSettings, Violation
from solver.rules.findings import Finding

NAME = "track_room"
DEFAULTS = RuleSettings(hard=False, weight=5)
MODES = ("hard", "soft")
UNIT = "extra room for a track on a day"
SPECIFICITY = 150


def links(problem: Problem, p: Placement) -> list:
    """Sessions are linked through their track on a day."""
    return [(p.session.track, p.day)] if p.session.track else []


def add(ctx: BuildContext) -> None:
    ctx.spread(lambda p: [(f"{p.session.track}@{p.day}", p.room.room_id)] if p.session.track else [])


def judge(view: JudgeView, params: Params) -> list[Violation]:
    groups: dict[tuple[str, str], list[Placed]] = defaultdict(list)
    for p in view.placed:
        if p.session.track:
            groups[(p.session.track, p.day.isoformat())].append(p)
    out = []
    for (track, day), placed in sorted(groups.items()):
        first_use: dict[str, Placed] = {}
        for p in sorted(placed, key=lambda p: p.slots[0].start):
            first_use.setdefault(p.room.room_id, p)
        if len(first_use) > 1:
            rooms = [f"{p.room.name} ({format_time_fr(p.slots[0].start)})" for p in first_use.values()]
            out.append(Violation(NAME, len(first_use) - 1,
                                 f"Track {track} uses {len(first_use)} rooms on {day}: " + ", ".join(rooms),
                                 tuple(sorted(p.session.session_id for p in placed))))
    return out


def core_sentence(problem: Problem, params: Params, entity: str) -> Finding | None:
    """A guard per track and day (`Track@2027-05-13`)."""
    track, _, day = entity.rpartition("@")
    ids = tuple(s.session_id for s in problem.sessions if s.track == track)
    return Finding(f"Track {track} stays in one room on {day} ({', '.join(ids)})", ids, NAME) if ids else None
