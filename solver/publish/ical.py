"""iCalendar files: the whole conference, one per room, one per speaker (so each imports exactly their sessions).

Times are local to the conference's time zone (`TZID=America/Toronto`) with its VTIMEZONE included, so a
calendar app shows them right wherever its user is. UIDs are stable (`<session>@<acronym>.salle`): importing
a newer schedule updates events instead of duplicating them. DTSTAMP is fixed from the schedule itself (the
first day at 00:00 UTC) so the same schedule always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone

from solver.publish.view import Entry

END = b"END:VCALENDAR\r\n"


class Calendars:
    """Makes the calendars of one conference; each event and the VTIMEZONE are serialized once and shared."""

    def __init__(self, tz: ZoneInfo, domain: str, days: list[dt.date]) -> None:
        self.tz, self.domain = tz, domain
        self.first, self.last = (min(days), max(days)) if days else (dt.date(2000, 1, 1), dt.date(2000, 1, 1))
        self.stamp = dt.datetime.combine(self.first, dt.time(0), tzinfo=dt.UTC)
        self._events: dict[str, bytes] = {}

    @cached_property
    def vtimezone(self) -> bytes:
        """The VTIMEZONE for the conference's years (always present, so even an empty calendar is valid)."""
        zone = Timezone.from_tzid(self.tz.key, first_date=dt.date(self.first.year, 1, 1),
                                  last_date=dt.date(self.last.year + 1, 1, 1))
        return zone.to_ical()

    def calendar(self, items: list[Entry], name: str) -> bytes:
        """One VCALENDAR holding `items` as VEVENTs, named `name` for the calendar app."""
        cal = Calendar()
        cal.add("prodid", "-//salle//conference schedule//EN")
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("method", "PUBLISH")
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", self.tz.key)
        head = cal.to_ical()
        body = b"".join(self._event(e) for e in items)
        return head[: -len(END)] + self.vtimezone + body + END

    def _event(self, e: Entry) -> bytes:
        key = e.session.session_id
        if key not in self._events:
            self._events[key] = event(e, self.tz, self.domain, self.stamp).to_ical()
        return self._events[key]


def event(e: Entry, tz: ZoneInfo, domain: str, stamp: dt.datetime) -> Event:
    """A VEVENT: local start and end with TZID, room as location, speakers and description as text."""
    ev = Event()
    ev.add("uid", f"{e.session.session_id}@{domain}")
    ev.add("dtstamp", stamp)
    ev.add("dtstart", e.starts_at(tz))
    ev.add("dtend", e.ends_at(tz))
    ev.add("summary", e.session.title)
    ev.add("location", ", ".join(x for x in (e.room.name, e.room.building) if x))
    lines = [e.speaker_names] if e.speakers else []
    if e.session.description:
        lines.append(e.session.description)
    if lines:
        ev.add("description", "\n\n".join(lines))
    if e.session.track:
        ev.add("categories", [e.session.track])
    return ev
