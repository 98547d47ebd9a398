"""iCalendar files: the whole conference, one per room, one per speaker (so each imports exactly their sessions).

Times are local to the conference's time zone (`TZID=America/Toronto`) with its VTIMEZONE included, so a
calendar app shows them right wherever its user is.

What makes a calendar app update an event instead of duplicating or ignoring it:
- UID: `<session_id>@<conference>.salle`, where the conference is its acronym; without one, the right-hand side
  of the UIDs of the calendar published before (`read_calendar`: so adding a day before the first, or
  renaming the conference, keeps every UID), and only for a first publication without an acronym its first
  day. Never the title, so renaming the conference or a session keeps every UID.
- DTSTAMP: when the file was made, the run time by default (or `stamp`, e.g. the schedule's version;
  SOURCE_DATE_EPOCH is honoured for reproducible builds).
- SEQUENCE: 0 for a session as first published; one more than before when the session moved (another room or
  first slot) relative to `previous` (session_id -> (room_id, slot_id), the published schedule). The
  sequence numbers of the published calendar itself can be read back with `read_sequences` and passed as
  `sequences`, so a session moved twice goes 0, 1, 2. `read_calendar` and `moves` do both from the calendar.ics
  published before (what solver.publish.files reads in the output folder): a session whose start, end or
  location differs from that calendar's event gets that event's SEQUENCE plus one, the others keep theirs.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from zoneinfo import ZoneInfo

from icalendar import Calendar, Component, Event, Parameters, Timezone, vCategory, vText, vUri
from icalendar.parser import Contentline

from solver.inputs import Session
from solver.publish.locale import Texts
from solver.publish.view import Entry, slugify
from solver.richtext import joined, to_text

END = b"END:VCALENDAR\r\n"


def calendar_domain(acronym: str, days: list[dt.date]) -> str:
    """The right-hand side of every UID: `fosdem-2025.salle`, or `conference-2027-05-13.salle` without an
    acronym. Only the acronym or the first day: a title is for people and may change. (An acronym that is
    already such a domain's stem, `conference-2027-05-13`, gives that domain back: see `uid_stem`.)"""
    if acronym.strip():
        return f"{slugify(acronym, 'conference')}.salle"
    first = min(days).isoformat() if days else "undated"
    return f"conference-{first}.salle"


def sequence_of(e: Entry, previous: Mapping[str, tuple[str, str]], sequences: Mapping[str, int]) -> int:
    """An event's SEQUENCE: as published (`sequences`), plus one when it moved relative to `previous`."""
    key = e.session.session_id
    seq = sequences.get(key, 0)
    before = previous.get(key)
    if before is not None and tuple(before) != (e.room.room_id, e.slots[0].slot_id):
        seq += 1
    return seq


def run_time() -> dt.datetime:
    """Now in UTC to the second, or SOURCE_DATE_EPOCH when it is set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def read_sequences(data: bytes) -> dict[str, int]:
    """session_id -> SEQUENCE of each event of a calendar.ics salle wrote (to pass as `sequences`);
    ValueError when `data` is not a calendar."""
    found: dict[str, int] = {}
    for ev in Calendar.from_ical(data).walk("VEVENT"):
        uid = str(ev.get("uid", ""))
        if "@" in uid:
            found[uid.rsplit("@", 1)[0]] = int(ev.get("sequence", 0))
    return found


@dataclass(frozen=True)
class PublishedEvent:
    """One event of a calendar.ics salle wrote: its SEQUENCE, start and end (aware, or naive for a floating
    time), and location."""

    sequence: int
    start: dt.datetime | None
    end: dt.datetime | None
    location: str


@dataclass(frozen=True)
class PublishedCalendar:
    """The events of a calendar.ics salle wrote, by session id, and the right-hand side its UIDs share (None
    when they do not share one, or it is not salle's `….salle`)."""

    domain: str | None
    events: dict[str, PublishedEvent]


def read_calendar(data: bytes) -> PublishedCalendar:
    """What `moves` and `uid_stem` need of a calendar.ics salle wrote; ValueError when `data` is not a
    calendar. A calendar as salle writes it is read line by line (`_read_plainly`: a 5,000-event calendar in
    0.1 s, against 2 s for icalendar's parser); any other (edited by hand, another tool's) by icalendar."""
    plain = _read_plainly(data)
    return plain if plain is not None else _read_parsed(data)


def _read_parsed(data: bytes) -> PublishedCalendar:
    found: dict[str, PublishedEvent] = {}
    domains: set[str] = set()
    for ev in Calendar.from_ical(data).walk("VEVENT"):
        uid = str(ev.get("uid", ""))
        if "@" not in uid:
            continue
        key, domain = uid.rsplit("@", 1)
        domains.add(domain)
        found[key] = PublishedEvent(int(ev.get("sequence", 0)), _when(ev, "dtstart"), _when(ev, "dtend"),
                                    str(ev.get("location", "")))
    shared = domains.pop() if len(domains) == 1 else ""
    return PublishedCalendar(shared if shared.endswith(".salle") else None, found)


_PLAIN_PROPERTIES = frozenset({"UID", "SEQUENCE", "DTSTART", "DTEND", "LOCATION"})
_UNESCAPED = {"\\\\": "\\", "\\,": ",", "\\;": ";", "\\n": "\n", "\\N": "\n"}


def _read_plainly(data: bytes) -> PublishedCalendar | None:
    """`read_calendar` for a calendar written as salle writes them (CRLF lines folded by a space, events without
    sub-components, times in UTC, floating, or with an IANA TZID); None for anything else (then icalendar
    reads it)."""
    if not data.startswith(b"BEGIN:VCALENDAR\r\n") or b"\r\n" not in data:
        return None
    try:
        lines = data.replace(b"\r\n ", b"").replace(b"\r\n\t", b"").decode("utf-8").split("\r\n")
    except UnicodeDecodeError:
        return None
    if any("\n" in line or "\r" in line for line in lines):
        return None  # a bare line break: not salle's writing
    found: dict[str, PublishedEvent] = {}
    domains: set[str] = set()
    event: dict[str, tuple[list[str], str]] | None = None
    for line in lines:
        if line == "BEGIN:VEVENT":
            event = {}
        elif line == "END:VEVENT":
            if event is None:
                return None
            read = _plain_event(event)
            if read is None:
                return None
            if read[0]:
                key, domain = read[0].rsplit("@", 1)
                domains.add(domain)
                found[key] = read[1]
            event = None
        elif event is not None:
            if line.startswith(("BEGIN:", "END:")):
                return None  # an alarm or another sub-component
            head, colon, value = line.partition(":")
            if not colon or '"' in head:
                return None
            name, *params = head.split(";")
            if name.upper() in _PLAIN_PROPERTIES:
                if name.upper() in event:
                    return None
                event[name.upper()] = (params, value)
    if event is not None:
        return None
    shared = domains.pop() if len(domains) == 1 else ""
    return PublishedCalendar(shared if shared.endswith(".salle") else None, found)


class _NotPlain(Exception):
    """A property `_read_plainly` leaves to icalendar."""


def _plain_event(event: dict[str, tuple[list[str], str]]) -> tuple[str, PublishedEvent] | None:
    """(uid when it has an `@`, else "", the event) from its raw properties; None when one is not plain."""
    uid = event.get("UID", ([], ""))[1]
    try:
        sequence = int(event["SEQUENCE"][1]) if "SEQUENCE" in event else 0
        start, end = (_plain_time(*event[key]) if key in event else None for key in ("DTSTART", "DTEND"))
    except (ValueError, _NotPlain):
        return None
    where = event.get("LOCATION", ([], ""))[1]
    if "\\" in where:
        where = re.sub(r"\\[\\,;nN]", lambda m: _UNESCAPED[m.group()], where)
    return (uid if "@" in uid else "", PublishedEvent(sequence, start, end, where))


def _plain_time(params: list[str], value: str) -> dt.datetime | None:
    """A DTSTART or DTEND as icalendar decodes it (a date gives None); _NotPlain when it is not plain."""
    zone: dt.tzinfo | None = None
    for param in params:
        key, _, given = param.partition("=")
        if key.upper() == "VALUE" and given.upper() == "DATE":
            return None
        if key.upper() == "TZID":
            try:
                zone = ZoneInfo(given)
            except (ValueError, KeyError, OSError):
                raise _NotPlain(given) from None
        elif key.upper() != "VALUE":
            raise _NotPlain(param)
    try:
        moment = dt.datetime.strptime(value.removesuffix("Z"), "%Y%m%dT%H%M%S")
    except ValueError:
        raise _NotPlain(value) from None
    if value.endswith("Z"):
        return moment.replace(tzinfo=dt.UTC)
    return moment.replace(tzinfo=zone) if zone is not None else moment


def _when(ev: Component, key: str) -> dt.datetime | None:
    try:
        value = ev.decoded(key)
    except (KeyError, ValueError):
        return None
    return value if isinstance(value, dt.datetime) else None


def location(e: Entry) -> str:
    """The LOCATION of `e`: its room's name and building."""
    return ", ".join(x for x in (e.room.name, e.room.building) if x)


def _same_time(before: dt.datetime | None, now: dt.datetime) -> bool:
    """The same instant (or, for a floating time published before, the same wall-clock time)."""
    if before is None:
        return False
    if before.tzinfo is None:
        return before == now.replace(tzinfo=None)
    return before == now


def moves(items: Iterable[Entry], tz: ZoneInfo, published: PublishedCalendar
          ) -> tuple[dict[str, tuple[str, str]], dict[str, int]]:
    """`previous` and `sequences` for `Calendars` from the calendar published before: each session it has keeps
    its SEQUENCE, one more when its start, end or location changed since (moved in time or room, whatever the
    assignments.csv of that time said); a session it does not have starts at 0."""
    previous: dict[str, tuple[str, str]] = {}
    sequences: dict[str, int] = {}
    for e in items:
        key = e.session.session_id
        before = published.events.get(key)
        if before is None:
            continue
        sequences[key] = before.sequence
        same = (_same_time(before.start, e.starts_at(tz)) and _same_time(before.end, e.ends_at(tz))
                and before.location == location(e))
        previous[key] = (e.room.room_id, e.slots[0].slot_id) if same else ("", "")  # "": moved
    return previous, sequences


def uid_stem(acronym: str, published: PublishedCalendar | None) -> str:
    """What names the conference in the UIDs (`calendar_domain`'s `acronym`): the acronym when given, else the
    domain of the calendar published before (UIDs never change once published), else "" (the first day)."""
    if acronym.strip():
        return acronym
    if published is not None and published.domain:
        return published.domain.removesuffix(".salle")
    return ""


class Calendars:
    """Makes the calendars of one conference; each event and the VTIMEZONE are serialized once and shared."""

    def __init__(self, tz: ZoneInfo, domain: str, days: list[dt.date], *, texts: Texts | None = None,
                 stamp: dt.datetime | None = None, previous: Mapping[str, tuple[str, str]] | None = None,
                 sequences: Mapping[str, int] | None = None,
                 link: Callable[[Entry], str | None] | None = None) -> None:
        """`domain` from `calendar_domain`; `texts` the page language (LANGUAGE of the texts); `stamp` the
        DTSTAMP (default: the run time); `previous` and `sequences` as in the module's docstring; `link` gives
        each event's web address (its place in the timetable online), or None."""
        self.tz, self.domain, self.texts, self.link = tz, domain, texts, link
        self.first, self.last = (min(days), max(days)) if days else (dt.date(2000, 1, 1), dt.date(2000, 1, 1))
        self.stamp = (stamp or run_time()).astimezone(dt.UTC)
        self.previous = previous or {}
        self.sequences = sequences or {}
        self._events: dict[str, bytes] = {}
        self._fast: bool | None = None  # events written directly (see `_event`); None until the first event

    @cached_property
    def vtimezone(self) -> bytes:
        """The VTIMEZONE for the conference's years (always present, so even an empty calendar is valid)."""
        zone = Timezone.from_tzid(self.tz.key, first_date=dt.date(self.first.year, 1, 1),
                                  last_date=dt.date(self.last.year + 1, 1, 1))
        return zone.to_ical()

    def sequence(self, e: Entry) -> int:
        """The SEQUENCE of `e`: as published, plus one when it moved relative to `previous`."""
        return sequence_of(e, self.previous, self.sequences)

    def calendar(self, items: list[Entry], name: str) -> bytes:
        """One VCALENDAR holding `items` as VEVENTs, named `name` for the calendar app."""
        # a calendar's name is one line (a room or speaker name may hold a line break: Excel's Alt+Enter)
        one_line = " ".join(name.split()) if "\n" in name or "\r" in name else name
        head = self._head + _calendar_line("x-wr-calname", one_line) + self._zone_line
        body = b"".join(self._event(e) for e in items)
        return head + self.vtimezone + body + END

    @cached_property
    def _head(self) -> bytes:
        """The calendar's first lines, up to its name (the same for every calendar of the conference)."""
        cal = Calendar()
        cal.add("prodid", "-//salle//conference schedule//EN")
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("method", "PUBLISH")
        return cal.to_ical()[: -len(b"END:VCALENDAR\r\n")]

    @cached_property
    def _zone_line(self) -> bytes:
        return _calendar_line("x-wr-timezone", self.tz.key)

    def _event(self, e: Entry) -> bytes:
        key = e.session.session_id
        if key not in self._events:
            url = self.link(e) if self.link else None
            seq = self.sequence(e)
            if self._fast is None:  # the first event, both ways: the fast one is used only when it is identical
                slow = event(e, self.tz, self.domain, self.stamp, sequence=seq, texts=self.texts, url=url).to_ical()
                self._fast = self._event_lines(e, seq, url) == slow
                self._events[key] = slow
            elif self._fast:
                self._events[key] = self._event_lines(e, seq, url)
            else:
                self._events[key] = event(e, self.tz, self.domain, self.stamp, sequence=seq, texts=self.texts,
                                          url=url).to_ical()
        return self._events[key]

    def _event_lines(self, e: Entry, sequence: int, url: str | None) -> bytes:
        """`event(…).to_ical()` written directly: the same lines, in the same order, escaped and folded alike
        (icalendar's own value types and folding), about ten times faster than building the component."""
        lang = _params("LANGUAGE", e.session.language or self.texts.lang) if self.texts else ""
        place = _params("LANGUAGE", self.texts.lang) if self.texts else ""
        zone = _params("TZID", self.tz.key)
        names = [p.name for p in e.speakers]
        lines = [self.texts.names(names) if self.texts else ", ".join(names)] if names else []
        if plain_about(e.session):
            lines.append(plain_about(e.session))
        out = [
            b"BEGIN:VEVENT\r\n",
            _line("SUMMARY", lang, _text(e.session.title)),
            _line("DTSTART", zone, _local(e.starts_at(self.tz))),
            _line("DTEND", zone, _local(e.ends_at(self.tz))),
            _line("DTSTAMP", "", _local(self.stamp) + "Z"),
            _line("UID", "", _text(f"{e.session.session_id}@{self.domain}")),
            _line("SEQUENCE", "", str(sequence)),
        ]
        if e.session.track:
            out.append(_line("CATEGORIES", "", vCategory([e.session.track]).to_ical().decode()))
        if lines:
            out.append(_line("DESCRIPTION", lang, _text("\n\n".join(lines))))
        out.append(_line("LOCATION", place, _text(location(e))))
        if url:
            out.append(_line("URL", "", vUri(url).to_ical().decode()))
        out.append(b"END:VEVENT\r\n")
        return b"".join(out)


def _calendar_line(name: str, value: str) -> bytes:
    """The content line (folded, with its CRLF) icalendar writes for a VCALENDAR property (of a type without
    parameters, such as X-WR-CALNAME)."""
    return _line(name.upper(), "", Calendar.types_factory.for_property(name)(value).to_ical().decode())


def _text(value: str) -> str:
    return vText(value).to_ical().decode()


def _local(when: dt.datetime) -> str:
    """`20270513T133000`: the wall-clock time, as icalendar writes a DATE-TIME."""
    return f"{when.year:04}{when.month:02}{when.day:02}T{when.hour:02}{when.minute:02}{when.second:02}"


_PARAMS: dict[tuple[str, str], str] = {}


def _params(key: str, value: str) -> str:
    """`;LANGUAGE=fr-CA`: one parameter as icalendar writes it (quoted when it must be)."""
    if (key, value) not in _PARAMS:
        text = Parameters({key: value}).to_ical().decode()
        _PARAMS[(key, value)] = f";{text}" if text else ""
    return _PARAMS[(key, value)]


def _line(name: str, params: str, value: str) -> bytes:
    """One content line with its CRLF, folded at 75 octets by icalendar when longer."""
    line = f"{name}{params}:{value}"
    data = line.encode()
    if len(data) < 75 and "\n" not in line:  # shorter lines are not folded (a line break is refused below)
        return data + b"\r\n"
    return bytes(Contentline(line).to_ical()) + b"\r\n"


def plain_about(session: Session) -> str:
    """The session's description and details (Markdown) as plain text: calendars show no markup."""
    return to_text(joined(session.description, session.extra.get("details")))


def event(e: Entry, tz: ZoneInfo, domain: str, stamp: dt.datetime, *, sequence: int = 0,
          texts: Texts | None = None, url: str | None = None) -> Event:
    """A VEVENT: local start and end with TZID, room as location, speakers and description as text."""
    ev = Event()
    lang = {"LANGUAGE": e.session.language or texts.lang} if texts else {}
    place = {"LANGUAGE": texts.lang} if texts else {}
    ev.add("uid", f"{e.session.session_id}@{domain}")
    ev.add("dtstamp", stamp)
    ev.add("sequence", sequence)
    ev.add("dtstart", e.starts_at(tz))
    ev.add("dtend", e.ends_at(tz))
    ev.add("summary", e.session.title, parameters=lang)
    ev.add("location", location(e), parameters=place)
    names = [p.name for p in e.speakers]
    lines = [texts.names(names) if texts else ", ".join(names)] if names else []
    if plain_about(e.session):
        lines.append(plain_about(e.session))
    if lines:
        ev.add("description", "\n\n".join(lines), parameters=lang)
    if e.session.track:
        ev.add("categories", [e.session.track])
    if url:
        ev.add("url", url)
    return ev
