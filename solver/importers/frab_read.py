"""Reading a published frab/pretalx schedule (schedule.xml or schedule.json) into plain `Published` data.

Every event keeps its clock times as the conference's wall clock, its abstract and description (as Markdown:
HTML is converted by `solver.richtext.to_markdown`), its language, the identifiers apps key on (id, guid, slug,
url), its type, feedback address, links and attachments; every person
keeps their biography when the file has one (pretalx's schedule.json). Anything unreadable is an `InputError`
naming the file and the event.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from solver.errors import InputError, Issue, clip, shown
from solver.inputs.files import NotReadable, read_limited
from solver.inputs.table import BAD_CHAR, MAX_FILE_BYTES
from solver.inputs.values import MAX_SEATS
from solver.richtext import to_markdown

CONFERENCE_KEYS = ("title", "acronym", "time_zone_name", "base_url", "venue", "city")
EXTRA_KEYS = ("type", "language", "subtitle", "slug", "url", "feedback_url")
REFERENCES = ("links", "attachments")  # lists of {url, title, type}, kept as JSON text (solver.importers.frab)


@dataclass
class Person:
    id: str
    name: str
    biography: str = ""  # Markdown


@dataclass(kw_only=True)
class Talk:
    """What a session is, wherever and whenever it takes place."""

    id: str
    guid: str
    title: str
    track: str = ""
    persons: list[Person] = field(default_factory=list)
    abstract: str = ""  # Markdown, like description
    description: str = ""
    extra: dict[str, str] = field(default_factory=dict)  # EXTRA_KEYS
    references: dict[str, list[dict[str, str]]] = field(default_factory=dict)  # REFERENCES: [{url, title, type}]


@dataclass(kw_only=True)
class Event(Talk):
    """One published event, times as the conference's wall clock."""

    room: str
    start: dt.datetime
    minutes: int


@dataclass
class Published:
    """Every event, and every room the schedule lists (some hold no event), with seats when published; and the
    talks announced without a time (salle's `x-unscheduled` in schedule.json)."""

    events: list[Event]
    rooms: list[str] = field(default_factory=list)
    capacities: dict[str, int] = field(default_factory=dict)
    conference: dict[str, str] = field(default_factory=dict)  # title, acronym, time_zone_name, base_url, venue…
    unscheduled: list[Talk] = field(default_factory=list)
    offsets: Counter[int] = field(default_factory=Counter)  # the events' UTC offsets (minutes), where dates give one
    notes: list[str] = field(default_factory=list)  # what reading had to adapt (a night the clocks changed)


# -- reading ----------------------------------------------------------------------------------------------------
_CLOCK = re.compile(r"(\d{1,3}):(\d{2})(?::(\d{2}))?")


def _minutes(text: str, field: str) -> int:
    """An event's `start` (`09:30`: a time of day) or `duration` (`00:25`, `01:30:00`) in minutes; ValueError
    naming the field for anything else (`99:99`, a bare number, nothing at all)."""
    text = (text or "").strip()
    if not text:
        raise ValueError(f"{field} is missing (frab gives every event a start and a duration as HH:MM)")
    match = _CLOCK.fullmatch(text)
    hours, minutes, seconds = (int(g or 0) for g in match.groups()) if match else (0, 60, 0)
    if minutes > 59 or seconds > 59 or (field == "start" and hours > 23):
        what = "a time of day, 00:00 to 23:59" if field == "start" else "a duration such as 00:30"
        raise ValueError(f"{field} {shown(text)} is not HH:MM ({what})")
    return hours * 60 + minutes


def _clean(text: str) -> str:
    """A published value without the control characters and non-characters the CSV reader refuses."""
    return BAD_CHAR.sub("", text).strip()


def _rich(text: object) -> str:
    """An abstract, description or biography as Markdown (HTML converted), cleaned like any value."""
    return _clean(to_markdown(BAD_CHAR.sub("", str(text or ""))))


