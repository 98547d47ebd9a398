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
  type, subtitle, slug, url and feedback_url are kept as extra columns, and its links and attachments as JSON
  text (columns `links`, `attachments`: a list of {"url", "title", "type"}), all written back by
  schedule.xml/json;
- speakers.csv: one speaker per person id (or name when there is none), with their `biography` (Markdown);
- sessions announced without a time (`x-unscheduled` in salle's schedule.json): sessions.csv rows, no place;
- assignments.csv: the published room and slot of every event, for `salle check --schedule` and as a
  previous schedule; with `pin=True` sessions.csv also pins each session there (columns room, slot).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

from pydantic import ValidationError

from solver.errors import InputError, Issue, shown
from solver.importers.folder import ASSIGNMENTS, CONTRACT, Imported, Table, distinct_name, unique, write_inputs
from solver.importers.frab_read import CONFERENCE_KEYS, REFERENCES, Person, Published, Talk, read_published
from solver.inputs.conference import CONFERENCE, ConferenceFile, conference_yaml
from solver.inputs.values import format_time
from solver.publish.atomic import write_atomically

__all__ = ["CONFERENCE_KEYS", "DEFAULT_ATTENDANCE", "DEFAULT_CAPACITY", "import_frab", "read_published",
           "to_tables"]

DEFAULT_CAPACITY = 10_000
DEFAULT_ATTENDANCE = 0
EXTRA = ("details", "frab_id", "guid", "type", "subtitle", "slug", "url", "feedback_url", "links", "attachments")
KEPT = ("type", "subtitle", "slug", "url", "feedback_url")  # an event's fields kept as written
SPEAKER_EXTRA = ("biography",)


# -- converting -------------------------------------------------------------------------------------------------
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
            "frab_id": talk.id, "guid": talk.guid, **{k: talk.extra.get(k, "") for k in ("language", *KEPT)},
            **{k: json.dumps(refs, ensure_ascii=False) if (refs := talk.references.get(k)) else ""
               for k in REFERENCES}}


def _person_id(p: Person) -> str:
    ident = p.id or re.sub(r"[^a-z0-9]+", "-", p.name.lower()).strip("-")
    return re.sub(r"[;,\s]+", "-", ident) or "person"


