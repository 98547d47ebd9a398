"""`salle import cosplib`: a CoSPLib conference workbook (and a published solution) as an inputs folder.

CoSPLib (Kheiri, Pylyavskyy, Jacko) describes an academic conference in one workbook: `parameters` (the
objective's weights, the conference's time zone and its suitable hours), `submissions` (track, time slots needed,
order in the track, presenter's time zone, presenters, attendees, then one penalty column per session block and
per room), `tracks` (chairs), `sessions` (the blocks: slots, date, start, end), `rooms`, and four penalty tables.
Each becomes salle's generic inputs:

- a block of N slots becomes N slots of equal length in slots.csv, all with `block` set to the block's name;
- a submission becomes a session (`length`, `track`, `position`, `timezone`; presenters as `speakers`);
- attendees go to interests.csv, chairs to tracks.csv, every non-zero penalty cell to penalties.csv;
- the weights go to constraints.yaml (one rule each, every other soft rule off), the time zone to conference.yaml;
- `cosplib.json` keeps the library's exact names (salle trims cells), for `salle export cosplib`.

A published solution workbook (sheet `sol`) becomes assignments.csv. Every problem names the workbook, sheet, row
and column (`GECCO21.xlsx [submissions]:7: Required Timeslots: expected a whole number, got 'two'`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from openpyxl.utils import get_column_letter

from solver.errors import InputError, Issue, shown
from solver.importers.folder import ASSIGNMENTS, Imported, Table, write_inputs
from solver.importers.xlsx import opened
from solver.inputs.conference import ConferenceFile, conference_yaml
from solver.inputs.records import MAX_PENALTY
from solver.inputs.table import BAD_CHAR
from solver.inputs.timezones import parse_timezone
from solver.inputs.values import MAX_WEIGHT, format_time
from solver.publish.atomic import write_atomically
from solver.rules import REGISTRY

SHEETS = ("parameters", "submissions", "tracks", "sessions", "rooms", "tracks_sessions|penalty",
          "tracks_rooms|penalty", "similar tracks", "sessions_rooms|penalty")
NAMES = "cosplib.json"
MAX_ROWS = 100_000
MAX_COLUMNS = 2_000
FIXED_COLUMNS = 7  # Reference, Track, Required Timeslots, Order, Time Zone, Presenters, Attendees

# the parameters sheet: weight rows (column E, from row 2) and the salle rule each one sets
WEIGHTS = (
    ("Tracks_Sessions|Penalty", "track_block_penalty"),
    ("Tracks_Rooms|Penalty", "track_room_penalty"),
    ("Sessions_Rooms|Penalty", "block_room_penalty"),
    ("Similar Tracks", "similar_tracks"),
    ("Number of Rooms per Track", "track_hopping"),
    ("Parallel Tracks", "track_block_rooms"),
    ("Consecutive Tracks", "track_consecutive"),
    ("Submissions_Timezones", "presenter_timezone"),
    ("Submissions Order", "track_position"),
    ("Submissions_Sessions|Penalty", "session_block_penalty"),
    ("Submissions_Rooms|Penalty", "session_room_penalty"),
    ("Presenters Conflicts", "presenter_block_conflicts"),
    ("Attendees Conflicts", "attendee_block_conflicts"),
    ("Chairs Conflicts", "chair_conflicts"),
    ("Presenters Conflicts Timeslot Level", "presenter_slot_conflicts"),
    ("Attendees Conflicts Timeslot Level", "attendee_slot_conflicts"),
)
TABLE_RULES = {"track_block_penalty", "track_room_penalty", "block_room_penalty", "similar_tracks",
               "session_block_penalty", "session_room_penalty"}
# salle's rules the library has no counterpart for, switched off: two hard ones, and every rule soft and on by
# default (a new soft rule of salle is off here without this list naming it)
OFF = ("speaker_conflict", "room_capacity",
       *(name for name, rule in REGISTRY.items() if rule.defaults.enabled and not rule.defaults.hard))
CAPACITY = 1  # the library has no audiences or room sizes


class _Sheet:
    """One sheet's rows (values as openpyxl reads them), and sentences naming its cells."""

    def __init__(self, workbook: str, title: str, rows: list[tuple[Any, ...]]) -> None:
        self.workbook, self.title, self.rows = workbook, title, rows

    def where(self) -> str:
        return f"{self.workbook} [{self.title}]"

    def issue(self, row: int, column: int | None, message: str, name: str | None = None) -> Issue:
        """An issue at spreadsheet row `row` (1-based) and column index `column` (0-based; its header if any)."""
        if name is None and column is not None:
            header = self.rows[0][column] if self.rows and column < len(self.rows[0]) else None
            name = str(header).strip() if header not in (None, "") else f"column {get_column_letter(column + 1)}"
        return Issue(self.where(), message, row, name)

    def cell(self, row: int, column: int) -> Any:
        values = self.rows[row - 1] if row - 1 < len(self.rows) else ()
        return values[column] if column < len(values) else None

    def body(self) -> list[tuple[int, tuple[Any, ...]]]:
        """(row number, values) of every non-blank row below the header."""
        return [(i + 1, r) for i, r in enumerate(self.rows) if i > 0 and any(_blank(v) is False for v in r)]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _name(value: Any) -> str:
    """A name as the library keys it (exact text; numbers as written)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _int(sheet: _Sheet, row: int, column: int, issues: list[Issue], blank: int | None = 0,
         low: int = 0, high: int = MAX_PENALTY, name: str | None = None) -> int:
    value = sheet.cell(row, column)
    if _blank(value):
        if blank is None:
            issues.append(sheet.issue(row, column, "must not be empty", name))
            return 0
        return blank
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif (isinstance(value, float) and value.is_integer()) or (isinstance(value, str)
                                                                and re.fullmatch(r"\s*-?\d+\s*", value)):
        number = int(value)
    if number is None:
        issues.append(sheet.issue(row, column, f"expected a whole number, got {shown(str(value))}", name))
        return 0
    if not low <= number <= high:
        issues.append(sheet.issue(row, column, f"must be between {low} and {high:,}, got {number:,}", name))
        return 0
    return number


def _minutes(sheet: _Sheet, row: int, column: int, issues: list[Issue]) -> int:
    value = sheet.cell(row, column)
    if isinstance(value, dt.datetime):
        value = value.time()
    if isinstance(value, dt.time):
        return value.hour * 60 + value.minute
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})(?::\d{2})?\s*", str(value or ""))
    if match and int(match.group(1)) < 24 and int(match.group(2)) < 60:
        return int(match.group(1)) * 60 + int(match.group(2))
    issues.append(sheet.issue(row, column, f"expected a time such as 09:30, got {shown(str(value))}"))
    return 0


def _day(sheet: _Sheet, row: int, column: int, issues: list[Issue]) -> dt.date:
    value = sheet.cell(row, column)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        issues.append(sheet.issue(row, column, f"expected a date such as 2021-07-12, got {shown(str(value))}"))
        return dt.date(2000, 1, 1)


def _timezone(sheet: _Sheet, row: int, column: int, issues: list[Issue]) -> str:
    text = _name(sheet.cell(row, column)).strip()
    try:
        parse_timezone(text)
    except ValueError as exc:
        issues.append(sheet.issue(row, column, str(exc)))
        return "GMT+0"
    return text


def _list(value: Any) -> list[str]:
    """A cell listing people ("P1, P2"): as the library splits it, blanks dropped."""
    return [p for p in _name(value).split(", ") if p.strip()]


def read_workbook(path: Path) -> dict[str, _Sheet]:
    """Every sheet the library needs (a missing one is an error naming it)."""
    sheets: dict[str, _Sheet] = {}
    with opened(path) as wb:
        for ws in wb.worksheets:
            rows: list[tuple[Any, ...]] = []
            for row in ws.iter_rows(values_only=True, max_col=MAX_COLUMNS):
                rows.append(tuple(row))
                if len(rows) > MAX_ROWS:
                    raise InputError([Issue(f"{path.name} [{ws.title}]", f"has more than {MAX_ROWS:,} rows")])
            while rows and all(_blank(v) for v in rows[-1]):
                rows.pop()
            sheets[ws.title] = _Sheet(path.name, ws.title, rows)
    return sheets


def _safe_id(name: str, used: dict[str, str]) -> str:
    """A salle id for a library name: the name itself when it can be one, else a readable variant; unique."""
    base = " ".join(name.replace(";", " ").replace(",", " ").split()) or "x"
    if base[0] in "=+-@'":
        base = "_" + base
    candidate, n = base, 2
    while candidate in used and used[candidate] != name:
        candidate, n = f"{base} ({n})", n + 1
    used[candidate] = name
    return candidate


@dataclass
class Conference:
    """The workbook read: salle's tables, the constraint file, the conference file and the names kept."""

    tables: dict[str, Table]
    constraints: str
    conference: str
    names: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def _blocks(s: _Sheet, issues: list[Issue], notes: list[str]) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    for row, values in s.body():
        name = _name(values[0])
        if _blank(values[0]):
            issues.append(s.issue(row, 0, "must not be empty"))
            continue
        count = _int(s, row, 1, issues, blank=None, low=1, high=100)
        day = _day(s, row, 2, issues)
        start, end = _minutes(s, row, 3, issues), _minutes(s, row, 4, issues)
        if end <= start:
            issues.append(s.issue(row, 4, f"the block must end after it starts ({format_time(start)})"))
        elif count and end - start < count:
            issues.append(s.issue(row, 1, f"{count} time slots do not fit in {end - start} minutes"))
        blocks.append({"name": name, "slots": count, "day": day, "start": start, "end": end, "row": row})
    # salle counts blocks in time order and checks overlaps by clock time: keep the library's order and keep
    # blocks apart, moving a block that does not come after the previous one to the next day
    previous: tuple[dt.date, int] | None = None
    for b in blocks:
        if previous is not None and (b["day"], b["start"]) < previous:
            moved = previous[0] + dt.timedelta(days=1)
            notes.append(f"block {b['name']} is dated {b['day']} {format_time(b['start'])}, before the block "
                         f"listed above it ends: moved to {moved} so that blocks keep the workbook's order")
            b["day"] = moved
        previous = (b["day"], b["end"])
    return blocks


