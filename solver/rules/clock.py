"""Clock-time helpers shared by the judge side of the rules (plain Python, no model)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable

from solver.language import moment, say
from solver.rules.base import JudgeView, Placed, Violation


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Half-open clock intervals [start, end) overlap."""
    return a[0] < b[1] and b[0] < a[1]


def grid_instants(view: JudgeView, day: dt.date) -> list[int]:
    """The instants a day is checked at: every slot start of that day (where any overlap must show)."""
    return sorted({s.start for s in view.problem.slots_by_day.get(day, ())})


def double_bookings(
    view: JudgeView, rule: str, keys: Callable[[Placed], Iterable[str]],
    sentence: Callable[[str, str, list[Placed]], str],
) -> list[Violation]:
    """Where one resource (a room, a speaker) is used by several sessions at one instant; `sentence(key, when,
    placed)` says it (in the current language, solver.language).

    The amount is, summed over the day's instants, how many sessions are over one; runs of instants with the
    same sessions make one violation.
    """
    by_key: dict[tuple[str, dt.date], list[Placed]] = defaultdict(list)
    for p in view.placed:
        for k in keys(p):
            by_key[(k, p.day)].append(p)
    found: list[Violation] = []
    for (key, day), items in sorted(by_key.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if len(items) < 2:
            continue
        runs: dict[tuple[str, ...], tuple[int, int]] = {}
        for t in grid_instants(view, day):
            here = [p for p in items if any(a <= t < b for a, b in p.intervals)]
            if len(here) > 1:
                ids = tuple(sorted(p.session.session_id for p in here))
                amount, first = runs.get(ids, (0, t))
                runs[ids] = (amount + len(here) - 1, first)
        for ids, (amount, first) in runs.items():
            placed = [p for p in items if p.session.session_id in ids]
            found.append(Violation(rule, amount, sentence(key, moment(day, first), placed), ids))
    return found


def by_speaker(view: JudgeView) -> dict[str, list[Placed]]:
    """Each speaker's scheduled sessions."""
    mine: dict[str, list[Placed]] = defaultdict(list)
    for p in view.placed:
        for who in p.session.speakers:
            mine[who].append(p)
    return dict(mine)


def describe(p: Placed) -> str:
    """`EC-CNR « Le Conseil… » (Salle A-1100, 13 mai, 13 h 30 – 14 h 45)`."""
    title = p.session.title if len(p.session.title) <= 60 else p.session.title[:57] + "…"
    return say("{id} « {title} » ({room}, {when})", id=p.session.session_id, title=title, room=p.room.name,
               when=p.when())
