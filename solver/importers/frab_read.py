"""Reading a published frab/pretalx schedule (schedule.xml or schedule.json) into plain `Published` data.

Every event keeps its clock times as the conference's wall clock, its abstract and description (as Markdown:
HTML is converted by `solver.richtext.to_markdown`), its language and the identifiers apps key on; every person
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

from solver.errors import InputError, Issue, clip, shown
from solver.inputs.table import BAD_CHAR, MAX_FILE_BYTES
from solver.inputs.values import MAX_SEATS
from solver.richtext import to_markdown

CONFERENCE_KEYS = ("title", "acronym", "time_zone_name", "base_url", "venue", "city")
EXTRA_KEYS = ("type", "language", "subtitle", "slug", "url")


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


# -- reading ----------------------------------------------------------------------------------------------------
def _minutes(text: str) -> int:
    """`00:25`, `01:30:00` → minutes (ValueError for anything else)."""
    text = (text or "").strip()
    if not text:
        return 0
    if not re.fullmatch(r"\d{1,4}(:\d{1,2}){0,2}", text):
        raise ValueError(f"duration/start {shown(text)} is not HH:MM")
    parts = [int(p) for p in text.split(":")]
    return parts[0] * 60 + (parts[1] if len(parts) > 1 else 0)


def _clean(text: str) -> str:
    """A published value without the control characters and non-characters the CSV reader refuses."""
    return BAD_CHAR.sub("", text).strip()


def _rich(text: object) -> str:
    """An abstract, description or biography as Markdown (HTML converted), cleaned like any value."""
    return _clean(to_markdown(BAD_CHAR.sub("", str(text or ""))))


def _wall_clock(date_text: str | None, day: str, start: str, day_start: str | None) -> dt.datetime:
    """The event's local start: its ISO `date` when given (kept in its own offset), else day + start time."""
    try:
        if date_text:
            when = dt.datetime.fromisoformat(str(date_text).strip()).replace(tzinfo=None)
        else:
            when = dt.datetime.combine(dt.date.fromisoformat(str(day)), dt.time(0)) + dt.timedelta(
                minutes=_minutes(start))
            if day_start and when.time() < dt.datetime.fromisoformat(str(day_start)).time():
                when += dt.timedelta(days=1)  # after midnight, still the same conference day
    except OverflowError:
        raise ValueError(f"date {shown(date_text or day)} is out of range") from None
    except ValueError as exc:
        if "HH:MM" in str(exc):
            raise
        raise ValueError(f"date {shown(date_text or day)} is not an ISO date (2027-05-13T13:30:00+02:00)") from None
    return when


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


def read_xml(path: Path) -> Published:
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise InputError([Issue(path.name, f"not well-formed XML ({exc})")]) from None
    if root.tag != "schedule":
        raise InputError([Issue(path.name, f"not a frab schedule.xml (root element <{root.tag}>)")])
    events, rooms = [], []
    offsets: Counter[int] = Counter()
    for day in root.findall("day"):
        for room in day.findall("room"):
            rooms.append(_clean(room.get("name", "")))
            for e in room.findall("event"):
                text = lambda tag, e=e: _clean(e.findtext(tag) or "")  # noqa: E731
                persons = [Person(_clean(p.get("id") or p.get("guid") or ""), _clean(p.text or ""))
                           for p in e.iter("person")]
                try:
                    start = _wall_clock(text("date"), day.get("date", ""), text("start"), day.get("start"))
                    minutes = _minutes(text("duration"))
                    _offset(text("date"), offsets)
                except ValueError as exc:
                    raise _bad_event(path, e.get("id"), exc) from None
                events.append(Event(
                    id=_clean(e.get("id", "")), guid=_clean(e.get("guid", "")), title=text("title"),
                    room=text("room") or _clean(room.get("name", "")),
                    start=start, minutes=minutes, track=text("track"), persons=persons,
                    abstract=_rich(e.findtext("abstract")), description=_rich(e.findtext("description")),
                    extra={k: text(k) for k in EXTRA_KEYS},
                ))
    head = root.find("conference")
    meta = {} if head is None else {tag: _clean(head.findtext(tag) or "") for tag in CONFERENCE_KEYS}
    return Published(events, rooms, conference=meta, offsets=offsets)


