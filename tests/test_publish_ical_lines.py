"""Calendar events written directly are byte for byte what icalendar writes for the same event."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from icalendar import Calendar

from solver.inputs import Room, Session, Slot, Speaker
from solver.publish.ical import END, Calendars, event
from solver.publish.locale import texts
from solver.publish.view import Entry

STAMP = dt.datetime(2027, 4, 1, 12, 0, tzinfo=dt.UTC)
TITLES = ["Plain", "Virgule, point-virgule; deux-points: barre \\ oblique", "line\nbreak\r\nand\rcr \\N",
          "é" * 40, "x" * 73 + "\\;", "Ünïcödé « guillemets » – tiret " * 5, '"quoted" <b>&</b>', "a" * 74,
          "a" * 75, "💡" * 30]


def _entry(i: int, title: str, language: str | None, track: str | None, building: str | None,
           description: str | None, speakers: int) -> Entry:
    session = Session.model_construct(session_id=f"S{i}", title=title, speakers=(), attendance=1, track=track,
                                      description=description, language=language, extra={})
    room = Room.model_construct(room_id="R1", name=f"Salle {title[:20]}", capacity=10, building=building, extra={})
    slot = Slot.model_construct(slot_id="T1", day=dt.date(2027, 5, 13), start=13 * 60 + 30, end=24 * 60, extra={})
    people = tuple(Speaker.model_construct(speaker_id=f"p{k}", name=f"Personne, {k};", extra={})
                   for k in range(speakers))
    return Entry(session, room, (slot,), people)


def test_events_are_written_as_icalendar_writes_them() -> None:
    cases = list(itertools.product(TITLES, (None, "en", "fr-CA", "x;y"), (None, "Données, ouvertes"),
                                   (None, "Pavillon E"), (None, "Une description\nsur deux lignes, avec ; et \\."),
                                   (0, 1, 3)))
    for tz, locale, url in (("America/Toronto", "fr_CA", True), ("Europe/Brussels", "en", False)):
        zone = ZoneInfo(tz)
        cals = Calendars(zone, "demo.salle", [dt.date(2027, 5, 13)], texts=texts(locale), stamp=STAMP,
                         previous={"S1": ("R9", "T9")},
                         link=(lambda e: f"https://example.org/p/timetable.html#s-{e.session.session_id}")
                         if url else None)
        for i, case in enumerate(cases):
            e = _entry(i, *case)
            expected = event(e, zone, "demo.salle", STAMP, sequence=cals.sequence(e), texts=texts(locale),
                             url=cals.link(e) if cals.link else None).to_ical()
            assert cals._event(e) == expected, case
        assert cals._fast


def test_calendars_are_written_as_icalendar_writes_them() -> None:
    zone = ZoneInfo("America/Toronto")
    cals = Calendars(zone, "demo.salle", [dt.date(2027, 5, 13)], stamp=STAMP)
    items = [_entry(i, t, None, None, None, None, 1) for i, t in enumerate(TITLES)]
    for name in ["Programme", *(t for t in TITLES if "\n" not in t and "\r" not in t)]:
        cal = Calendar()
        cal.add("prodid", "-//salle//conference schedule//EN")
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("method", "PUBLISH")
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", zone.key)
        expected = (cal.to_ical()[: -len(END)] + cals.vtimezone
                    + b"".join(event(e, zone, "demo.salle", STAMP).to_ical() for e in items) + END)
        assert cals.calendar(items, name) == expected, name


def test_a_time_zone_icalendar_writes_otherwise_falls_back_to_icalendar() -> None:
    zone = ZoneInfo("UTC")
    cals = Calendars(zone, "demo.salle", [dt.date(2027, 5, 13)], stamp=STAMP)
    for i, title in enumerate(TITLES):
        e = _entry(i, title, None, None, None, None, 1)
        assert cals._event(e) == event(e, zone, "demo.salle", STAMP).to_ical()
