"""The files people read: timetable pages, programme (Markdown and HTML) and calendars, in one language.

`render_pages` is what `solver.publish.render_publications` calls for them; its keyword parameters are the
knobs the command line and conference.yaml set:

- `locale`: `fr_CA`, `en`, `en_GB`, `fr`…, the language of every text, date and time (default: the
  conference's own language, `locale.guess_locale`);
- `pending`: ids of the sessions left out, announced as « Horaire à venir » / "Time to be announced"
  (default: every session the schedule does not place);
- `previous`: session_id -> (room_id, slot_id) of the published schedule; a moved session's SEQUENCE goes up;
- `sequences`: session_id -> SEQUENCE in the published calendar (`ical.read_sequences`; default all 0);
- `stamp`: the DTSTAMP of every event, an aware datetime (default: the run time, SOURCE_DATE_EPOCH if set);
- `paged`: one timetable page per day (default: above `timetable.PAGED_ABOVE` sessions).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from urllib.parse import quote

from solver.inputs import Problem
from solver.publish.frab import ANCHOR_SAFE
from solver.publish.ical import Calendars, calendar_domain
from solver.publish.locale import resolve_locale
from solver.publish.programme import programme_html, programme_markdown, unscheduled
from solver.publish.timetable import PAGED_ABOVE, page_name, timetable_pages
from solver.publish.view import Conference, Entry, by_room_id, by_speaker_id, file_names


def render_pages(problem: Problem, items: list[Entry], conf: Conference, *, locale: str | None = None,
                 pending: Iterable[str] | None = None, previous: Mapping[str, tuple[str, str]] | None = None,
                 sequences: Mapping[str, int] | None = None, stamp: dt.datetime | None = None,
                 paged: bool | None = None) -> dict[str, str | bytes]:
    """timetable.html (+ per-day pages when paged), timetable-organizers.html (same, with seats),
    programme.md, programme.html, calendar.ics, rooms/<room>.ics, speakers/<id>.ics.

    Raises ValueError for a locale salle has no texts for."""
    texts = resolve_locale(problem, locale)
    waiting = unscheduled(problem, items, pending)
    paged = len(items) > PAGED_ABOVE if paged is None else paged
    files: dict[str, str | bytes] = {}
    files.update(timetable_pages(problem, items, conf, texts, pending=waiting, paged=paged))
    files.update(timetable_pages(problem, items, conf, texts, pending=waiting, paged=paged, organizers=True))
    files["programme.md"] = programme_markdown(problem, items, conf, texts, waiting)
    files["programme.html"] = programme_html(problem, items, conf, texts, waiting)

    days = sorted({*problem.days, *(e.day for e in items)})
    base = conf.base_url.rstrip("/") + "/" if conf.base_url else None

    def link(e: Entry) -> str | None:
        anchor = quote(e.session.session_id, safe=ANCHOR_SAFE)
        return f"{base}{page_name('timetable', days, e.day, paged)}#s-{anchor}" if base else None

    cals = Calendars(conf.tz, calendar_domain(conf.acronym, problem.days), problem.days, texts=texts, stamp=stamp,
                     previous=previous, sequences=sequences, link=link)
    files["calendar.ics"] = cals.calendar(items, conf.title)
    rooms = file_names([r.room_id for r in problem.rooms])
    by_room = by_room_id(items)
    for room in problem.rooms:
        mine = by_room.get(room.room_id, [])
        files[f"rooms/{rooms[room.room_id]}.ics"] = cals.calendar(mine, f"{conf.title} – {room.name}")
    people = file_names([p.speaker_id for p in problem.speakers])
    by_speaker = by_speaker_id(items)
    for speaker in problem.speakers:
        mine = by_speaker.get(speaker.speaker_id, [])
        files[f"speakers/{people[speaker.speaker_id]}.ics"] = cals.calendar(mine, f"{conf.title} – {speaker.name}")
    return files
