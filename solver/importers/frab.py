"""`salle import frab`: a published frab/pretalx schedule (schedule.xml or schedule.json) as an inputs folder.

What the published schedule becomes:
- rooms.csv: one room per room name; capacity from schedule.json's rooms when given, else DEFAULT_CAPACITY
  (frab does not publish seats: a large number, so no session is ever "short of seats");
- slots.csv: one slot per distinct (day, start, end) of the events, so every event keeps its own clock times
  and `room_conflict` / `speaker_conflict` compare real overlaps (events of different lengths get different
  slots; the rules compare clock times, never slot ids). An event running past midnight ends at 24:00;
- sessions.csv: one session per event (id, title, speakers, track, abstract as description), attendance
  DEFAULT_ATTENDANCE (frab does not publish it), length 1 (its own slot); frab's id, guid, type, language,
  subtitle, slug and url are kept as extra columns (and reused by schedule.xml/json);
- speakers.csv: one speaker per person id (or name when there is none);
- assignments.csv: the published room and slot of every event, for `salle check --schedule` and as a
  previous schedule; with `pin=True` sessions.csv also pins each session there (columns room, slot).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from solver.errors import InputError, Issue, clip, shown
from solver.importers.folder import ASSIGNMENTS, CONTRACT, Imported, Table, write_inputs
from solver.inputs.conference import CONFERENCE, ConferenceFile, conference_yaml
from solver.inputs.table import BAD_CHAR, MAX_FILE_BYTES
from solver.inputs.values import MAX_SEATS, format_time
from solver.outputs.atomic import write_atomically

DEFAULT_CAPACITY = 10_000
DEFAULT_ATTENDANCE = 0
EXTRA = ("frab_id", "guid", "type", "language", "subtitle", "slug", "url")


@dataclass
class Person:
    id: str
    name: str


@dataclass
class Event:
    """One published event, times as the conference's wall clock."""

    id: str
    guid: str
    title: str
    room: str
    start: dt.datetime
    minutes: int
    track: str = ""
    persons: list[Person] = field(default_factory=list)
    abstract: str = ""
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class Published:
    """Every event, and every room the schedule lists (some hold no event), with seats when published."""

    events: list[Event]
    rooms: list[str] = field(default_factory=list)
    capacities: dict[str, int] = field(default_factory=dict)
    conference: dict[str, str] = field(default_factory=dict)  # title, acronym, time_zone_name, base_url, venue…


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


def _plain(text: str | None) -> str:
    """An abstract as plain text: tags dropped, entities decoded, blank runs collapsed."""
    text = re.sub(r"<[^>]+>", " ", text or "")
    return _clean(re.sub(r"\s+", " ", html.unescape(text)))


def _clean(text: str) -> str:
    """A published value without the control characters and non-characters the CSV reader refuses."""
    return BAD_CHAR.sub("", text).strip()


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
                except ValueError as exc:
                    raise _bad_event(path, e.get("id"), exc) from None
                events.append(Event(
                    id=_clean(e.get("id", "")), guid=_clean(e.get("guid", "")), title=text("title"),
                    room=text("room") or _clean(room.get("name", "")),
                    start=start, minutes=minutes, track=text("track"), persons=persons,
                    abstract=_plain(text("abstract") or text("description")),
                    extra={"type": text("type"), "language": text("language"), "subtitle": text("subtitle"),
                           "slug": text("slug"), "url": text("url")},
                ))
    head = root.find("conference")
    meta = {} if head is None else {tag: _clean(head.findtext(tag) or "") for tag in CONFERENCE_KEYS}
    return Published(events, rooms, conference=meta)


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
        return _json_events(conference)
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
    rooms = [_clean(str(r.get("name"))) for r in conference.get("rooms", []) if isinstance(r, dict) and r.get("name")]
    for day in conference.get("days", []):
        for room_name, items in (day.get("rooms") or {}).items():
            rooms.append(_clean(str(room_name)))
            for e in items:
                persons = [Person(_clean(str(p.get("code") or p.get("id") or p.get("guid") or "")),
                                  _clean(str(p.get("public_name") or p.get("name") or "")))
                           for p in e.get("persons") or []]
                try:
                    start = _wall_clock(e.get("date"), day.get("date", ""), str(e.get("start") or ""),
                                        day.get("day_start"))
                    minutes = _minutes(str(e.get("duration") or ""))
                except ValueError as exc:
                    raise _EventError(e.get("id"), exc) from None
                events.append(Event(
                    id=_clean(str(e.get("id") or "")), guid=_clean(str(e.get("guid") or "")),
                    title=_clean(str(e.get("title") or "")), room=_clean(str(e.get("room") or room_name)),
                    start=start, minutes=minutes, track=_clean(str(e.get("track") or "")),
                    persons=persons, abstract=_plain(str(e.get("abstract") or e.get("description") or "")),
                    extra={k: _clean(str(e.get(k) or "")) for k in ("type", "language", "subtitle", "slug", "url")},
                ))
    meta = {k: _clean(str(conference.get(k) or "")) for k in CONFERENCE_KEYS if isinstance(conference.get(k), str)}
    if "base_url" not in meta and isinstance(conference.get("url"), str):
        meta["base_url"] = _clean(conference["url"])
    return Published(events, rooms, capacities, conference=meta)


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


# -- converting -------------------------------------------------------------------------------------------------
def _unique(base: str, taken: set[str]) -> str:
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    taken.add(name)
    return name