def read_json(path: Path) -> Published:
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
        conference = doc["schedule"]["conference"]
        if not isinstance(conference, dict):
            raise TypeError("conference is not an object")
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError, RecursionError) as exc:
        reason = clip(str(exc), 120) if not isinstance(exc, RecursionError) else "nested too deeply"
        raise InputError([Issue(path.name, f"not a frab/pretalx schedule.json ({reason})")]) from None
    try:
        published = _json_events(conference)
        published.unscheduled = [Talk(**_json_talk(e)) for e in doc["schedule"].get("x-unscheduled") or []
                                 if isinstance(e, dict)]
        return published
    except _EventError as exc:
        raise _bad_event(path, exc.ident, exc.cause) from None
    except (AttributeError, TypeError, KeyError, ValueError) as exc:
        raise InputError([Issue(path.name, f"not a frab/pretalx schedule.json (unexpected structure: "
                                           f"{type(exc).__name__})")]) from None


class _EventError(Exception):
    def __init__(self, ident: object, cause: Exception) -> None:
        super().__init__(str(cause))
        self.ident, self.cause = ident, cause


def _json_events(conference: dict) -> Published:
    capacities = {_clean(str(r["name"])): int(r["capacity"]) for r in conference.get("rooms", [])
                  if isinstance(r, dict) and isinstance(r.get("capacity"), int | float)
                  and not isinstance(r.get("capacity"), bool) and 1 <= r["capacity"] <= MAX_SEATS}
    events: list[Event] = []
    offsets: Counter[int] = Counter()
    rooms = [_clean(str(r.get("name"))) for r in conference.get("rooms", []) if isinstance(r, dict) and r.get("name")]
    for day in conference.get("days", []):
        for room_name, items in (day.get("rooms") or {}).items():
            rooms.append(_clean(str(room_name)))
            for e in items:
                try:
                    start = _wall_clock(e.get("date"), day.get("date", ""), str(e.get("start") or ""),
                                        day.get("day_start"))
                    minutes = _minutes(str(e.get("duration") or ""))
                    _offset(e.get("date"), offsets)
                except ValueError as exc:
                    raise _EventError(e.get("id"), exc) from None
                events.append(Event(room=_clean(str(e.get("room") or room_name)), start=start, minutes=minutes,
                                    **_json_talk(e)))
    meta = {k: _clean(str(conference.get(k) or "")) for k in CONFERENCE_KEYS if isinstance(conference.get(k), str)}
    if "base_url" not in meta and isinstance(conference.get("url"), str):
        meta["base_url"] = _clean(conference["url"])
    return Published(events, rooms, capacities, conference=meta, offsets=offsets)


def _json_talk(e: dict) -> dict:
    """The fields of a `Talk` from one schedule.json event."""
    persons = [Person(_clean(str(p.get("code") or p.get("id") or p.get("guid") or "")),
                      _clean(str(p.get("public_name") or p.get("name") or "")), _rich(p.get("biography")))
               for p in e.get("persons") or []]
    return {"id": _clean(str(e.get("id") or "")), "guid": _clean(str(e.get("guid") or "")),
            "title": _clean(str(e.get("title") or "")), "track": _clean(str(e.get("track") or "")),
            "persons": persons, "abstract": _rich(e.get("abstract")), "description": _rich(e.get("description")),
            "extra": {k: _clean(str(e.get(k) or "")) for k in EXTRA_KEYS}}


def read_published(path: Path) -> Published:
    """schedule.xml or schedule.json, by extension (or by the first character when it has none)."""
    if not path.is_file():
        raise InputError([Issue(str(path), "no such file")])
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InputError([Issue(path.name, f"is {path.stat().st_size:,} bytes: a schedule is limited to "
                                           f"{MAX_FILE_BYTES:,}")])
    if path.suffix.lower() == ".json" or path.read_bytes().lstrip()[:1] in (b"{", b"["):
        return read_json(path)
    return read_xml(path)