def _table(s: _Sheet, rows_known: dict[str, str], columns_known: dict[str, str], kind: str, issues: list[Issue],
           by_position: bool = False) -> list[tuple[str, str, int]]:
    """The non-zero cells of a penalty sheet (row names in column A, column names in row 1)."""
    if not s.rows:
        return []
    header = s.rows[0]
    cells = []
    row_names: list[str] = []
    for row, values in s.body():
        a = _name(values[0])
        if a not in rows_known:
            issues.append(s.issue(row, 0, f"{shown(a)} is not a {kind.split('_')[0]} of the workbook"))
            continue
        row_names.append(a)
        for column in range(1, len(header)):
            if _blank(header[column]) and column > 0:
                continue
            b = _name(header[column])
            if not by_position and b not in columns_known:
                issues.append(s.issue(1, column, f"{shown(b)} is not a {kind.split('_')[1]} of the workbook"))
                continue
            value = _int(s, row, column, issues)
            if value and not by_position:
                cells.append((rows_known[a], columns_known[b], value))
    if by_position:  # similar tracks: the library reads, for two tracks listed in rows i < j, row i's column j
        numbers = [row for row, values in s.body() if _name(values[0]) in rows_known]
        for i, a in enumerate(row_names):
            row = numbers[i]
            for j in range(i + 1, len(row_names)):
                value = _int(s, row, j + 1, issues)
                if value:
                    cells.append((rows_known[a], rows_known[row_names[j]], value))
    return cells