def to_tables(published: Published, pin: bool = False, capacity: int = DEFAULT_CAPACITY,
              grid: int | None = None) -> tuple[dict[str, Table], list[str]]:
    """The input contract's tables and the published assignment, plus notes on what had to be adapted.

    With `grid` (minutes) the programme becomes a conference to schedule from scratch: each day one grid row from
    its first start to its last end, every session its duration and no place, and the published places on that
    grid as the table `published.csv` (PUBLISHED) instead of assignments.csv."""
    notes: list[str] = list(published.notes)
    events = sorted(published.events, key=lambda e: (e.start, e.room, e.title))
    rooms, names = _rooms([*published.rooms, *(e.room for e in events)], notes)
    slots: dict[tuple[dt.date, int, int], str] = {}
    speakers: dict[str, Person] = {}
    sessions: list[dict[str, str]] = []
    assignments: list[dict] = []
    session_ids: set[str] = set()
    clipped = 0
    spans: dict[dt.date, tuple[int, int]] = {}
    for e in events:
        day, start = e.start.date(), e.start.hour * 60 + e.start.minute
        end = start + max(e.minutes, 1)
        if end > 24 * 60:
            end, clipped = 24 * 60, clipped + 1
        first, last = spans.get(day, (start, end))
        spans[day] = (min(first, start), max(last, end))
        slot_id = slots.setdefault((day, start, end), f"{day.isoformat()}-{format_time(start).replace(':', '')}-"
                                                      f"{format_time(end).replace(':', '')}")
        sid = unique(re.sub(r"[;,\s]+", "-", e.id or e.guid or "event"), session_ids)
        placed = pin and grid is None
        sessions.append({**_session_row(e, sid, speakers), "duration": str(end - start),
                         "room": rooms[e.room] if placed else "", "slot": slot_id if placed else ""})
        assignments.append({"session_id": sid, "room_id": rooms[e.room], "slot_id": slot_id, "_at": (day, start)})
    for talk in published.unscheduled:  # announced without a time: a session to schedule, not in assignments.csv
        sid = unique(re.sub(r"[;,\s]+", "-", talk.id or talk.guid or "event"), session_ids)
        sessions.append(_session_row(talk, sid, speakers))
    if published.unscheduled:
        notes.append(f"{len(published.unscheduled)} session(s) announced without a time (x-unscheduled) are in "
                     "sessions.csv but not in " + ("published.csv" if grid else "assignments.csv"))
    if clipped:
        notes.append(f"{clipped} event(s) run past midnight: their slot ends at 24:00")
    talks = [*events, *published.unscheduled]
    if len(session_ids) != len({t.id or t.guid for t in talks}) or any(not t.id for t in talks):
        notes.append("some events share an id (or have none): they were numbered apart (`-2`, `-3`…)")
    if grid is None:
        slot_rows = [{"slot_id": sid, "day": d.isoformat(), "start": format_time(a), "end": format_time(b)}
                     for (d, a, b), sid in sorted(slots.items())]
        placements = (ASSIGNMENTS, [{k: v for k, v in a.items() if k != "_at"} for a in assignments])
    else:
        slot_rows, placements = _grid_rows(spans, assignments, grid, notes)
    tables = {
        "rooms.csv": Table(CONTRACT["rooms.csv"], [
            {"room_id": rid, "name": names[name], "capacity": str(published.capacities.get(name, capacity))}
            for name, rid in rooms.items()]),
        "slots.csv": Table(CONTRACT["slots.csv"], slot_rows),
        "sessions.csv": Table(tuple(dict.fromkeys((*CONTRACT["sessions.csv"], *EXTRA))), sessions),
        "speakers.csv": Table((*CONTRACT["speakers.csv"], *SPEAKER_EXTRA),
                              [{"speaker_id": k, "name": p.name, "biography": p.biography}
                               for k, p in speakers.items()]),
        placements[0]: Table(("session_id", "room_id", "slot_id"), placements[1]),
    }
    return tables, notes


PUBLISHED = "published.csv"