def _wall_clock(date_text: str | None, day: str, start: str, day_start: str | None) -> dt.datetime:
    """The event's start: its ISO `date` when given (aware when it carries an offset), else the day's date and
    its `start` (after `day_start`: a time before it is past midnight, still the same conference day)."""
    clock = _minutes(start, "start") if start or not date_text else None
    try:
        if date_text:
            return dt.datetime.fromisoformat(str(date_text).strip())
        when = dt.datetime.combine(dt.date.fromisoformat(str(day)), dt.time(0)) + dt.timedelta(minutes=clock or 0)
        if day_start and when.time() < dt.datetime.fromisoformat(str(day_start)).time():
            when += dt.timedelta(days=1)
    except OverflowError:
        raise ValueError(f"date {shown(date_text or day)} is out of range") from None
    except ValueError:
        field = "date" if date_text else "the day's date"
        raise ValueError(f"{field} {shown(date_text or day)} is not an ISO date (2027-05-13T13:30:00+02:00)"
                         ) from None
    return when


def one_clock(days: list[list[Event]], notes: list[str]) -> None:
    """Each conference day on one clock: events whose dates carry another UTC offset than the day's first event
    (the night clocks go back, or forward) are given in that event's offset, so two events an hour apart stay
    an hour apart (and in order) instead of sharing a wall-clock time; each such day gets a note. Times are
    then naive wall-clock times, as the input contract has them."""
    for events in days:
        aware = [e for e in events if e.start.utcoffset() is not None]
        frame = min(aware, key=lambda e: e.start).start.utcoffset() if aware else None
        moved = [e for e in aware if e.start.utcoffset() != frame]
        for e in events:
            if frame is not None and e.start.utcoffset() is not None:
                e.start = e.start.astimezone(dt.timezone(frame))
            e.start = e.start.replace(tzinfo=None)
        if moved and frame is not None:
            notes.append(f"{len(moved)} event(s) of {moved[0].start.date()} carry another UTC offset than the day's "
                         f"first (the clocks changed that night): their times are given on the day's first clock "
                         f"(UTC{_signed(frame)}), so that events an hour apart stay an hour apart")