def read_conference(path: Path) -> Conference:
    """The workbook as salle's tables, or an InputError naming every bad cell."""
    sheets = read_workbook(path)
    missing = [name for name in SHEETS if name not in sheets]
    if missing:
        raise InputError([Issue(path.name, f"no sheet named {', '.join(repr(m) for m in missing)} (a CoSPLib "
                                           f"workbook has the sheets {', '.join(SHEETS)})")])
    issues: list[Issue] = []
    notes: list[str] = []
    ids: dict[str, dict[str, str]] = {k: {} for k in ("room", "block", "session", "person")}

    blocks = _blocks(sheets["sessions"], issues, notes)
    block_id = {b["name"]: _safe_id(b["name"], ids["block"]) for b in blocks}
    rooms_sheet = sheets["rooms"]
    room_names = [_name(v[0]) for _, v in rooms_sheet.body()]
    room_id = {name: _safe_id(name, ids["room"]) for name in room_names}
    block_names = [b["name"] for b in blocks]
    for kind, listed, s in (("block", block_names, sheets["sessions"]), ("room", room_names, rooms_sheet)):
        seen: set[str] = set()
        for (row, _), name in zip(s.body(), listed, strict=True):
            if name in seen:
                issues.append(s.issue(row, 0, f"{kind} {shown(name)} is listed twice"))
            seen.add(name)

    slots: list[dict[str, str]] = []
    for b in blocks:
        count = b["slots"] or 1
        length = (b["end"] - b["start"]) // count
        for k in range(count):
            start = b["start"] + k * length
            end = b["end"] if k == count - 1 else start + length
            slots.append({"slot_id": f"{block_id[b['name']]}-{k + 1}", "day": b["day"].isoformat(),
                          "start": format_time(start), "end": format_time(end), "block": block_id[b["name"]]})

    tracks_sheet = sheets["tracks"]
    track_rows = tracks_sheet.body()
    track_names = [_name(v[0]) for _, v in track_rows]
    track_id = {name: " ".join(name.split()) for name in track_names}
    tracks: list[dict[str, str]] = []
    people: dict[str, str] = {}
    for _row, values in track_rows:
        chairs = _list(values[1] if len(values) > 1 else None)
        for c in chairs:
            people.setdefault(c, _safe_id(c, ids["person"]))
        if chairs:
            tracks.append({"track": track_id[_name(values[0])], "chairs": ";".join(people[c] for c in chairs)})
    if len(set(track_id.values())) != len(track_id):
        issues.append(tracks_sheet.issue(1, 0, "two tracks differ only by spaces: salle cannot tell them apart"))

    subs = sheets["submissions"]
    header = subs.rows[0] if subs.rows else ()
    block_columns = list(range(FIXED_COLUMNS, FIXED_COLUMNS + len(blocks)))
    room_columns = list(range(FIXED_COLUMNS + len(blocks), FIXED_COLUMNS + len(blocks) + len(room_names)))
    for column in block_columns:
        if column >= len(header) or _name(header[column]) not in block_id:
            issues.append(subs.issue(1, column, f"expected a block name of the sessions sheet here (columns "
                                                f"{get_column_letter(FIXED_COLUMNS + 1)} on: one per block, then one "
                                                "per room)"))
    for column in room_columns:
        if column >= len(header) or _name(header[column]) not in room_id:
            issues.append(subs.issue(1, column, "expected a room name of the rooms sheet here (one column per "
                                                "block, then one per room)"))
    if issues:
        raise InputError(issues)

    sessions: list[dict[str, str]] = []
    interests: list[dict[str, str]] = []
    penalties: list[dict[str, str]] = []
    session_names: dict[str, str] = {}
    used_tracks: set[str] = set()
    for row, values in subs.body():
        name = _name(values[0])
        if _blank(values[0]):
            issues.append(subs.issue(row, 0, "must not be empty"))
            continue
        if name in session_names:
            issues.append(subs.issue(row, 0, f"submission {shown(name)} is listed twice"))
            continue
        sid = session_names[name] = _safe_id(name, ids["session"])
        track = _name(values[1] if len(values) > 1 else None)
        if track not in track_id:
            issues.append(subs.issue(row, 1, f"{shown(track)} is not a track of the tracks sheet"))
            continue
        used_tracks.add(track)
        length = _int(subs, row, 2, issues, blank=None, low=1, high=100)
        order = _int(subs, row, 3, issues, low=0, high=MAX_WEIGHT)
        zone = _timezone(subs, row, 4, issues)
        presenters = _list(values[5] if len(values) > 5 else None)
        for p in presenters:
            people.setdefault(p, _safe_id(p, ids["person"]))
        for a in dict.fromkeys(_list(values[6] if len(values) > 6 else None)):  # the same ids as presenters
            interests.append({"attendee_id": people.setdefault(a, _safe_id(a, ids["person"])), "session_id": sid})
        sessions.append({"session_id": sid, "title": name, "speakers": ";".join(people[p] for p in presenters),
                         "attendance": "0", "track": track_id[track], "length": str(length),
                         "position": str(order) if order else "", "timezone": zone})
        for column in block_columns:
            value = _int(subs, row, column, issues)
            if value:
                penalties.append({"kind": "session_block", "a": sid, "b": block_id[_name(header[column])],
                                  "penalty": str(value)})
        for column in room_columns:
            value = _int(subs, row, column, issues)
            if value:
                penalties.append({"kind": "session_room", "a": sid, "b": room_id[_name(header[column])],
                                  "penalty": str(value)})
    for (row, _), name in zip(track_rows, track_names, strict=True):
        if name not in used_tracks:
            issues.append(tracks_sheet.issue(row, 0, f"track {shown(name)} has no submission"))

    known_tracks = {n: track_id[n] for n in track_names}
    tables_read: tuple[tuple[str, str, dict[str, str], dict[str, str]], ...] = (
        ("track_block", "tracks_sessions|penalty", known_tracks, block_id),
        ("track_room", "tracks_rooms|penalty", known_tracks, room_id),
        ("block_room", "sessions_rooms|penalty", block_id, room_id))
    for kind, title, rows_known, columns_known in tables_read:
        for one, two, value in _table(sheets[title], rows_known, columns_known, kind, issues):
            penalties.append({"kind": kind, "a": one, "b": two, "penalty": str(value)})
    for one, two, value in _table(sheets["similar tracks"], known_tracks, known_tracks, "track_track", issues,
                                  by_position=True):
        penalties.append({"kind": "similar_tracks", "a": one, "b": two, "penalty": str(value)})

    constraints, zone = _constraints(sheets["parameters"], path.name, penalties, issues)
    if issues:
        raise InputError(issues)
    presenting = {p for row in sessions for p in row["speakers"].split(";") if p}
    chairing = {c for row in tracks for c in row["chairs"].split(";") if c}
    speakers = [{"speaker_id": pid, "name": name} for name, pid in people.items() if pid in presenting | chairing]
    tables = {
        "rooms.csv": Table(("room_id", "name", "capacity"),
                           [{"room_id": room_id[n], "name": n.strip() or room_id[n], "capacity": str(CAPACITY)}
                            for n in room_names]),
        "slots.csv": Table(("slot_id", "day", "start", "end", "block"), slots),
        "sessions.csv": Table(("session_id", "title", "speakers", "attendance", "track", "length", "position",
                               "timezone"), sessions),
        "speakers.csv": Table(("speaker_id", "name"), speakers),
        "tracks.csv": Table(("track", "chairs"), tracks),
        "interests.csv": Table(("attendee_id", "session_id"), interests),
        "penalties.csv": Table(("kind", "a", "b", "penalty"), penalties),
    }
    conference = conference_text(path.stem, zone, notes)
    names: dict[str, Any] = {
             "rooms": {room_id[n]: n for n in room_names}, "blocks": {block_id[b["name"]]: b["name"] for b in blocks},
             "tracks": {track_id[n]: n for n in track_names}, "sessions": {v: k for k, v in session_names.items()},
             "block_order": [block_id[b["name"]] for b in blocks], "room_order": [room_id[n] for n in room_names]}
    return Conference(tables, constraints, conference, names, notes)