def _rooms(names: list[str], notes: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Room name -> room id, and room name -> the name rooms.csv gives it: two names that differ only in letter
    case or spacing (which salle would refuse as one name given twice) stay two rooms, the second one's name
    numbered (`Room a (2)`), with a note."""
    rooms: dict[str, str] = {}
    shown_as: dict[str, str] = {}
    taken: set[str] = set()
    folded: set[str] = set()
    for name in names:
        if not name or name in rooms:
            continue
        rooms[name] = unique(_room_id(name), taken)
        label = distinct_name(name, folded)
        if label != name:
            notes.append(f"room {shown(name)} has the name of another room but for letter case or spacing: kept "
                         f"apart as {shown(label)} ({rooms[name]}); merge them in the source if they are one")
        shown_as[name] = label
    return rooms, shown_as


def _grid_rows(spans: dict[dt.date, tuple[int, int]], assignments: list[dict], grid: int,
               notes: list[str]) -> tuple[list[dict[str, str]], tuple[str, list[dict[str, str]]]]:
    """One grid row per day (from its first start to its last end, on whole steps), and each published place as
    the grid slot where it starts (an off-grid start moves to the step before it, with a note)."""
    rows, firsts = [], {}
    for day, (first, last) in sorted(spans.items()):
        first = first - first % grid
        last = min(24 * 60 - (24 * 60) % grid, last + (-last) % grid) if last % grid else last
        firsts[day] = first
        rows.append({"slot_id": day.isoformat(), "day": day.isoformat(), "start": format_time(first),
                     "end": format_time(max(last, first + grid)), "step": str(grid)})
    placed, off = [], 0
    for a in assignments:
        day, start = a["_at"]
        t = start - (start - firsts[day]) % grid
        off += t != start
        placed.append({"session_id": a["session_id"], "room_id": a["room_id"],
                       "slot_id": f"{day.isoformat()}-{format_time(t).replace(':', '')}"})
    if off:
        notes.append(f"{off} published start(s) are not on the {grid}-minute grid: {PUBLISHED} places them at the "
                     "step before")
    return rows, (PUBLISHED, placed)


def import_frab(path: Path, out: Path, pin: bool = False, capacity: int = DEFAULT_CAPACITY,
                grid: int | None = None, replace: bool = True) -> Imported:
    """Read a published schedule and write it as an inputs folder in `out` (validated first); with `grid`, as a
    conference to schedule from scratch on that grid, the published places in `out/published.csv`. Without
    `replace`, a folder that already holds files is refused (solver.importers.folder.refuse_full)."""
    published = read_published(path)
    if not published.events:
        raise InputError([Issue(path.name, "has no events")])
    tables, notes = to_tables(published, pin, capacity, grid)
    done = write_inputs(tables, out, where=lambda f: f"{path.name} (as {f})", notes=notes, source=path,
                        replace=replace, also=(CONSTRAINTS, CONFERENCE))
    # frab publishes no audiences or room sizes: empty-seat counts would be noise, so the folder carries a
    # constraint file that switches them off (salle layers INPUTS/constraints.yaml by itself); and the
    # conference's name, time zone and language go to conference.yaml, so publishing keeps its clocks
    conf, dropped = conference_of(published)
    done.notes += dropped
    done.written += write_atomically({
        out / CONSTRAINTS: FRAB_CONSTRAINTS,
        out / CONFERENCE: conference_yaml(conf, f"written by salle import frab from {path.name}"),
    })
    if grid is None and done.schedule is not None:
        done.notes += hard_rule_notes(done, out)
    return done


def hard_rule_notes(done: Imported, out: Path) -> list[str]:
    """A note when the published schedule breaks a hard rule under the folder's rules (FOSDEM, 31C3 and pretalx's
    demo conference each double-book a speaker): `salle export` refuses such a schedule unless `--force`."""
    from solver.app import resolve_constraints  # here: solver.app imports the importers' callers
    from solver.config import load_config
    from solver.errors import SalleError
    from solver.judge import judge

    assert done.schedule is not None
    try:
        verdict = judge(done.problem, done.schedule, load_config(resolve_constraints(None, out)))
    except SalleError:  # a constraint file salle cannot read: `salle check` will say so
        return []
    hard = [v for v in verdict.hard if v.rule != "all_scheduled"]  # x-unscheduled talks have their own note
    if not hard:
        return []
    rules = Counter(v.rule for v in hard)
    listed = ", ".join(f"{rule} ({n})" if n > 1 else rule for rule, n in rules.most_common())
    first = hard[0].message
    schedule = out / ASSIGNMENTS
    return [f"the published schedule breaks {len(hard)} hard rule(s): {listed} (first: {first}; all: "
            f"salle check {out} --schedule {schedule}); publish it anyway with salle export {out} --schedule "
            f"{schedule} --out SITE --force, or make the rule soft in {out / CONSTRAINTS}"]


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
    if "timezone" not in kept and published.offsets:
        zone = offset_zone(published.offsets)
        if zone is not None:
            kept["timezone"] = zone[0]
            notes.append(f"the schedule names no time zone but its times carry the offset {zone[1]}: {CONFERENCE} "
                         f"says timezone {zone[0]} (that offset all year round); give the conference's own zone "
                         "(such as Europe/Berlin) if its clocks change")
    if "timezone" not in kept:
        notes.append(f"the schedule gives no usable time zone: add 'timezone:' to {CONFERENCE} (else "
                     "America/Toronto is assumed when publishing)")
    return ConferenceFile.model_validate(kept), notes


def offset_zone(offsets: Counter[int]) -> tuple[str, str] | None:
    """The IANA zone of the most common whole-hour UTC offset (`Etc/GMT-1` is UTC+01:00) and that offset as
    text; None for an offset no such zone has (+05:30)."""
    minutes, _ = offsets.most_common(1)[0]
    hours, rest = divmod(abs(minutes), 60)
    text = f"{'+' if minutes >= 0 else '-'}{hours:02d}:{rest:02d}"
    if rest or hours > 12:
        return None
    return ("Etc/UTC" if hours == 0 else f"Etc/GMT{'-' if minutes > 0 else '+'}{hours}"), text


CONSTRAINTS = "constraints.yaml"
FRAB_CONSTRAINTS = """\
# written by salle import frab: the published schedule has no audiences and no room sizes
capacity_fit: false
"""
