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

Besides the timetable, programme and calendars: a page and a one-event calendar per session
(`talks/<stem>.html`, `talks/<stem>.ics`: solver.publish.talks; `talks.talk_page_url` gives a talk page's web
address) and a "now and next" screen per room for its door (`now/<room>.html`: solver.publish.door).

`parts` renders some of them only (`PARTS`): the same files, byte for byte, as rendering them all, so that
solver.publish.files can render the parts in processes of their own, side by side (give them all one `stamp`).
Each folder is written by one part (talks/: pages and calendars; speakers/: calendars): processes creating
files in one folder at once slow each other down (the folder is locked for each new file).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from solver.inputs import Problem
from solver.publish.door import door_pages
from solver.publish.ical import Calendars, calendar_domain
from solver.publish.locale import resolve_locale
from solver.publish.programme import programme_html, programme_markdown, unscheduled
from solver.publish.talks import talk_calendars, talk_page_url, talk_pages, talk_stems
from solver.publish.timetable import PAGED_ABOVE, timetable_pages
from solver.publish.view import Conference, Entry, by_room_id, by_speaker_id, file_names

# the parts of the pages and calendars, each with about its share of the time they take to render (measured on
# the XL conference: 5,000 sessions, 3.8 s of processor in all), for solver.publish.files to balance them
PARTS = {"timetable": 0.225, "organizers": 0.225, "talks": 0.30, "calendars": 0.105, "doors": 0.045,
         "programme": 0.10}


def render_pages(problem: Problem, items: list[Entry], conf: Conference, *, locale: str | None = None,
                 pending: Iterable[str] | None = None, previous: Mapping[str, tuple[str, str]] | None = None,
                 sequences: Mapping[str, int] | None = None, stamp: dt.datetime | None = None,
                 paged: bool | None = None, parts: Iterable[str] | None = None) -> dict[str, str | bytes]:
    """timetable.html (+ per-day pages when paged), timetable-organizers.html (same, with seats),
    programme.md, programme.html, calendar.ics, rooms/<room>.ics, speakers/<id>.ics, talks/<stem>.html and
    talks/<stem>.ics (one per session), now/<room>.html (a room's door screen); with `parts`, only those of
    `PARTS` (timetable, organizers, talks, calendars, doors, programme).

    Raises ValueError for a locale salle has no texts for, or an unknown part."""
    wanted = set(PARTS) if parts is None else set(parts)
    if wanted - set(PARTS):
        raise ValueError(f"unknown part(s) of the pages: {', '.join(sorted(wanted - set(PARTS)))}")
    texts = resolve_locale(problem, locale)
    waiting = unscheduled(problem, items, pending)
    paged = len(items) > PAGED_ABOVE if paged is None else paged
    files: dict[str, str | bytes] = {}
    stems = talk_stems(problem)
    if "timetable" in wanted:
        files.update(timetable_pages(problem, items, conf, texts, pending=waiting, paged=paged, talks=stems,
                                     previous=previous, sequences=sequences))
    if "organizers" in wanted:
        files.update(timetable_pages(problem, items, conf, texts, pending=waiting, paged=paged, organizers=True,
                                     talks=stems, previous=previous, sequences=sequences))
    if "talks" in wanted:
        files.update(talk_pages(problem, items, conf, texts, pending=waiting, paged=paged, stems=stems))
    if "doors" in wanted:
        files.update(door_pages(problem, items, conf, texts))
    if "programme" in wanted:
        files["programme.md"] = programme_markdown(problem, items, conf, texts, waiting)
        files["programme.html"] = programme_html(problem, items, conf, texts, waiting)
    if not wanted & {"talks", "calendars"}:
        return files

    base = conf.base_url.rstrip("/") + "/" if conf.base_url else None

    def link(e: Entry) -> str | None:
        """The talk's own page online (an event's URL in every calendar)."""
        return talk_page_url(base, e.session.session_id, stems)

    cals = Calendars(conf.tz, calendar_domain(conf.acronym, problem.days), problem.days, texts=texts, stamp=stamp,
                     previous=previous, sequences=sequences, link=link)
    if "talks" in wanted:  # with the talk pages: one part writes the talks/ folder (two at once slow each other)
        files.update(talk_calendars(cals, items, conf, stems))
    if "calendars" not in wanted:
        return files
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