def conference_text(stem: str, zone: str, notes: list[str]) -> str:
    """conference.yaml from the workbook's file name and the library's time zone: only what salle accepts (a
    title on one line of at most 200 characters, an acronym of at most 80; a zone without an IANA name is left
    out, with a note)."""
    title = " ".join(BAD_CHAR.sub(" ", stem).split())[:200].strip() or "CoSPLib"
    acronym = re.sub(r"[^a-z0-9-]+", "-", title.lower()).strip("-")[:80].strip("-") or "cosplib"
    values = {"title": title, "acronym": acronym, "timezone": _iana(zone), "locale": "en"}
    if values["timezone"] is None:
        del values["timezone"]
        notes.append(f"the library's time zone {shown(zone)} is not a whole number of hours from UTC (or beyond "
                     "Etc/GMT-14 … Etc/GMT+12): conference.yaml names no time zone; add the conference's own "
                     "(such as Asia/Kolkata)")
    return conference_yaml(ConferenceFile.model_validate(values))


def _iana(zone: str) -> str | None:
    """conference.yaml's time zone for the library's `GMT+2`, `UTC+05:00` or `+01:00` (Etc/GMT-2: the IANA sign
    is reversed; only whole hours from −12 to +14 have such a zone), an IANA name as it is; None otherwise."""
    match = re.fullmatch(r"(?:GMT|UTC)?\s*([+-])(\d{1,2})(?::?(\d{2}))?", zone.strip(), re.IGNORECASE)
    if match:
        hours, minutes = int(match.group(2)), int(match.group(3) or 0)
        east = match.group(1) == "+"
        if minutes or hours > (14 if east else 12):
            return None
        return "Etc/GMT" if hours == 0 else f"Etc/GMT{'-' if east else '+'}{hours}"
    text = zone.strip()
    if text.upper() in ("GMT", "UTC", "Z", ""):
        return "UTC"
    try:
        ConferenceFile.model_validate({"timezone": text})
    except ValueError:
        return None
    return text


