"""`salle import sessionize`: a Sessionize event's All data (API endpoint `…/api/v2/ID/view/All`, JSON; a file
or an http(s) URL) as an inputs folder. Reading it is sessionize_read; its days and grid, sessionize_days.

What the All data becomes:
- rooms.csv: one room per room (id `r<Sessionize id>`); Sessionize has no seats: every room gets `capacity`;
- slots.csv: each conference day (a day of a session that has a time) as grid rows of `grid` minutes, from its
  first start to its last end; service sessions (registration, coffee, lunch…) that no session overlaps are
  breaks: the gaps between two rows, which no session spans (a service session beside sessions is left out);
- sessions.csv: every session that is not a service session: its speakers, track (the "Track" category),
  language ("Language": English → en, French → fr…), duration (endsAt − startsAt; for a session without a time,
  the minutes its "Session format" names, like "Talk (45 min)", else `default_minutes`), description, and
  `sessionize_id`, `format` and `level` as extra columns; a plenum session (for every room) that has a time is
  pinned (room, slot) where it is published (in the first room when it has none); one without a time is to be
  scheduled, and holds one room in salle;
- unavailability.csv: while a pinned plenum session runs, every other room is closed (note "plenum: TITLE"),
  so nothing is scheduled beside a keynote;
- speakers.csv: every speaker (name, tag line as affiliation, `biography`), and any a session names but the
  speakers list lacks;
- assignments.csv: where each session that has a time and a room starts, for `salle check --schedule` and as a
  previous schedule; sessions without a time are to be scheduled;
- conference.yaml (empty: Sessionize gives no title or time zone) and constraints.yaml (no seats, so no
  capacity fit).
Untidy data never refuses the programme: what had to be adapted, and what salle has no use for, is in the notes.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from pathlib import Path
from typing import Any

from solver.connect.sessionize_days import grid_rows, plenum_closures
from solver.connect.sessionize_read import (
    DAY,
    MAX_BYTES,
    TIMEOUT,
    Reading,
    Services,
    Talk,
    answers,
    categories,
    format_minutes,
    ident,
    language,
    objects,
    read_sessionize,
    rich,
    speaker_rows,
    text,
    unique,
    when,
)
from solver.errors import InputError, Issue, shown
from solver.importers.folder import ASSIGNMENTS, CONTRACT, Imported, Table, write_inputs
from solver.inputs.conference import CONFERENCE, ConferenceFile, conference_yaml
from solver.inputs.values import MAX_LENGTH
from solver.publish.atomic import write_atomically

__all__ = ["DEFAULT_CAPACITY", "DEFAULT_MINUTES", "MAX_BYTES", "SESSIONIZE_CONSTRAINTS", "TIMEOUT",
           "import_sessionize", "read_sessionize", "to_tables"]

DEFAULT_CAPACITY = 10_000
DEFAULT_MINUTES = 45
DEFAULT_ATTENDANCE = 0
EXTRA = ("sessionize_id", "format", "level")
SPEAKER_EXTRA = ("biography",)
CONSTRAINTS = "constraints.yaml"
SESSIONIZE_CONSTRAINTS = """\
# written by salle import sessionize: Sessionize has no audiences and no room sizes
capacity_fit: false
"""


# -- rooms, people, sessions ------------------------------------------------------------------------------------
def _rooms(data: dict[str, Any], capacity: int, seen: Reading) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Sessionize room id -> salle room id, and rooms.csv's rows (in Sessionize's order)."""
    rooms = objects(data, "rooms", seen.skipped)
    order = sorted(range(len(rooms)), key=lambda i: (_sort_key(rooms[i].get("sort")), i))
    ids: dict[str, str] = {}
    rows: list[dict[str, str]] = []
    taken: set[str] = set()
    folded: set[str] = set()
    repeated = 0
    for i in order:
        room = rooms[i]
        key = text(room.get("id"))
        if key in ids:
            repeated += 1
            continue
        rid = unique(f"r{ident(key, 'room')}" if key else "room", taken)
        name = label = text(room.get("name")) or f"Room {key or len(rows) + 1}"
        n = 1
        while " ".join(label.casefold().split()) in folded:  # salle refuses two names that differ in case only
            n += 1
            label = f"{name} ({n})"
        folded.add(" ".join(label.casefold().split()))
        if key:
            ids[key] = rid
        rows.append({"room_id": rid, "name": label, "capacity": str(capacity)})
    seen.say(repeated, f"{repeated} room(s) repeat the id of an earlier room: the first is kept")
    return ids, rows


