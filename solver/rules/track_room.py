"""Soft: the sessions of one track on one day stay in one room (each extra room costs the weight)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from solver.inputs import Problem
from solver.language import clock, day, say
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
    groups: dict[tuple[str, dt.date], list[Placed]] = defaultdict(list)
    for p in view.placed:
        if p.session.track:
            groups[(p.session.track, p.day)].append(p)
    out = []
    for (track, date), placed in sorted(groups.items()):
        first_use: dict[str, Placed] = {}
        for p in sorted(placed, key=lambda p: p.slots[0].start):
            first_use.setdefault(p.room.room_id, p)
        if len(first_use) > 1:
            rooms = [say("{room} ({time})", room=p.room.name, time=clock(p.slots[0].start)) for p in first_use.values()]
            out.append(Violation(NAME, len(first_use) - 1,
                                 say("Track {track} uses {n} rooms on {day}: {rooms}", track=track, n=len(first_use),
                                     day=day(date), rooms=", ".join(rooms)),
                                 tuple(sorted(p.session.session_id for p in placed))))
    return out


def core_sentence(problem: Problem, params: Params, entity: str) -> Finding | None:
    """A guard per track and day (`Track@2027-05-13`)."""
    track, _, when = entity.rpartition("@")
    ids = tuple(s.session_id for s in problem.sessions if s.track == track)
    if not ids:
        return None
    try:
        on = day(dt.date.fromisoformat(when))
    except ValueError:
        on = when
    return Finding(say("Track {track} stays in one room on {day} ({ids})", track=track, day=on, ids=", ".join(ids)),
                   ids, NAME)