def _split(weight: int) -> tuple[int, int]:
    """weight = w × multiplier with both at most MAX_WEIGHT (rule weights are capped), multiplier smallest."""
    for multiplier in range(1, MAX_WEIGHT + 1):
        if weight % multiplier == 0 and weight // multiplier <= MAX_WEIGHT:
            return weight // multiplier, multiplier
    return 0, 0


def _constraints(s: _Sheet, workbook: str, penalties: list[dict[str, str]],
                 issues: list[Issue]) -> tuple[str, str]:
    """constraints.yaml reproducing the parameters sheet, and the conference's time zone."""
    rules: dict[str, dict[str, Any]] = {
                             "all_scheduled": {"enabled": True, "hard": True}, "room_conflict": {"enabled": True},
                             "within_block": {"enabled": True, "hard": True},
                             "block_room_track": {"enabled": True, "hard": True}}
    for name in OFF:
        rules[name] = {"enabled": False}
    for k, (label, rule) in enumerate(WEIGHTS):
        row = k + 2
        found = _name(s.cell(row, 3)).strip().rstrip(":").strip()
        if found.lower() != label.lower():
            issues.append(s.issue(row, 3, f"expected the weight {shown(label)} here, found {shown(found)}"))
            continue
        weight = _int(s, row, 4, issues, high=10**9, name=f"{label} (column E)")
        if not weight:
            rules[rule] = {"enabled": False}
            continue
        if rule in TABLE_RULES and weight > MAX_WEIGHT:  # the weight goes into the table's cells
            kind = {"track_block_penalty": "track_block", "track_room_penalty": "track_room",
                    "block_room_penalty": "block_room", "similar_tracks": "similar_tracks",
                    "session_block_penalty": "session_block", "session_room_penalty": "session_room"}[rule]
            for cell in penalties:
                if cell["kind"] == kind:
                    value = int(cell["penalty"]) * weight
                    if value > MAX_PENALTY:
                        issues.append(s.issue(row, 4, f"weight × penalty {value:,} is above {MAX_PENALTY:,}"))
                        break
                    cell["penalty"] = str(value)
            rules[rule] = {"enabled": True, "hard": False, "weight": 1}
            continue
        settings: dict[str, Any] = {"enabled": True, "hard": False}
        if weight > MAX_WEIGHT:
            w, multiplier = _split(weight)
            if not w:
                issues.append(s.issue(row, 4, f"{weight:,} is not a product of two numbers up to {MAX_WEIGHT:,}"))
                continue
            settings.update(weight=w, multiplier=multiplier)
        else:
            settings["weight"] = weight
        rules[rule] = settings
    zone = _timezone(s, 2, 1, issues)
    if rules.get("presenter_timezone", {}).get("enabled"):
        rules["presenter_timezone"].update(
            timezone=zone, span="block",
            suitable_from=format_time(_minutes(s, 4, 1, issues)), suitable_to=format_time(_minutes(s, 5, 1, issues)),
            less_suitable_from=format_time(_minutes(s, 7, 1, issues)),
            less_suitable_to=format_time(_minutes(s, 8, 1, issues)),
            less_suitable=_int(s, 9, 1, issues, high=MAX_WEIGHT), unsuitable=_int(s, 11, 1, issues, high=MAX_WEIGHT))
    head = (f"# written by salle import cosplib from {workbook}: the library's weights (parameters sheet) as salle's\n"
            "# rules; every soft rule of salle the library does not have is off.\n")
    return head + yaml.safe_dump(rules, sort_keys=False, allow_unicode=True), zone


