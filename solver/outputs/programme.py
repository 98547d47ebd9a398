"""`programme.md`: the programme in the seed's own shape, with "Salle à venir" replaced by the real room."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from solver.inputs import Problem
from solver.inputs.values import format_time_fr
from solver.publish.view import md_text
from solver.schedule import Schedule

_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre")


def french_date(day: dt.date) -> str:
    """`jeudi 13 mai 2027`."""
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def programme_markdown(problem: Problem, schedule: Schedule, title: str = "Programme") -> str:
    """Days, then time blocks (13h30-14h45) with their label, then each session: title, room, speakers,
    description. Sessions keep the order of sessions.csv within a block."""
    order = {s.session_id: i for i, s in enumerate(problem.sessions)}
    blocks: dict[dt.date, dict[tuple[int, int, str], list[tuple[int, str, str]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for a in schedule.assignments:
        session = problem.session[a.session_id]
        run = problem.run(a.slot_id, session.slots_needed) or (problem.slot[a.slot_id],)
        label = run[0].label or (session.kind or "").replace("-", " ").capitalize()
        blocks[run[0].day][(run[0].start, run[-1].end, label)].append((order[a.session_id], a.session_id, a.room_id))

    lines = [f"# {title}", ""]
    for day in sorted(blocks):
        lines += [f"## {french_date(day)}", ""]
        for (start, end, label), items in sorted(blocks[day].items()):
            lines += [f"### {format_time_fr(start)}-{format_time_fr(end)}", ""]
            if label:
                lines += [f"**{md_text(label)}**", ""]
            for _, session_id, room_id in sorted(items):
                session = problem.session[session_id]
                lines += [f"#### {md_text(session.title)}", "", f"*{md_text(problem.room[room_id].name)}*", ""]
                for speaker_id in session.speakers:
                    speaker = problem.speaker[speaker_id]
                    who = f"{speaker.name}, {speaker.affiliation}" if speaker.affiliation else speaker.name
                    lines += [md_text(who), ""]
                if session.description:
                    lines += [md_text(session.description), ""]
    return "\n".join(lines).rstrip() + "\n"
