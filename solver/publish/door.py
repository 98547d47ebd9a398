"""`now/<room>.html`: a screen at a room's door, "now and next" in large type.

Self-contained (no network: the room's sessions are embedded in the page, so it keeps working offline once
loaded); its script finds the session under way and the next one, and redraws every 30 seconds. The time it
reads is the browser's clock, or a fixed one for a demonstration or a test: `?now=2027-05-13T10:15:00-04:00`
in the address, or `window.SALLE_NOW` (an ISO date-time or milliseconds) set before the page's script runs;
that time then moves on with the clock. Times are shown in the conference's time zone whatever the screen's.
"""

from __future__ import annotations

from solver.inputs import Problem
from solver.publish.locale import Texts
from solver.publish.render import render
from solver.publish.view import Conference, Entry, by_room_id, file_names

NOW = "now"
REFRESH_SECONDS = 30


def door_pages(problem: Problem, items: list[Entry], conf: Conference, texts: Texts) -> dict[str, str]:
    """`now/<room stem>.html` for every room (stems as rooms/<stem>.ics: `view.file_names` over room ids)."""
    stems = file_names([r.room_id for r in problem.rooms])
    by_room = by_room_id(items)
    out: dict[str, str] = {}
    for room in problem.rooms:
        sessions = [
            {"title": e.session.title, "speakers": texts.names([p.name for p in e.speakers]),
             "hours": texts.hours(e.start, e.end), "day": e.day.isoformat(), "dayTitle": texts.day(e.day),
             "start": int(e.starts_at(conf.tz).timestamp() * 1000), "end": int(e.ends_at(conf.tz).timestamp() * 1000),
             "lang": texts.other(e.session.language)}
            for e in sorted(by_room.get(room.room_id, []), key=lambda e: (e.day, e.start))
        ]
        out[f"{NOW}/{stems[room.room_id]}.html"] = render(
            "door.html.j2", conf=conf, t=texts, room=room, sessions=sessions, refresh=REFRESH_SECONDS)
    return out