# -- published solutions -------------------------------------------------------------------------------------
def read_solution(path: Path, names: dict[str, Any], lengths: dict[str, int],
                  sizes: dict[str, int]) -> tuple[Table, list[str]]:
    """A solution workbook's sheet `sol` as assignments (session_id, room_id, slot_id), and notes."""
    sheets = read_workbook(path)
    if "sol" not in sheets:
        raise InputError([Issue(path.name, "no sheet named 'sol' (a CoSPLib solution workbook)")])
    s = sheets["sol"]
    issues: list[Issue] = []
    notes: list[str] = []
    room_of = {v: k for k, v in names["rooms"].items()}
    block_of = {v: k for k, v in names["blocks"].items()}
    session_of = {v: k for k, v in names["sessions"].items()}
    header = s.rows[0] if s.rows else ()
    rooms: list[str | None] = []
    for column in range(1, len(header)):
        name = _name(header[column])
        if _blank(header[column]):
            rooms.append(None)
        elif name not in room_of:
            issues.append(s.issue(1, column, f"{shown(name)} is not a room of the instance"))
            rooms.append(None)
        else:
            rooms.append(room_of[name])
    n_blocks = len(names["block_order"])
    tracks_row: dict[tuple[str, str], str] = {}
    for row in range(2, 2 + n_blocks):
        block = _name(s.cell(row, 0))
        if block not in block_of:
            issues.append(s.issue(row, 0, f"expected a block of the instance, got {shown(block)}"))
            continue
        for column, room in enumerate(rooms, start=1):
            value = s.cell(row, column)
            if room and not _blank(value):
                tracks_row[(block_of[block], room)] = _name(value)
    runs: dict[str, list[tuple[str, str, int, int]]] = defaultdict(list)  # session -> (block, room, index, row)
    index: dict[str, int] = defaultdict(int)
    for row in range(3 + n_blocks, len(s.rows) + 1):
        if all(_blank(v) for v in s.rows[row - 1]):
            continue
        block = _name(s.cell(row, 0))
        if block not in block_of:
            issues.append(s.issue(row, 0, f"expected a block of the instance, got {shown(block)}"))
            continue
        bid = block_of[block]
        k = index[bid]
        index[bid] += 1
        if k >= sizes.get(bid, 0):
            issues.append(s.issue(row, 0, f"block {shown(block)} has {sizes.get(bid, 0)} time slots; this is row "
                                          f"{k + 1} of it"))
            continue
        for column, room in enumerate(rooms, start=1):
            value = s.cell(row, column)
            if room is None or _blank(value):
                continue
            name = _name(value)
            if name not in session_of:
                issues.append(s.issue(row, column, f"{shown(name)} is not a submission of the instance"))
                continue
            runs[session_of[name]].append((bid, room, k, row))
    if issues:
        raise InputError(issues)
    assignments = []
    for sid, cells in runs.items():
        first = cells[0]
        expected = [(first[0], first[1], first[2] + i) for i in range(lengths.get(sid, 1))]
        if [(b, r, k) for b, r, k, _ in cells] != expected:
            issues.append(s.issue(first[3], None, f"submission {shown(names['sessions'][sid])} should fill "
                                                  f"{lengths.get(sid, 1)} consecutive time slots of one room and "
                                                  "block"))
            continue
        assignments.append({"session_id": sid, "room_id": first[1], "slot_id": f"{first[0]}-{first[2] + 1}"})
    if issues:
        raise InputError(issues)
    used = {(b, r) for cells in runs.values() for b, r, _, _ in cells}
    empty = sorted(set(tracks_row) - used)
    if empty:
        notes.append(f"{len(empty)} room-block(s) name a track but hold no submission (salle places submissions, "
                     f"not tracks: they are left out), e.g. {names['blocks'][empty[0][0]]} "
                     f"{names['rooms'][empty[0][1]]}: {tracks_row[empty[0]]}")
    return Table(("session_id", "room_id", "slot_id"), assignments), notes


