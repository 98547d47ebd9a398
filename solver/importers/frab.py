"""`salle import frab`: a published frab/pretalx schedule (schedule.xml or schedule.json) as an inputs folder.

What the published schedule becomes (reading it is solver.importers.frab_read):
- rooms.csv: one room per room name; capacity from schedule.json's rooms when given, else DEFAULT_CAPACITY
  (frab does not publish seats: a large number, so no session is ever "short of seats");
- slots.csv: one slot per distinct (day, start, end) of the events, so every event keeps its own clock times
  and `room_conflict` / `speaker_conflict` compare real overlaps (events of different lengths get different
  slots; the rules compare clock times, never slot ids). An event running past midnight ends at 24:00;
- sessions.csv: one session per event (id, title, speakers, track, language), attendance DEFAULT_ATTENDANCE
  (frab does not publish it), length 1 (its own slot); `description` is the abstract (else the description)
  and `details` the description when the event has both, each as Markdown (HTML converted); frab's id, guid,
  type, subtitle, slug and url are kept as extra columns (and reused by schedule.xml/json);
- speakers.csv: one speaker per person id (or name when there is none), with their `biography` (Markdown);
- sessions announced without a time (`x-unscheduled` in salle's schedule.json): sessions.csv rows, no place;
- assignments.csv: the published room and slot of every event, for `salle check --schedule` and as a
  previous schedule; with `pin=True` sessions.csv also pins each session there (columns room, slot).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

from pydantic import ValidationError

from solver.errors import InputError, Issue, shown
from solver.importers.folder import ASSIGNMENTS, CONTRACT, Imported, Table, write_inputs
from solver.importers.frab_read import CONFERENCE_KEYS, Person, Published, Talk, read_published
from solver.inputs.conference import CONFERENCE, ConferenceFile, conference_yaml
from solver.inputs.values import format_time
from solver.publish.atomic import write_atomically

__all__ = ["CONFERENCE_KEYS", "DEFAULT_ATTENDANCE", "DEFAULT_CAPACITY", "import_frab", "read_published",
           "to_tables"]

DEFAULT_CAPACITY = 10_000
DEFAULT_ATTENDANCE = 0
EXTRA = ("details", "frab_id", "guid", "type", "subtitle", "slug", "url")
SPEAKER_EXTRA = ("biography",)


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


def _texts(e: Talk) -> dict[str, str]:
    """`description`: the abstract, else the description; `details`: the description too when both differ."""
    if not e.abstract or e.description == e.abstract:
        return {"description": e.abstract or e.description, "details": ""}
    return {"description": e.abstract, "details": e.description}


def _session_row(talk: Talk, sid: str, speakers: dict[str, Person]) -> dict[str, str]:
    """sessions.csv's row for `talk` (room and slot left to the caller); its people are added to `speakers`."""
    people = []
    for p in talk.persons:
        pid = _person_id(p)
        known = speakers.setdefault(pid, Person(pid, p.name or pid, p.biography))
        known.biography = known.biography or p.biography
        people.append(pid)
    return {"session_id": sid, "title": talk.title or sid, "speakers": ";".join(dict.fromkeys(people)),
            "attendance": str(DEFAULT_ATTENDANCE), "track": talk.track, **_texts(talk),
            "frab_id": talk.id, "guid": talk.guid, **{k: talk.extra.get(k, "") for k in ("language", *EXTRA[3:])}}


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
    speakers: dict[str, Person] = {}
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
        sessions.append({**_session_row(e, sid, speakers),
                         "room": rooms[e.room] if pin else "", "slot": slot_id if pin else ""})
        assignments.append({"session_id": sid, "room_id": rooms[e.room], "slot_id": slot_id})
    for talk in published.unscheduled:  # announced without a time: a session to schedule, not in assignments.csv
        sid = _unique(re.sub(r"[;,\s]+", "-", talk.id or talk.guid or "event"), session_ids)
        sessions.append(_session_row(talk, sid, speakers))
    if published.unscheduled:
        notes.append(f"{len(published.unscheduled)} session(s) announced without a time (x-unscheduled) are in "
                     "sessions.csv but not in assignments.csv")
    if clipped:
        notes.append(f"{clipped} event(s) run past midnight: their slot ends at 24:00")
    talks = [*events, *published.unscheduled]
    if len(session_ids) != len({t.id or t.guid for t in talks}) or any(not t.id for t in talks):
        notes.append("some events share an id (or have none): they were numbered apart (`-2`, `-3`…)")
    tables = {
        "rooms.csv": Table(CONTRACT["rooms.csv"], [
            {"room_id": rid, "name": name, "capacity": str(published.capacities.get(name, capacity))}
            for name, rid in rooms.items()]),
        "slots.csv": Table(CONTRACT["slots.csv"], [
            {"slot_id": sid, "day": d.isoformat(), "start": format_time(a), "end": format_time(b)}
            for (d, a, b), sid in sorted(slots.items())]),
        "sessions.csv": Table(tuple(dict.fromkeys((*CONTRACT["sessions.csv"], *EXTRA))), sessions),
        "speakers.csv": Table((*CONTRACT["speakers.csv"], *SPEAKER_EXTRA),
                              [{"speaker_id": k, "name": p.name, "biography": p.biography}
                               for k, p in speakers.items()]),
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