def _signed(offset: dt.timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    return f"{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _offset(date_text: object, offsets: Counter[int]) -> None:
    """Count the UTC offset an event's ISO date gives (none: nothing counted)."""
    try:
        when = dt.datetime.fromisoformat(str(date_text).strip()) if date_text else None
    except ValueError:
        return
    if when is not None and when.utcoffset() is not None:
        offsets[int(when.utcoffset().total_seconds() // 60)] += 1  # type: ignore[union-attr]


def _bad_event(path: Path, ident: object, exc: Exception) -> InputError:
    reason = str(exc) if isinstance(exc, ValueError) else f"unexpected structure ({type(exc).__name__})"
    return InputError([Issue(path.name, f"event {shown(str(ident or '?'))}: {reason}")])


def _event(talk: dict, room: str, start: dt.datetime, duration: str) -> Event:
    """One placed event; ValueError naming the field when it has no title or no usable duration."""
    if not talk["title"]:
        raise ValueError("title is missing (every event needs one)")
    return Event(room=room, start=start, minutes=_minutes(duration, "duration"), **talk)


def read_xml(path: Path, raw: bytes) -> Published:
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        raise InputError([Issue(path.name, f"not well-formed XML ({exc})")]) from None
    if root.tag != "schedule":
        raise InputError([Issue(path.name, f"not a frab schedule.xml (root element <{root.tag}>)")])
    days: list[list[Event]] = []
    rooms: list[str] = []
    offsets: Counter[int] = Counter()
    for day in root.findall("day"):
        days.append([])
        for room in day.findall("room"):
            rooms.append(_clean(room.get("name", "")))
            for e in room.findall("event"):
                text = lambda tag, e=e: _clean(e.findtext(tag) or "")  # noqa: E731
                persons = [Person(_clean(p.get("id") or p.get("guid") or ""), _clean(p.text or ""))
                           for p in e.iter("person")]
                talk = {"id": _clean(e.get("id", "")), "guid": _clean(e.get("guid", "")), "title": text("title"),
                        "track": text("track"), "persons": persons, "abstract": _rich(e.findtext("abstract")),
                        "description": _rich(e.findtext("description")), "extra": {k: text(k) for k in EXTRA_KEYS},
                        "references": _xml_references(e)}
                try:
                    start = _wall_clock(text("date"), day.get("date", ""), text("start"), day.get("start"))
                    _offset(text("date"), offsets)
                    days[-1].append(_event(talk, text("room") or _clean(room.get("name", "")), start,
                                           text("duration")))
                except ValueError as exc:
                    raise _bad_event(path, e.get("id"), exc) from None
    notes: list[str] = []
    one_clock(days, notes)
    head = root.find("conference")
    meta = {} if head is None else {tag: _clean(head.findtext(tag) or "") for tag in CONFERENCE_KEYS}
    return Published([e for d in days for e in d], rooms, conference=meta, offsets=offsets, notes=notes)


def _reference(url: object, title: object, kind: object) -> dict[str, str] | None:
    """One link or attachment as {url, title, type} (only what it gives); None without a web address."""
    href = _clean(str(url or "")) if isinstance(url, str) else ""
    if not href:
        return None
    ref = {"url": href}
    if isinstance(title, str) and _clean(title):
        ref["title"] = _clean(title)
    if isinstance(kind, str) and _clean(kind):
        ref["type"] = _clean(kind)
    return ref


def _xml_references(e: ET.Element) -> dict[str, list[dict[str, str]]]:
    """An event's `<links><link href=…>title</link></links>` and `<attachments><attachment …>`, in order."""
    found: dict[str, list[dict[str, str]]] = {}
    for group, tag in (("links", "link"), ("attachments", "attachment")):
        refs = [_reference(x.get("href"), x.text, x.get("type")) for x in e.findall(f"{group}/{tag}")]
        if any(refs):
            found[group] = [r for r in refs if r]
    return found


def _json_references(e: dict) -> dict[str, list[dict[str, str]]]:
    """schedule.json's `links` and `attachments`: objects {url, title, type} (or bare addresses)."""
    found: dict[str, list[dict[str, str]]] = {}
    for group in REFERENCES:
        items = e.get(group)
        if not isinstance(items, list):
            continue
        refs = [_reference(x, None, None) if isinstance(x, str) else
                _reference(x.get("url") or x.get("href"), x.get("title"), x.get("type")) if isinstance(x, dict)
                else None for x in items]
        if any(refs):
            found[group] = [r for r in refs if r]
    return found


class _Shape(Exception):
    """A schedule.json whose structure is not frab's: where (a JSON path) and what was expected."""

    def __init__(self, where: str, expected: str, value: object) -> None:
        got = {dict: "an object", list: "a list", str: "a text", bool: "true/false", type(None): "null"}
        super().__init__(f"{where} should be {expected}, got {got.get(type(value), 'a number')}")


def _of(value: object, kind: type, where: str) -> Any:
    if not isinstance(value, kind):
        raise _Shape(where, "an object" if kind is dict else "a list", value)
    return value


def read_json(path: Path, raw: bytes) -> Published:
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        reason = clip(str(exc), 120) if not isinstance(exc, RecursionError) else "nested too deeply"
        raise InputError([Issue(path.name, f"not a frab/pretalx schedule.json ({reason})")]) from None
    try:
        schedule = _of(_of(doc, dict, "the file").get("schedule"), dict, "schedule")
        conference = _of(schedule.get("conference"), dict, "schedule.conference")
        published = _json_events(conference)
        unscheduled = _of(schedule.get("x-unscheduled") or [], list, "schedule.x-unscheduled")
        published.unscheduled = [Talk(**_unscheduled(e)) for e in unscheduled if isinstance(e, dict)]
        return published
    except _EventError as exc:
        raise _bad_event(path, exc.ident, exc.cause) from None
    except (_Shape, RecursionError) as exc:
        reason = str(exc) if isinstance(exc, _Shape) else "nested too deeply"
        raise InputError([Issue(path.name, f"not a frab/pretalx schedule.json (unexpected structure: {reason})")]
                         ) from None


def _unscheduled(e: dict) -> dict:
    try:
        return _json_talk(e)
    except ValueError as exc:
        raise _EventError(e.get("id"), exc) from None


class _EventError(Exception):
    def __init__(self, ident: object, cause: Exception) -> None:
        super().__init__(str(cause))
        self.ident, self.cause = ident, cause


def _json_events(conference: dict) -> Published:
    listed = _of(conference.get("rooms") or [], list, "schedule.conference.rooms")
    capacities = {_clean(str(r["name"])): int(r["capacity"]) for r in listed
                  if isinstance(r, dict) and isinstance(r.get("capacity"), int | float)
                  and not isinstance(r.get("capacity"), bool) and 1 <= r["capacity"] <= MAX_SEATS}
    days: list[list[Event]] = []
    offsets: Counter[int] = Counter()
    rooms = [_clean(str(r.get("name"))) for r in listed if isinstance(r, dict) and r.get("name")]
    for d, day in enumerate(_of(conference.get("days") or [], list, "schedule.conference.days")):
        where = f"schedule.conference.days[{d}]"
        day = _of(day, dict, where)
        days.append([])
        for room_name, items in _of(day.get("rooms") or {}, dict, f"{where}.rooms").items():
            rooms.append(_clean(str(room_name)))
            for i, e in enumerate(_of(items, list, f"{where}.rooms[{json.dumps(room_name)}]")):
                e = _of(e, dict, f"{where}.rooms[{json.dumps(room_name)}][{i}]")
                try:
                    talk = _json_talk(e)
                    start = _wall_clock(_text(e, "date"), str(day.get("date") or ""), _text(e, "start"),
                                        _text(day, "day_start") or None)
                    _offset(e.get("date"), offsets)
                    days[-1].append(_event(talk, _clean(_text(e, "room") or str(room_name)), start,
                                           _text(e, "duration")))
                except ValueError as exc:
                    raise _EventError(e.get("id"), exc) from None
    notes: list[str] = []
    one_clock(days, notes)
    meta = {k: _clean(str(conference.get(k) or "")) for k in CONFERENCE_KEYS if isinstance(conference.get(k), str)}
    if "base_url" not in meta and isinstance(conference.get("url"), str):
        meta["base_url"] = _clean(conference["url"])
    return Published([e for d in days for e in d], rooms, capacities, conference=meta, offsets=offsets, notes=notes)


def _text(item: dict, key: str) -> str:
    """A text or number field of an event (ValueError naming it when it is a list, an object or true/false)."""
    value = item.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"{key} should be a text, got {shown(value)}")
    return str(value)


def _json_talk(e: dict) -> dict:
    """The fields of a `Talk` from one schedule.json event (ValueError naming a field of the wrong shape)."""
    people = e.get("persons") or []
    if not isinstance(people, list):
        raise ValueError(f"persons should be a list, got {shown(people)}")
    persons = []
    for n, p in enumerate(people):
        if not isinstance(p, dict):
            raise ValueError(f"persons[{n}] should be an object with a name, got {shown(p)}")
        persons.append(Person(_clean(_text(p, "code") or _text(p, "id") or _text(p, "guid")),
                              _clean(_text(p, "public_name") or _text(p, "name")), _rich(_text(p, "biography"))))
    return {"id": _clean(_text(e, "id")), "guid": _clean(_text(e, "guid")), "title": _clean(_text(e, "title")),
            "track": _clean(_text(e, "track")), "persons": persons, "abstract": _rich(_text(e, "abstract")),
            "description": _rich(_text(e, "description")), "extra": {k: _clean(_text(e, k)) for k in EXTRA_KEYS},
            "references": _json_references(e)}


def read_published(path: Path) -> Published:
    """schedule.xml or schedule.json, by extension (or by the first character when it has none)."""
    if not path.exists() and not path.is_symlink():
        raise InputError([Issue(str(path), "no such file")])
    try:
        raw = read_limited(path, MAX_FILE_BYTES, "schedule", "a schedule is limited to")
    except NotReadable as exc:
        raise InputError([Issue(path.name, exc.message)]) from None
    if path.suffix.lower() == ".json" or raw.lstrip()[:1] in (b"{", b"["):
        return read_json(path, raw)
    return read_xml(path, raw)