def _sort_key(value: object) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else math.inf


def _sessions(data: dict[str, Any], rooms: dict[str, str], items: dict[str, tuple[str, str]],
              speaker_items: set[str], speakers: dict[str, dict[str, str]], default_minutes: int,
              seen: Reading) -> tuple[list[Talk], Services]:
    talks: list[Talk] = []
    services = Services()
    taken: set[str] = set()
    raw_ids: Counter[str] = Counter()
    missing: dict[str, str] = {}
    unknown_rooms: set[str] = set()
    unknown_items: set[str] = set()
    unreadable = no_end = midnight = several = not_confirmed = other_status = 0
    for s in objects(data, "sessions", seen.skipped):
        raw = text(s.get("id"))
        try:
            start, end = when(s.get("startsAt")), when(s.get("endsAt"))
        except (ValueError, OverflowError):
            start, end, unreadable = None, None, unreadable + 1
        if s.get("isServiceSession") is True:
            if start is None or end is None or end <= start:
                services.untimed += 1
            else:
                stop = min((end - dt.datetime.combine(start.date(), dt.time())).total_seconds() // 60, DAY)
                services.timed.append((start.date(), start.hour * 60 + start.minute, int(stop),
                                       text(s.get("title")) or raw))
            continue
        raw_ids[raw] += 1
        sid = unique(ident(raw, "session"), taken)
        names: dict[str, list[str]] = {}
        for item in s.get("categoryItems") or []:
            key = text(item.get("id") if isinstance(item, dict) else item)
            if key in speaker_items or not key:
                continue
            if key not in items:
                unknown_items.add(key)
                continue
            role, name = items[key]
            names.setdefault(role, []).append(name)
        several += any(len(names.get(r, [])) > 1 for r in ("track", "format", "language"))
        people = []
        for ref in s.get("speakers") or []:
            key = text(ref.get("id") if isinstance(ref, dict) else ref)
            if not key:
                continue
            if key not in speakers:
                name = text(ref.get("name")) if isinstance(ref, dict) else ""
                missing[key] = missing.get(key) or name
                speakers[key] = {"speaker_id": unique(ident(key, "speaker"),
                                                       {p["speaker_id"] for p in speakers.values()}),
                                 "name": name or key, "affiliation": "", "biography": ""}
            people.append(speakers[key]["speaker_id"])
        formats = [m for n in names.get("format", []) if (m := format_minutes(n))]
        minutes = formats[0] if formats else default_minutes
        if start is not None:
            if end is not None and end > start:
                minutes = int((end - start).total_seconds() // 60) or 1
            else:
                no_end += 1
            room_of_day = DAY - (start.hour * 60 + start.minute)
            if minutes > room_of_day:
                minutes, midnight = room_of_day, midnight + 1
        room_key = text(s.get("roomId"))
        if room_key and room_key not in rooms:
            unknown_rooms.add(room_key)
        talks.append(Talk(sid, raw, text(s.get("title")) or sid, rich(s.get("description")),
                           list(dict.fromkeys(people)), names, start, minutes, rooms.get(room_key),
                           s.get("isPlenumSession") is True))
        seen.unused["answer to a question"] += answers(s)
        seen.unused["live URL"] += bool(text(s.get("liveUrl")))
        seen.unused["recording URL"] += bool(text(s.get("recordingUrl")))
        for role, values in names.items():
            if role.startswith("other:"):
                seen.unused[f"'{role[6:]}' category item"] += len(values)
        not_confirmed += s.get("isConfirmed") is False
        status = text(s.get("status"))
        other_status += bool(status) and status.casefold() != "accepted"
    repeated = sum(n - 1 for n in raw_ids.values() if n > 1)
    seen.say(repeated, f"{repeated} session(s) repeat the id of an earlier session: numbered apart (`-2`, `-3`…; "
                       "sessionize_id keeps the original)")
    seen.say(unreadable, f"{unreadable} session(s) have a startsAt or endsAt that is not an ISO date and time: "
                         "they are to be scheduled")
    seen.say(len(missing), f"{len(missing)} speaker(s) named by sessions are not in the speakers list "
                           f"({', '.join(shown(k) for k in list(missing)[:3])}{'…' if len(missing) > 3 else ''}): "
                           "added with the name the session gives, else their id")
    seen.say(len(unknown_rooms), f"{len(unknown_rooms)} room id(s) that sessions name are not in the rooms list "
                                 f"({', '.join(sorted(unknown_rooms)[:3])}{'…' if len(unknown_rooms) > 3 else ''}): "
                                 "those sessions are not placed")
    seen.say(len(unknown_items), f"{len(unknown_items)} category item id(s) that sessions name are in no category "
                                 "(ignored)")
    seen.say(no_end, f"{no_end} session(s) have a start but no end: their duration is their format's (else "
                     f"{default_minutes} minutes)")
    seen.say(midnight, f"{midnight} session(s) run past midnight: they end at 24:00")
    seen.say(several, f"{several} session(s) have several items of a Track, Session format or Language category: "
                      "the first is kept")
    seen.say(not_confirmed, f"{not_confirmed} session(s) are not yet confirmed by their speakers (isConfirmed): "
                            "imported all the same")
    seen.say(other_status, f"{other_status} session(s) have a status other than Accepted: imported all the same")
    return talks, services


# -- the tables -------------------------------------------------------------------------------------------------
def to_tables(data: dict[str, Any], grid: int = 5, capacity: int = DEFAULT_CAPACITY,
              default_minutes: int = DEFAULT_MINUTES, where: str = "the Sessionize data"
              ) -> tuple[dict[str, Table], list[str]]:
    """The input contract's tables and the published assignment, plus notes on what had to be adapted."""
    seen = Reading()
    rooms, room_rows = _rooms(data, capacity, seen)
    items, speaker_items = categories(data, seen)
    speakers = speaker_rows(data, seen)
    talks, services = _sessions(data, rooms, items, speaker_items, speakers, default_minutes, seen)
    if not any(t.start for t in talks) and not services.timed:
        raise InputError([Issue(where, "no session has a time (startsAt), so the conference's days cannot be known: "
                                       "schedule at least one session (or a break) on each day in Sessionize")])
    too_long = [t for t in talks if math.ceil(t.minutes / grid) > MAX_LENGTH]
    if too_long:
        long = too_long[0]
        raise InputError([Issue(where, f"session {shown(long.raw_id)} lasts {long.minutes} minutes, more than "
                                       f"{MAX_LENGTH} steps of the {grid}-minute grid: choose a larger grid")])
    slot_rows, starts = grid_rows(talks, services, grid, seen)
    if not slot_rows:
        raise InputError([Issue(where, "only service sessions have a time, and none leaves a gap for sessions, so the "
                                       "conference's hours cannot be known: schedule at least one session")])
    first = [t for t in talks if t.plenum and t.start and t.room is None and room_rows]
    for t in first:  # a plenum session is pinned: in the first room when Sessionize lists none for it
        t.room = room_rows[0]["room_id"]
    sessions: list[dict[str, str]] = []
    assignments: list[dict[str, str]] = []
    plenum = untimed = roomless = untimed_plenum = 0
    for t in talks:
        named = {role: (t.categories.get(role) or [""])[0] for role in ("track", "format", "language")}
        row = {"session_id": t.sid, "title": t.title, "speakers": ";".join(t.speakers),
               "attendance": str(DEFAULT_ATTENDANCE), "track": named["track"],
               "language": language(named["language"]) if named["language"] else "", "duration": str(t.minutes),
               "description": t.description, "sessionize_id": t.raw_id, "format": named["format"],
               "level": "; ".join(t.categories.get("level", []))}
        if t.start is None:
            untimed += 1
        elif t.room is None:
            roomless += 1
        else:
            assignments.append({"session_id": t.sid, "room_id": t.room, "slot_id": starts[t.sid]})
        if t.plenum and t.start is not None:
            plenum += 1
            row |= {"room": t.room or "", "slot": starts[t.sid]}
        untimed_plenum += t.plenum and t.start is None
        sessions.append(row)
    closures = plenum_closures(talks, [r["room_id"] for r in room_rows], grid, seen)
    seen.say(untimed, f"{untimed} session(s) have no time yet (startsAt null): they are to be scheduled (in "
                      f"sessions.csv, not in {ASSIGNMENTS})")
    seen.say(roomless, f"{roomless} session(s) have a time but no room Sessionize lists: they are to be scheduled")
    seen.say(plenum, f"{plenum} plenum session(s) (for every room in Sessionize) are pinned where Sessionize puts "
                     "them (room and slot in sessions.csv), and the other rooms are closed then (unavailability.csv, "
                     "note 'plenum: TITLE'): nothing is scheduled beside them")
    seen.say(len(first), f"{len(first)} plenum session(s) have a time but no room Sessionize lists: pinned in the "
                         f"first room, {shown(room_rows[0]['name'] if room_rows else '')}")
    seen.say(untimed_plenum, f"{untimed_plenum} plenum session(s) have no time, so they cannot be pinned: they are "
                             "to be scheduled, and will hold one room in salle (the other rooms stay open beside them)")
    seen.leftovers(len([q for q in data.get("questions") or [] if q]))
    tables = {
        "rooms.csv": Table(CONTRACT["rooms.csv"], room_rows),
        "slots.csv": Table(CONTRACT["slots.csv"], slot_rows),
        "sessions.csv": Table(tuple(dict.fromkeys((*CONTRACT["sessions.csv"], *EXTRA))), sessions),
        "speakers.csv": Table((*CONTRACT["speakers.csv"], *SPEAKER_EXTRA), list(speakers.values())),
        "unavailability.csv": Table(CONTRACT["unavailability.csv"], closures),
        ASSIGNMENTS: Table(("session_id", "room_id", "slot_id"), assignments),
    }
    return tables, seen.notes


def import_sessionize(source: str, out: Path, grid: int = 5, capacity: int = DEFAULT_CAPACITY,
                      default_minutes: int = DEFAULT_MINUTES, replace: bool = True) -> Imported:
    """Read Sessionize's All data (a JSON file, or an http(s) URL such as https://sessionize.com/api/v2/ID/view/All)
    and write it as an inputs folder in `out` (validated first), the published places in `out/assignments.csv`."""
    for name, value, top in (("grid", grid, 240), ("capacity", capacity, 100_000),
                             ("default_minutes", default_minutes, DAY)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
            raise InputError([Issue(f"--{name.replace('_', '-')}", f"must be a whole number from 1 to {top:,}, "
                                                                   f"got {shown(value)}")])
    if DAY % grid:
        raise InputError([Issue("--grid", f"a grid of {grid} minutes does not divide a day: choose 5, 10, 15, 20, "
                                          "30, 60…")])
    where, data, path = read_sessionize(str(source))
    tables, notes = to_tables(data, grid, capacity, default_minutes, where)
    notes.append(f"Sessionize gives no time zone (its times are the venue's clock): add 'timezone:' to {CONFERENCE} "
                 "(else America/Toronto is assumed when publishing)")
    done = write_inputs(tables, out, where=lambda f: f"{where} (as {f})", notes=notes, source=path,
                        replace=replace, also=("constraints.yaml", "conference.yaml"))
    done.written += write_atomically({
        out / CONSTRAINTS: SESSIONIZE_CONSTRAINTS,
        out / CONFERENCE: conference_yaml(ConferenceFile(), f"written by salle import sessionize from {where}")
        .replace("{}\n", "") + "# Sessionize gives no title and no time zone: set them, e.g.\n"
                                "# title: DevConf 2026\n# timezone: Europe/Paris\n",
    })
    return done