def _room_id(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "room"


def _person_id(p: Person) -> str:
    ident = p.id or re.sub(r"[^a-z0-9]+", "-", p.name.lower()).strip("-")
    return re.sub(r"[;,\s]+", "-", ident) or "person"


def to_tables(published: Published, pin: bool = False, capacity: int = DEFAULT_CAPACITY) -> tuple[dict[str, Table],
                                                                                                   list[str]]:
    """The input contract's tables and the published assignment, plus notes on what had to be adapted."""
    notes: list[str] = []
    events = sorted(published.events, key=lambda e: (e.start, e.room, e.title))
    rooms: dict[str, str] = {}
    taken: set[str] = set()
    for name in [*published.rooms, *(e.room for e in events)]:
        if name and name not in rooms:
            rooms[name] = _unique(_room_id(name), taken)
    slots: dict[tuple[dt.date, int, int], str] = {}
    speakers: dict[str, str] = {}
    sessions, assignments = [], []
    session_ids: set[str] = set()
    clipped = 0
    for e in events:
        day, start = e.start.date(), e.start.hour * 60 + e.start.minute
        end = start + max(e.minutes, 1)
        if end > 24 * 60:
            end, clipped = 24 * 60, clipped + 1
        slot_id = slots.setdefault((day, start, end), f"{day.isoformat()}-{format_time(start).replace(':', '')}-"
                                                      f"{format_time(end).replace(':', '')}")
        sid = _unique(re.sub(r"[;,\s]+", "-", e.id or e.guid or "event"), session_ids)
        people = []
        for p in e.persons:
            pid = _person_id(p)
            speakers.setdefault(pid, p.name or pid)
            people.append(pid)
        sessions.append({
            "session_id": sid, "title": e.title or sid, "speakers": ";".join(dict.fromkeys(people)),
            "attendance": str(DEFAULT_ATTENDANCE), "track": e.track, "description": e.abstract,
            "room": rooms[e.room] if pin else "", "slot": slot_id if pin else "",
            "frab_id": e.id, "guid": e.guid, **{k: e.extra.get(k, "") for k in EXTRA[2:]},
        })
        assignments.append({"session_id": sid, "room_id": rooms[e.room], "slot_id": slot_id})
    if clipped:
        notes.append(f"{clipped} event(s) run past midnight: their slot ends at 24:00")
    if len(session_ids) != len({e.id or e.guid for e in events}) or any(not e.id for e in events):
        notes.append("some events share an id (or have none): they were numbered apart (`-2`, `-3`…)")
    tables = {
        "rooms.csv": Table(CONTRACT["rooms.csv"], [
            {"room_id": rid, "name": name, "capacity": str(published.capacities.get(name, capacity))}
            for name, rid in rooms.items()]),
        "slots.csv": Table(CONTRACT["slots.csv"], [
            {"slot_id": sid, "day": d.isoformat(), "start": format_time(a), "end": format_time(b)}
            for (d, a, b), sid in sorted(slots.items())]),
        "sessions.csv": Table(tuple(dict.fromkeys((*CONTRACT["sessions.csv"], *EXTRA))), sessions),
        "speakers.csv": Table(CONTRACT["speakers.csv"], [{"speaker_id": k, "name": v} for k, v in speakers.items()]),
        ASSIGNMENTS: Table(("session_id", "room_id", "slot_id"), assignments),
    }
    return tables, notes


def import_frab(path: Path, out: Path, pin: bool = False, capacity: int = DEFAULT_CAPACITY) -> Imported:
    """Read a published schedule and write it as an inputs folder in `out` (validated first)."""
    published = read_published(path)
    if not published.events:
        raise InputError([Issue(path.name, "has no events")])
    tables, notes = to_tables(published, pin, capacity)
    done = write_inputs(tables, out, where=lambda f: f"{path.name} (as {f})", notes=notes, source=path)
    # frab publishes no audiences or room sizes: empty-seat counts would be noise, so the folder carries a
    # constraint file that switches them off (salle layers INPUTS/constraints.yaml by itself); and the
    # conference's name, time zone and language go to conference.yaml, so publishing keeps its clocks
    conf, dropped = conference_of(published)
    done.notes += dropped
    done.written += write_atomically({
        out / CONSTRAINTS: FRAB_CONSTRAINTS,
        out / CONFERENCE: conference_yaml(conf, f"written by salle import frab from {path.name}"),
    })
    return done


CONFERENCE_KEYS = ("title", "acronym", "time_zone_name", "base_url", "venue", "city")


def conference_of(published: Published) -> tuple[ConferenceFile, list[str]]:
    """The schedule's conference (title, acronym, time zone, base URL, venue, and the locale of most events'
    language) and a note for each published value salle cannot use (it is left out of conference.yaml)."""
    meta = published.conference
    venue = ", ".join(v for v in (meta.get("venue"), meta.get("city")) if v)
    spoken = Counter(e.extra.get("language", "").strip().lower()[:2] for e in published.events)
    spoken.pop("", None)
    top = spoken.most_common(1)[0][0] if spoken else ""
    wanted = {"title": meta.get("title"), "acronym": meta.get("acronym"), "timezone": meta.get("time_zone_name"),
              "base_url": meta.get("base_url"), "venue": venue, "locale": top if top in ("en", "fr") else None}
    kept: dict[str, str] = {}
    notes: list[str] = []
    for key, value in wanted.items():
        if not value:
            continue
        try:
            ConferenceFile.model_validate({key: value})
        except ValidationError as exc:
            reason = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
            notes.append(f"conference {key} {shown(value)} left out of {CONFERENCE}: {reason}")
            continue
        kept[key] = value
    if "timezone" not in kept:
        notes.append(f"the schedule gives no usable time zone: add 'timezone:' to {CONFERENCE} (else "
                     "America/Toronto is assumed when publishing)")
    return ConferenceFile.model_validate(kept), notes


CONSTRAINTS = "constraints.yaml"
FRAB_CONSTRAINTS = """\
# written by salle import frab: the published schedule has no audiences and no room sizes
capacity_fit: false
"""
