"""`salle import pretalx`: a pretalx event (live, or saved answers) as an inputs folder on a grid.

What maps to what:
- rooms.csv: each room (name in the event's locale, capacity, else `capacity`), its pretalx id kept
  (`pretalx_id`); when a room gives availabilities, the rest of each conference day is unavailability.csv;
- slots.csv: each day of the event one grid row of `grid` minutes, from the earliest to the latest hour any
  room is available (else any talk is placed, else `hours`); pretalx's breaks (slots without a talk) close
  their room in unavailability.csv;
- sessions.csv: each submission in `states` (accepted and confirmed by default): code, title, speakers, track,
  submission type (`type`), language (`content_locale`), duration in minutes (else the type's default),
  abstract and description; a submission with `slot_count` N is N sessions (`CODE`, `CODE-2`, …), each tied to
  one pretalx slot (`pretalx_slot`);
- speakers.csv: the speakers of those submissions (code, name, biography, email); pretalx stores when they
  *can* come, so each conference day outside their availabilities is unavailability.csv;
- assignments.csv: the talks the work-in-progress schedule already places (a previous schedule), or with
  `pin` the same places as pins in sessions.csv;
- conference.yaml: title, acronym (the slug), time zone and locale.
Whatever pretalx has that salle does not use is counted in one note.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from solver.connect.pretalx import Event, slot_order
from solver.importers.folder import ASSIGNMENTS, CONTRACT, Imported, Table, distinct_name, write_inputs
from solver.inputs.conference import CONFERENCE, ConferenceFile, conference_yaml
from solver.inputs.values import format_time
from solver.publish.atomic import write_atomically

DEFAULT_STATES = ("accepted", "confirmed")
DEFAULT_MINUTES = 30
HOURS = (9 * 60, 18 * 60)
CONSTRAINTS = "constraints.yaml"
PRETALX_CONSTRAINTS = """\
# written by salle import pretalx: pretalx has no expected audiences, so empty seats say nothing
capacity_fit: false
"""
Window = tuple[int, int]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.") or "room"


def _unique(base: str, taken: set[str]) -> str:
    name, n = base, 1
    while name.casefold() in taken:
        n += 1
        name = f"{base}-{n}"
    taken.add(name.casefold())
    return name


def _windows(event: Event, items: list[Any], days: list[dt.date]) -> dict[dt.date, list[Window]]:
    """Availabilities as per-day clock windows (minutes) in the event's time zone."""
    out: dict[dt.date, list[Window]] = defaultdict(list)
    for a in items or ():
        if not isinstance(a, dict):
            continue
        start, end = event.local(a.get("start")), event.local(a.get("end"))
        if start is None or end is None or end <= start:
            continue
        if a.get("allDay"):
            start, end = dt.datetime.combine(start.date(), dt.time(0)), max(end, dt.datetime.combine(
                end.date(), dt.time(0)) + dt.timedelta(days=1 if end.time() != dt.time(0) else 0))
        for day in days:
            lo = max(start, dt.datetime.combine(day, dt.time(0)))
            hi = min(end, dt.datetime.combine(day, dt.time(0)) + dt.timedelta(days=1))
            if lo < hi:
                out[day].append((_minutes(lo, day), _minutes(hi, day)))
    return out


