"""iCalendar files: the whole conference, one per room, one per speaker (so each imports exactly their sessions).

Times are local to the conference's time zone (`TZID=America/Toronto`) with its VTIMEZONE included, so a
calendar app shows them right wherever its user is. UIDs are stable (`<session>@<acronym>.salle`): importing
a newer schedule updates events instead of duplicating them. DTSTAMP is fixed from the schedule itself (the
first day at 00:00 UTC) so the same schedule always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone

from solver.publish.view import Entry


def calendar(items: list[Entry], name: str, tz: ZoneInfo, domain: str, days: list[dt.date]) -> bytes:
    """One VCALENDAR holding `items` as VEVENTs, named `name` for the calendar app; `days` are the
    conference's days (they fix the VTIMEZONE's span and DTSTAMP)."""
    cal = Calendar()
    cal.add("prodid", "-//salle//conference schedule//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", tz.key)
    first, last = (min(days), max(days)) if days else (dt.date(2000, 1, 1), dt.date(2000, 1, 1))
    stamp = dt.datetime.combine(first, dt.time(0), tzinfo=dt.UTC)
    cal.add_component(Timezone.from_tzid(tz.key, first_date=dt.date(first.year, 1, 1),
                                         last_date=dt.date(last.year + 1, 1, 1)))
    for e in items:
        cal.add_component(_event(e, tz, domain, stamp))
    return cal.to_ical()


def _event(e: Entry, tz: ZoneInfo, domain: str, stamp: dt.datetime) -> Event:
    """A VEVENT: local start and end with TZID, room as location, speakers and description as text."""
    event = Event()
    event.add("uid", f"{e.session.session_id}@{domain}")
    event.add("dtstamp", stamp)
    event.add("dtstart", e.starts_at(tz))
    event.add("dtend", e.ends_at(tz))
    event.add("summary", e.session.title)
    event.add("location", ", ".join(x for x in (e.room.name, e.room.building) if x))
    lines = [e.speaker_names] if e.speakers else []
    if e.session.description:
        lines.append(e.session.description)
    if lines:
        event.add("description", "\n\n".join(lines))
    if e.session.track:
        event.add("categories", [e.session.track])
    return event
