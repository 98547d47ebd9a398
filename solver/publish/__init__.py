"""Publishing a solved schedule everywhere a conference needs it, all from one `Problem` and `Schedule`.

`render_publications` returns every file as `relative path -> content`; the caller writes them atomically
(solver.outputs.atomic.write_atomically). Nothing here touches the disk.

| file | for whom |
|---|---|
| `timetable.html` | attendees: a grid per day, rooms across, time down, filter by track or speaker, printable |
| `programme.html` | the programme page, rooms filled in (same shape as programme.md) |
| `calendar.ics`, `rooms/<room>.ics`, `speakers/<id>.ics` | calendar apps: everything, one room, one speaker |
| `schedule.xml`, `schedule.json` | conference apps (frab/pretalx voc schedule format) |
| `schedule.xlsx` | organizers' spreadsheets (and `salle import xlsx`) |
| `rooms/<room>.csv`, `speakers.csv` | logistics: door lists and each speaker's sessions |
"""

from __future__ import annotations

from solver.inputs import Problem
from solver.publish.frab import schedule_json, schedule_xml
from solver.publish.ical import Calendars
from solver.publish.lists import door_lists, speakers_csv
from solver.publish.programme import programme_html
from solver.publish.timetable import timetable_html
from solver.publish.view import Conference, entries, file_names
from solver.publish.workbook import Report, schedule_xlsx
from solver.schedule import Schedule

__all__ = ["Conference", "Report", "render_publications"]


def render_publications(
    problem: Problem,
    schedule: Schedule,
    *,
    timezone: str = "America/Toronto",
    report: Report | None = None,
    title: str = "Programme",
    acronym: str = "",
    base_url: str | None = None,
) -> dict[str, str | bytes]:
    """Every publication of `schedule`, keyed by its path relative to the output folder.

    `timezone` is an IANA name (the conference's local time); `report` is the score report (rows of
    rule/amount/penalty…) added to the workbook when given; `title`, `acronym` and `base_url` name the
    conference in the HTML pages, calendars and frab files. Raises ValueError for an unknown time zone.
    """
    conf = Conference(title=title, acronym=acronym, timezone=check_timezone(timezone), base_url=base_url)
    items = entries(problem, schedule)
    cals = Calendars(conf.tz, f"{conf.short.replace('_', '-')}.salle", problem.days)
    rooms = file_names([r.room_id for r in problem.rooms])
    people = file_names([p.speaker_id for p in problem.speakers])
    files: dict[str, str | bytes] = {
        "timetable.html": timetable_html(problem, items, conf),
        "programme.html": programme_html(problem, items, conf),
        "calendar.ics": cals.calendar(items, conf.title),
        "schedule.xml": schedule_xml(problem, items, conf),
        "schedule.json": schedule_json(problem, items, conf),
        "schedule.xlsx": schedule_xlsx(problem, schedule, items, report),
        "speakers.csv": speakers_csv(problem, items),
    }
    files.update(door_lists(problem, items, rooms))
    for room in problem.rooms:
        mine = [e for e in items if e.room.room_id == room.room_id]
        files[f"rooms/{rooms[room.room_id]}.ics"] = cals.calendar(mine, f"{conf.title} – {room.name}")
    for speaker in problem.speakers:
        mine = [e for e in items if speaker.speaker_id in e.session.speakers]
        files[f"speakers/{people[speaker.speaker_id]}.ics"] = cals.calendar(
            mine, f"{conf.title} – {speaker.name}")
    return files


def check_timezone(name: str) -> str:
    """`name` if it is an IANA time zone (America/Toronto), else ValueError."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone '{name}' (expected an IANA name such as America/Toronto)") from None
    return name