def _minutes(moment: dt.datetime, day: dt.date) -> int:
    return int((moment - dt.datetime.combine(day, dt.time(0))).total_seconds() // 60)


def _gaps(window: Window, available: list[Window]) -> list[Window]:
    """The parts of `window` outside every available window."""
    gaps, at = [], window[0]
    for a, b in sorted(available):
        if a > at:
            gaps.append((at, min(a, window[1])))
        at = max(at, b)
    if at < window[1]:
        gaps.append((at, window[1]))
    return [(a, b) for a, b in gaps if a < b]


def to_tables(event: Event, grid: int = 5, states: tuple[str, ...] = DEFAULT_STATES, pin: bool = False,
              capacity: int = 10_000, hours: Window = HOURS) -> tuple[dict[str, Table], list[str]]:
    notes: list[str] = []
    days = event.days
    types = {t.get("id"): t for t in event.submission_types}
    tracks = {t.get("id"): event.text(t.get("name")) for t in event.tracks}
    chosen = [s for s in event.submissions if s.get("state") in states and s.get("code")]
    states_left = Counter(str(s.get("state")) for s in event.submissions if s.get("state") not in states)
    slots_of: dict[str, list[dict]] = defaultdict(list)
    for item in sorted(event.slots, key=slot_order):
        if item.get("submission"):
            slots_of[str(item["submission"])].append(item)
    if not days:
        starts = [m for s in event.slots if (m := event.local(s.get("start")))]
        days = sorted({m.date() for m in starts})
    if not days:
        raise ValueError("the event gives no dates (date_from, date_to) and no talk is placed")

    # rooms, and the day's hours: where rooms are available, else where talks are placed, else `hours`
    rooms: dict[Any, str] = {}
    taken: set[str] = set()
    room_rows, unavailable = [], []
    names_seen: set[str] = set()
    room_windows: dict[str, dict[dt.date, list[Window]]] = {}
    for r in event.rooms:
        name = event.text(r.get("name")) or f"Room {r.get('id')}"
        rid = _unique(_slug(name), taken)
        label = distinct_name(name, names_seen)
        if label != name:
            notes.append(f"room {r.get('id')} {name!r} has the name of another room but for letter case or spacing: "
                         f"kept apart as {label!r}")
        name = label
        rooms[r.get("id")] = rid
        seats = r.get("capacity")
        seats = seats if isinstance(seats, int) and seats > 0 else capacity
        room_rows.append({"room_id": rid, "name": name, "capacity": str(seats), "pretalx_id": str(r.get("id"))})
        if r.get("availabilities"):
            room_windows[rid] = _windows(event, r["availabilities"], days)
    no_seats = sum(1 for r in event.rooms if not (isinstance(r.get("capacity"), int) and r["capacity"] > 0))
    if no_seats:
        notes.append(f"{no_seats} room(s) give no capacity in pretalx: {capacity:,} seats assumed")
    placed_windows: dict[dt.date, list[Window]] = defaultdict(list)
    for item in event.slots:
        start, end = event.local(item.get("start")), event.local(item.get("end"))
        if start and end and start.date() in days:
            placed_windows[start.date()].append((_minutes(start, start.date()),
                                                 min(24 * 60, _minutes(end, start.date()))))
    day_hours: dict[dt.date, Window] = {}
    for day in days:
        spans = [w for per_room in room_windows.values() for w in per_room.get(day, ())] + placed_windows[day]
        lo, hi = (min(a for a, _ in spans), max(b for _, b in spans)) if spans else hours
        lo -= lo % grid
        hi = min(hi + (-hi) % grid, 24 * 60 - (24 * 60) % grid)
        if hi > lo:
            day_hours[day] = (lo, hi)
    for rid, per_day in room_windows.items():
        for day, (lo, hi) in day_hours.items():
            for a, b in _gaps((lo, hi), per_day.get(day, [])):
                unavailable.append({"who": rid, "day": day.isoformat(), "start": format_time(a),
                                    "end": format_time(b), "note": "not available in pretalx"})
    breaks = 0
    for item in event.slots:
        start, end, where = event.local(item.get("start")), event.local(item.get("end")), rooms.get(item.get("room"))
        if item.get("submission") or not (start and end and where) or start.date() not in day_hours:
            continue
        breaks += 1
        unavailable.append({"who": str(where), "day": start.date().isoformat(), "start": format_time(_minutes(
            start, start.date())), "end": format_time(min(24 * 60, _minutes(end, start.date()))),
            "note": event.text(item.get("description")) or "break"})
    if breaks:
        notes.append(f"{breaks} break(s) of the pretalx schedule close their room then (unavailability.csv)")
    slot_rows = [{"slot_id": day.isoformat(), "day": day.isoformat(), "start": format_time(lo),
                  "end": format_time(hi), "step": str(grid)} for day, (lo, hi) in sorted(day_hours.items())]

    # sessions, speakers, places
    speakers_by_code = {str(p.get("code")): p for p in event.speakers if p.get("code")}
    sessions, assignments, presenting = [], [], {}
    guessed, off_grid, no_room = 0, 0, 0
    for sub in sorted(chosen, key=lambda s: str(s["code"])):
        code = str(sub["code"])
        kind = types.get(sub.get("submission_type"), {})
        minutes = sub.get("duration") or kind.get("default_duration")
        if not isinstance(minutes, int) or minutes <= 0:
            minutes, guessed = DEFAULT_MINUTES, guessed + 1
        count: int = sub["slot_count"] if isinstance(sub.get("slot_count"), int) and sub["slot_count"] > 0 else 1
        people = [str(p.get("code") if isinstance(p, dict) else p) for p in sub.get("speakers") or ()]
        for p in sub.get("speakers") or ():
            if isinstance(p, dict) and p.get("code"):
                speakers_by_code.setdefault(str(p["code"]), p)
        people = [p for p in people if p in speakers_by_code]
        for p in people:
            presenting[p] = speakers_by_code[p]
        abstract, description = event.text(sub.get("abstract")), event.text(sub.get("description"))
        own_slots = slots_of.get(code, [])
        for k in range(count):
            sid = code if k == 0 else f"{code}-{k + 1}"
            slot = own_slots[k] if k < len(own_slots) else None
            row = {"session_id": sid, "title": event.text(sub.get("title")) or code, "speakers": ";".join(people),
                   "attendance": "0", "track": tracks.get(sub.get("track"), ""),
                   "language": str(sub.get("content_locale") or ""), "duration": str(minutes),
                   "description": abstract or description, "details": description if abstract else "",
                   "type": event.text(kind.get("name")), "pretalx_code": code,
                   "pretalx_slot": str(slot.get("id")) if slot else ""}
            start = event.local(slot.get("start")) if slot else None
            placed_in = rooms.get(slot.get("room")) if slot else None
            if slot and start and not placed_in:
                no_room += 1
            if start and placed_in and start.date() in day_hours:
                lo = day_hours[start.date()][0]
                at = _minutes(start, start.date())
                t = at - (at - lo) % grid
                off_grid += t != at
                grid_slot = f"{start.date().isoformat()}-{format_time(t).replace(':', '')}"
                if pin:
                    row |= {"room": placed_in, "slot": grid_slot}
                else:
                    assignments.append({"session_id": sid, "room_id": placed_in, "slot_id": grid_slot})
            sessions.append(row)
    for code, person in presenting.items():
        per_day = _windows(event, person.get("availabilities") or [], list(day_hours))
        if not person.get("availabilities"):
            continue  # pretalx: no availabilities given means any time
        for day, (lo, hi) in day_hours.items():
            for a, b in _gaps((lo, hi), per_day.get(day, [])):
                unavailable.append({"who": code, "day": day.isoformat(), "start": format_time(a),
                                    "end": format_time(b), "note": "not available in pretalx"})
    if guessed:
        notes.append(f"{guessed} submission(s) give no duration and their type none either: {DEFAULT_MINUTES} "
                     "minutes assumed")
    if off_grid:
        notes.append(f"{off_grid} placed talk(s) start off the {grid}-minute grid: placed at the step before")
    if no_room:
        notes.append(f"{no_room} placed talk(s) are in a room pretalx did not list: left unplaced")
    if states_left:
        notes.append("not imported (choose with --state): " + ", ".join(
            f"{n} {state}" for state, n in sorted(states_left.items())) + " submission(s)")
    unused: Counter[str] = Counter()
    for sub in chosen:
        for key in ("answers", "resources", "tags", "image", "notes", "internal_notes"):
            if sub.get(key):
                unused[f"submission {key}"] += 1
        if sub.get("do_not_record"):
            unused["do-not-record flags"] += 1
    for person in presenting.values():
        for key in ("avatar_url", "answers"):
            if person.get(key):
                unused[f"speaker {key.replace('_url', 's')}"] += 1
    if unused:
        notes.append("pretalx data salle does not use (kept in pretalx): " + ", ".join(
            f"{n} {what}" for what, n in sorted(unused.items())))
    tables = {
        "rooms.csv": Table((*CONTRACT["rooms.csv"], "pretalx_id"), room_rows),
        "slots.csv": Table(CONTRACT["slots.csv"], slot_rows),
        "sessions.csv": Table(tuple(dict.fromkeys((*CONTRACT["sessions.csv"], "details", "type", "pretalx_code",
                                                   "pretalx_slot"))), sessions),
        "speakers.csv": Table((*CONTRACT["speakers.csv"], "email", "biography"), [
            {"speaker_id": code, "name": event.text(p.get("name")) or code, "email": str(p.get("email") or ""),
             "biography": event.text(p.get("biography"))} for code, p in sorted(presenting.items())]),
        "unavailability.csv": Table(CONTRACT["unavailability.csv"], unavailable),
        ASSIGNMENTS: Table(("session_id", "room_id", "slot_id"), assignments),
    }
    return tables, notes


def import_pretalx(event: Event, out: Path, source: str, grid: int = 5, states: tuple[str, ...] = DEFAULT_STATES,
                   pin: bool = False, capacity: int = 10_000, hours: Window = HOURS, replace: bool = True) -> Imported:
    """Write the event as an inputs folder in `out` (validated first, all or nothing); without `replace`, a folder
    already holding input files is refused."""
    from solver.errors import InputError, Issue

    try:
        tables, notes = to_tables(event, grid, states, pin, capacity, hours)
    except ValueError as exc:
        raise InputError([Issue(source, str(exc))]) from None
    if not tables["sessions.csv"].rows:
        raise InputError([Issue(source, f"has no submission in the state(s) {', '.join(states)}: nothing to "
                                        "schedule (choose with --state)")])
    done = write_inputs(tables, out, where=lambda f: f"{source} (as {f})", notes=notes, replace=replace,
                        also=(CONSTRAINTS, CONFERENCE))
    conf = ConferenceFile.model_validate({k: v for k, v in {
        "title": event.text(event.event.get("name"))[:200] or None, "acronym": event.slug[:80],
        "timezone": str(event.event.get("timezone") or "") or None,
        "locale": event.locale if event.locale[:2] in ("en", "fr") else None}.items() if v})
    done.written += write_atomically({
        out / CONSTRAINTS: PRETALX_CONSTRAINTS,
        out / CONFERENCE: conference_yaml(conf, f"written by salle import pretalx from {source}"),
    })
    return done
