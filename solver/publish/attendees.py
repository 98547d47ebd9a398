"""What attendees' wishes (interests.csv) come to in a schedule, for the score report: missed attendance, room
changes between wanted sessions in a row, the share of attendees who can see everything they asked for, and the
worst-off attendees. Counted from the schedule's clock times, as the literature measures them (Vangerven et al.,
Omega 2018), whatever the rules' weights."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from solver.inputs import Problem
from solver.language import for_conference, number, percent, say
from solver.publish.view import entries
from solver.schedule import Schedule


@dataclass(frozen=True)
class Wishes:
    attendees: int  # with at least one wish for a scheduled session
    wishes: int
    missed: int  # Σ over attendees and instants of (wanted sessions running − 1), when more than one
    hops: int  # wanted sessions in a row (one ends as the next starts) in two rooms, per attendee
    satisfied: int  # attendees none of whose wanted sessions overlap
    worst: list[tuple[str, int, int]]  # (attendee, sessions missed, wanted), most missed first


def measure(problem: Problem, schedule: Schedule, worst: int = 5) -> Wishes | None:
    """The measures, or None when the conference has no wishes."""
    if not problem.interests:
        return None
    placed = {e.session.session_id: e for e in entries(problem, schedule)}
    starts: dict = defaultdict(set)
    for slot in problem.slots:
        starts[slot.day].add(slot.start)
    wants: dict[str, set[str]] = defaultdict(set)
    for i in problem.interests:
        if (i.weight is None or i.weight > 0) and i.session_id in placed:
            wants[i.attendee_id].add(i.session_id)
    missed = hops = satisfied = wishes = 0
    per: list[tuple[str, int, int]] = []
    for who, sessions in wants.items():
        mine = [placed[s] for s in sorted(sessions)]
        wishes += len(mine)
        lost = 0
        for day in {e.day for e in mine}:
            today = [e for e in mine if e.day == day]
            for t in starts[day]:
                running = sum(1 for e in today if any(s.start <= t < s.end for s in e.slots))
                lost += max(0, running - 1)
        missed += lost
        clash = any(a.day == b.day and a.slots[0].start < b.slots[-1].end and b.slots[0].start < a.slots[-1].end
                    for i, a in enumerate(mine) for b in mine[i + 1:])
        satisfied += not clash
        hops += sum(1 for a in mine for b in mine if a is not b and a.day == b.day and a.slots[-1].end ==
                    b.slots[0].start and (a.slots[-1].block or None) == (b.slots[0].block or None)
                    and a.room.room_id != b.room.room_id)
        per.append((who, lost, len(mine)))
    per.sort(key=lambda x: (-x[1], x[0]))
    return Wishes(len(wants), wishes, missed, hops, satisfied, [p for p in per[:worst] if p[1]])


def report_lines(problem: Problem, schedule: Schedule) -> list[str]:
    """The report's section on attendees' wishes (none without interests.csv), in the conference's language."""
    w = measure(problem, schedule)
    if w is None or not w.attendees:
        return []
    with for_conference(problem):
        lines = ["## " + say("Attendees' wishes (interests.csv)"), "",
                 "- " + say("{attendees} attendees wish for {wishes} scheduled sessions", attendees=number(w.attendees),
                            wishes=number(w.wishes)),
                 "- " + say("missed attendance: {n} (wanted sessions an attendee cannot see, per instant)",
                            n=number(w.missed)),
                 "- " + say("room changes between wanted sessions in a row: {n}", n=number(w.hops)),
                 "- " + say("attendees who can see everything they asked for: {n} of {attendees} ({share})",
                            n=number(w.satisfied), attendees=number(w.attendees),
                            share=percent(w.satisfied / w.attendees))]
        if w.worst:
            worst = [say("{who} misses {lost} of {wanted}", who=who, lost=lost, wanted=wanted)
                     for who, lost, wanted in w.worst]
            lines.append("- " + say("worst off: {who}", who="; ".join(worst)))
    return [*lines, ""]
