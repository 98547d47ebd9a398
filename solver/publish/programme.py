"""`programme.html`: the seed's programme page (days, time blocks, sessions) with the real rooms filled in.

The same shape and order as `programme.md` (solver.outputs.programme): sessions keep sessions.csv order within
a block; dates and times are written the French way (`jeudi 13 mai 2027`, `13h30-14h45`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from solver.inputs import Problem
from solver.inputs.values import format_time_fr
from solver.outputs.programme import french_date
from solver.publish.render import render
from solver.publish.view import Conference, Entry


@dataclass
class TimeBlock:
    hours: str
    label: str
    items: list[Entry] = field(default_factory=list)


@dataclass
class ProgrammeDay:
    title: str
    blocks: list[TimeBlock]


def programme_days(problem: Problem, items: list[Entry]) -> list[ProgrammeDay]:
    order = {s.session_id: i for i, s in enumerate(problem.sessions)}
    by_day: dict[dt.date, dict[tuple[int, int, str], list[Entry]]] = defaultdict(lambda: defaultdict(list))
    for e in items:
        label = e.slots[0].label or (e.session.kind or "").replace("-", " ").capitalize()
        by_day[e.day][(e.start, e.end, label)].append(e)
    return [
        ProgrammeDay(french_date(day), [
            TimeBlock(f"{format_time_fr(start)}-{format_time_fr(end)}", label,
                      sorted(group, key=lambda e: order[e.session.session_id]))
            for (start, end, label), group in sorted(by_day[day].items())
        ])
        for day in sorted(by_day)
    ]


def programme_html(problem: Problem, items: list[Entry], conf: Conference) -> str:
    return render("programme.html.j2", conf=conf, days=programme_days(problem, items))