def import_cosplib(path: Path, out: Path, solution: Path | None = None, replace: bool = True) -> Imported:
    """Write the conference in `path` (and the solution in `solution`) into `out` as an inputs folder; without
    `replace`, an `out` that already holds files is refused (solver.importers.folder.refuse_full)."""
    conference = read_conference(path)
    tables = dict(conference.tables)
    notes = list(conference.notes)
    if solution is not None:
        lengths = {row["session_id"]: int(row["length"]) for row in tables["sessions.csv"].rows if row}
        sizes: dict[str, int] = defaultdict(int)
        for row in tables["slots.csv"].rows:
            if row:
                sizes[row["block"]] += 1
        table, more = read_solution(solution, conference.names, lengths, sizes)
        tables[ASSIGNMENTS] = table
        notes += more
    done = write_inputs(tables, out, where=lambda f: f"{path.name} (as {f})", notes=notes, source=path,
                        replace=replace, also=("constraints.yaml", "conference.yaml", NAMES))
    done.written += write_atomically({
        out / "constraints.yaml": conference.constraints,
        out / "conference.yaml": conference.conference,
        out / NAMES: json.dumps(conference.names, ensure_ascii=False, indent=1, default=str) + "\n",
    })
    done.notes.append(f"{out / 'constraints.yaml'} holds the library's weights; every command reading {out} applies "
                      "it after constraints/default.yaml")
    return done


def library_names(folder: Path) -> dict[str, Any] | None:
    """The library's exact names kept by the import (cosplib.json), or None."""
    path = folder / NAMES
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def library_terms(penalties: dict[str, int]) -> dict[str, int]:
    """A salle report's penalties per rule as the library's terms (its parameters sheet's names), non-zero only."""
    label = {rule: name for name, rule in WEIGHTS}
    return {label[rule]: value for rule, value in penalties.items() if rule in label and value}
